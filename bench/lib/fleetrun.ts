/**
 * Fleet runs: the packaged handler against the emulator's 400-cluster fleet (bench/fleet.ts), one fresh
 * process per run, every API call counted by the emulator; and the sequential baseline script.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator, FaultConfig } from '../../local/emulator.js';
import { provisionService } from '../../local/service.js';
import type { RetrySettings } from '../../shared/policy/schema.js';
import { fleetClusters, fleetSeed, LATENCY_MS } from '../fleet.js';
import { PROBE, runNode } from './child.js';
import { FUNCTION_REGION } from './coldstart.js';
import { ROOT } from './package.js';
import { idleTime, type ProbeOut, peakInFlight, span } from './probe-types.js';

export interface FleetVariant {
  /** Key in the report, e.g. `tag`. */
  key: string;
  policy: string;
  concurrency: number;
  faults: FaultConfig;
}

export interface FleetRun {
  /** The handler invocation, import excluded. */
  invokeMs: number;
  /** CPU time of the handler process during the invocation. */
  invokeCpuMs: number;
  /** Process spawn → exit (import and Node's start included). */
  wallMs: number;
  maxRssKb: number;
  /** Emulator counters for this run only, per action. */
  calls: Record<string, number>;
  totalCalls: number;
  /** totalCalls ÷ concurrency × latency. */
  lowerBoundMs: number;
  /** Clusters the run selected (results with a real Region and cluster). */
  selected: number;
  counts: Record<string, number>;
  /** Sum over clusters of (attempts − 1): CreateDBClusterSnapshot calls the busy clusters cost. */
  busyRetries: number;
  peakInFlight: number;
  peakInFlightDocdb: number;
  /** Recording requests (DynamoDB, EventBridge, SNS) in flight at most. */
  peakInFlightRecording: number;
  /** Request time summed over all requests ÷ the invocation's duration. */
  meanInFlight: number;
  /** The busiest Region's DocumentDB requests ÷ BACKUP_CONCURRENCY × latency (the limit is per Region). */
  perRegionBoundMs: number;
  /** Time within the run with no request in flight (barriers, backoff tails). */
  idleMs: number;
  /** Relative to the invocation's start. */
  docdbPhase?: { from: number; to: number };
  recordingPhase?: { from: number; to: number };
}

function diff(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const [action, n] of Object.entries(after)) {
    const d = n - (before[action] ?? 0);
    if (d > 0) calls[action] = d;
  }
  return calls;
}

const SLOT = '2026-11-28T03:00:00Z';

/**
 * One run of a packaged handler over the whole fleet in a fresh process. `functionEnv` is the packaged
 * template's (its POLICIES_FILE names the bench policies packaged in `taskRoot`).
 */
export async function fleetRun(options: {
  emu: Emulator;
  taskRoot: string;
  handlerFile: string;
  functionEnv: Record<string, string>;
  variant: FleetVariant;
  logDir: string;
}): Promise<FleetRun> {
  const { emu, taskRoot, variant, logDir } = options;
  await emu.reset();
  emu.setFaults({});
  emu.seed(fleetSeed());
  const service = await provisionService(emu, FUNCTION_REGION);
  emu.setFaults(variant.faults);
  const before = emu.state().calls;
  const run = await runNode<ProbeOut>({
    args: [PROBE],
    cwd: taskRoot,
    env: {
      ...options.functionEnv,
      ...service.env,
      LAMBDA_TASK_ROOT: taskRoot,
      BACKUP_CONCURRENCY: String(variant.concurrency),
      BENCH_MODULE: options.handlerFile,
      BENCH_EVENT: JSON.stringify({ policy: variant.policy, time: SLOT }),
      BENCH_TRACE: '1',
    },
    logDir,
    name: `fleet-${variant.key}`,
  });
  const calls = diff(emu.state().calls, before);
  const { out } = run;
  if (out.error) throw new Error(`fleet run ${variant.key} failed: ${out.error.name}: ${out.error.message}`);
  // biome-ignore lint/suspicious/noExplicitAny: the handler's JSON result
  const results: any[] = out.result?.results ?? [];
  const real = results.filter((r) => r.region !== '*' && r.clusterId !== '*');
  const totalCalls = Object.values(calls).reduce((a, b) => a + b, 0);
  const origin = out.invokeStart ?? 0;
  const docdbByRegion = new Map<string, number>();
  for (const r of out.requests)
    if (r.service === 'rds') docdbByRegion.set(r.region, (docdbByRegion.get(r.region) ?? 0) + 1);
  const busiest = Math.max(0, ...docdbByRegion.values());
  const requestTime = out.requests.reduce((sum, r) => sum + (Number.isNaN(r.end) ? 0 : r.end - r.start), 0);
  return {
    invokeMs: out.invokeMs ?? Number.NaN,
    invokeCpuMs: out.invokeCpuMs ?? Number.NaN,
    wallMs: run.wallMs,
    maxRssKb: out.maxRssKb,
    calls,
    totalCalls,
    lowerBoundMs: (totalCalls / variant.concurrency) * LATENCY_MS,
    selected: real.length,
    counts: out.result?.counts ?? {},
    busyRetries: real.reduce((sum, r) => sum + Math.max(0, (r.attempts ?? 0) - 1), 0),
    peakInFlight: peakInFlight(out.requests),
    peakInFlightDocdb: peakInFlight(out.requests, ['rds']),
    peakInFlightRecording: peakInFlight(out.requests, ['dynamodb', 'events', 'sns']),
    meanInFlight: requestTime / (out.invokeMs ?? Number.NaN),
    perRegionBoundMs: (busiest / variant.concurrency) * LATENCY_MS,
    idleMs: idleTime(out.requests),
    docdbPhase: span(out.requests, ['rds'], origin),
    recordingPhase: span(out.requests, ['dynamodb', 'events', 'sns'], origin),
  };
}

export interface SequentialRun {
  /** The loop over the clusters (the script's own start excluded). */
  loopMs: number;
  created: number;
  failed: number;
  attempts: number;
  calls: Record<string, number>;
}

/** One run of bench/sequential.ts over the whole fleet, with the same faults. */
export async function sequentialRun(
  emu: Emulator,
  faults: FaultConfig,
  retry: RetrySettings,
  logDir: string,
): Promise<SequentialRun> {
  await emu.reset();
  emu.setFaults({});
  emu.seed(fleetSeed());
  emu.setFaults(faults);
  const input = join(logDir, 'sequential-clusters.json');
  writeFileSync(
    input,
    JSON.stringify({
      clusters: fleetClusters().map(({ region, id }) => ({ region, id })),
      prefix: 'seq',
      slot: '20261128-0300',
      retry,
    }),
  );
  const before = emu.state().calls;
  const run = await runNode<{ wallMs: number; created: number; failed: number; attempts: number }>({
    args: ['--import', 'tsx', join(ROOT, 'bench', 'sequential.ts')],
    cwd: ROOT,
    env: { ...emu.env('us-east-1'), BENCH_CLUSTERS: input },
    logDir,
    name: 'sequential',
    timeoutMs: 300_000,
  });
  return { ...run.out, loopMs: run.out.wallMs, calls: diff(emu.state().calls, before) };
}
