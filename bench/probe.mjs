// The bench's child process, run with plain `node` (no tsx) and cwd = a task root, as Lambda runs the
// function: imports one bundle, optionally invokes its handler once or calls its loadPolicyFile, and
// writes what it measured as JSON to BENCH_OUT. Handler logs go to stdout as in Lambda.
//
// BENCH_MODULE       bundle to import (absolute path); unset: import nothing (node's own start)
// BENCH_EVENT        JSON event: invoke `handler(event, context)` once after the import
// BENCH_POLICY_FILE  call `loadPolicyFile(path)` once after the import
// BENCH_TRACE=1      record every outgoing HTTP request (node:diagnostics_channel): service, start, end
// BENCH_OUT          where to write the JSON result
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const env = process.env;
const requests = [];

if (env.BENCH_TRACE === '1') {
  const { subscribe } = await import('node:diagnostics_channel');
  const open = new WeakMap();
  subscribe('http.client.request.start', ({ request }) => {
    const auth = String(request.getHeader('authorization') ?? '');
    const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\//.exec(auth);
    const entry = {
      service: scope?.[2] ?? 'unknown',
      region: scope?.[1] ?? 'unknown',
      start: performance.now(),
      end: Number.NaN,
      status: 0,
    };
    open.set(request, entry);
    requests.push(entry);
  });
  const finish = (request, status) => {
    const entry = open.get(request);
    if (entry && Number.isNaN(entry.end)) {
      entry.end = performance.now();
      entry.status = status;
    }
  };
  subscribe('http.client.response.finish', ({ request, response }) => finish(request, response.statusCode));
  subscribe('http.client.request.error', ({ request }) => finish(request, -1));
}

const out = {};
const importStart = performance.now();
const mod = env.BENCH_MODULE ? await import(pathToFileURL(env.BENCH_MODULE).href) : {};
const importEnd = performance.now();
out.importMs = importEnd - importStart;
// performance.now() counts from the process's time origin: process start → import end.
out.startToImportEndMs = importEnd;

if (env.BENCH_POLICY_FILE) {
  const started = performance.now();
  const policies = await mod.loadPolicyFile(env.BENCH_POLICY_FILE);
  out.parseMs = performance.now() - started;
  out.policies = policies.length;
}

if (env.BENCH_EVENT) {
  const deadline = Date.now() + 900_000;
  const context = {
    functionName: 'docdb-backup-prod-backup',
    functionVersion: '$LATEST',
    memoryLimitInMB: '256',
    awsRequestId: 'bench-request',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:docdb-backup-prod-backup',
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  out.invokeStart = started;
  // The same instant on the monotonic clock a --cpu-prof profile's timestamps use (microseconds).
  out.invokeStartUs = Number(process.hrtime.bigint() / 1000n);
  try {
    out.result = await mod.handler(JSON.parse(env.BENCH_EVENT), context);
  } catch (error) {
    out.error = { name: error?.name, message: error?.message };
  }
  out.invokeMs = performance.now() - started;
  out.invokeEndUs = Number(process.hrtime.bigint() / 1000n);
  const cpu = process.cpuUsage(cpuBefore);
  out.invokeCpuMs = (cpu.user + cpu.system) / 1000;
}

out.maxRssKb = process.resourceUsage().maxRSS;
out.requests = requests;
writeFileSync(env.BENCH_OUT, JSON.stringify(out));
// After an invocation, idle keep-alive sockets must not keep the process (Lambda would freeze it instead).
if (env.BENCH_EVENT) process.exit(0);
