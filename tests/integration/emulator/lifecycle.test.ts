// Seam: the emulator's process lifecycle — stop() leaves nothing that keeps Node alive, and the
// standalone `local/serve.ts` starts from a seed file, serves real SDK clients and stops on SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DescribeDBClustersCommand, DocDBClient } from '@aws-sdk/client-docdb';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

interface Run {
  child: ChildProcess;
  stdout: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function runTs(file: string, args: string[] = [], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, stdout: () => out, exited };
}

/** Waits for the process to exit by itself; kills it and fails after `ms`. */
async function exitWithin(
  run: Run,
  ms: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const timer = setTimeout(() => run.child.kill('SIGKILL'), ms);
  const result = await run.exited;
  clearTimeout(timer);
  return result;
}

describe('emulator lifecycle', () => {
  it('stop() closes every server, connection and timer, so the process exits by itself', async () => {
    const run = runTs(fixture('stop-exits.ts'));

    const { code, signal } = await exitWithin(run, 10_000);

    expect({ code, signal }).toEqual({ code: 0, signal: null });
    const report = JSON.parse(run.stdout().trim().split('\n').at(-1) ?? '{}');
    expect(report.outcome).toMatch(/^failed: /);
    expect(report.handles).toEqual([]);
  });

  it('serve.ts takes the port from EMULATOR_PORT and a --seed file, prints the env, and stops on SIGTERM', async () => {
    const run = runTs('local/serve.ts', ['--seed', fixture('fleet.json')], { EMULATOR_PORT: '0' });
    const url = await new Promise<string>((resolve, reject) => {
      const check = (): void => {
        const match = /export AWS_ENDPOINT_URL=(http:\/\/127\.0\.0\.1:\d+)/.exec(run.stdout());
        if (match?.[1]) resolve(match[1]);
      };
      run.child.stdout?.on('data', check);
      run.exited.then(() => reject(new Error(`serve.ts exited early:\n${run.stdout()}`)));
    });
    const docdb = new DocDBClient({
      endpoint: url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' },
    });

    const { DBClusters } = await docdb.send(new DescribeDBClustersCommand({}));
    docdb.destroy();
    run.child.kill('SIGTERM');
    const { code } = await exitWithin(run, 10_000);

    expect(DBClusters?.map((cluster) => cluster.DBClusterIdentifier)).toEqual(['billing-pg', 'orders']);
    expect(run.stdout()).toContain('export AWS_ACCESS_KEY_ID=');
    expect(code).toBe(0);
  });
});
