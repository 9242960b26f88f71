// Seam: `npm run local` as a person uses it — local/serve.ts in its own process, then the operator CLI
// (`node bin/docdb-backup.js`) in another with nothing but the `export …` lines serve printed: the demo fleet,
// the service's topic and table and the demo policy file must be there. Also what serve says when it
// cannot start.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SERVE = ['--import', 'tsx', join(ROOT, 'local', 'serve.ts')];

/** The serve process's environment: this one's, without a port or policy file of the developer's. */
function serveEnv(): NodeJS.ProcessEnv {
  const { EMULATOR_PORT: _port, DOCDB_BACKUP_POLICIES: _policies, ...env } = process.env;
  return env;
}

/** Starts serve and resolves with what it printed once it is ready (the line that says how to stop it). */
function startServe(args: string[]): Promise<{ child: ChildProcess; stdout: string }> {
  const child = spawn(process.execPath, [...SERVE, ...args], { cwd: ROOT, env: serveEnv() });
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('Ctrl-C stops.')) resolve({ child, stdout });
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code} before it was ready:\n${stderr}`)));
  });
}

/** The printed `export NAME=value` lines, single quotes undone as a shell would. */
function parseExports(stdout: string): Record<string, string> {
  const unquote = (value: string) =>
    value.startsWith("'") ? value.slice(1, -1).replaceAll(`'\\''`, "'") : value;
  return Object.fromEntries(
    [...stdout.matchAll(/^export ([A-Z_][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1], unquote(m[2] ?? '')]),
  );
}

interface Finished {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<Finished> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [file, ...args], {
      cwd: import.meta.dirname, // not the repository: the policy file must come from the exports
      env,
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** `npx docdb-backup …` with only the exports (and PATH), as in a fresh terminal. */
function cli(args: string[], exports: Record<string, string>): Promise<Finished> {
  return run(join(ROOT, 'bin', 'docdb-backup.js'), args, {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    NO_COLOR: '1',
    ...exports,
  });
}

let serve: { child: ChildProcess; stdout: string };
let exports: Record<string, string>;

beforeAll(async () => {
  serve = await startServe(['--port', '0']);
  exports = parseExports(serve.stdout);
}, 30_000);

afterAll(async () => {
  const { child } = serve ?? {};
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
});

describe('npm run local', () => {
  it('comes up seeded with the demo fleet and prints every variable the CLI needs', () => {
    const url = exports.AWS_ENDPOINT_URL ?? '';
    expect(Object.keys(exports)).toEqual([
      'AWS_ENDPOINT_URL',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_REGION',
      'ALERT_TOPIC_ARN',
      'RESULTS_TABLE',
      'EVENT_BUS_NAME',
      'DOCDB_BACKUP_POLICIES',
      'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
    ]);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(exports).toMatchObject({
      AWS_REGION: 'us-east-1',
      ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:docdb-backup-alerts',
      RESULTS_TABLE: 'docdb-backup-results',
      EVENT_BUS_NAME: 'default',
      DOCDB_BACKUP_POLICIES: join(ROOT, 'local', 'demo-policies.yml'),
    });
    expect(serve.stdout).toContain(`AWS emulator listening on ${url}\n`);
    expect(serve.stdout).toMatch(
      /demo-fleet\.json: 9 in us-east-1, 2 in eu-west-1; other accounts \(copy destinations\): 444455556666\n/,
    );
  });

  it('runs plan, run, status and reconcile of the real CLI in another process with only those exports', async () => {
    // Act: one after another, as a person would (run records what status and reconcile read).
    const plan = await cli(['plan', '--policy', 'nightly-prod'], exports);
    const backup = await cli(['run', '--policy', 'nightly-prod'], exports);
    const status = await cli(['status', '--policy', 'nightly-prod'], exports);
    const reconcile = await cli(['reconcile'], exports);

    // Assess
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/us-east-1 +orders-prod +snapshot +nightly-orders-prod-\d{8}-0300/);
    expect(plan.stdout).toMatch(/eu-west-1 +customers-eu-prod +snapshot /);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/created +us-east-1 +payments-prod +nightly-payments-prod-\d{8}-\d{4}/);
    expect(backup.stdout).not.toContain('reporting-aurora');
    expect(status.code, status.stdout + status.stderr).toBe(0);
    expect(reconcile.code, reconcile.stderr).toBe(0);
    expect(reconcile.stdout).toMatch(
      /available +nightly-prod +us-east-1 +orders-prod .* creating → available/,
    );
    for (const result of [plan, backup, status, reconcile]) expect(result.stderr).toBe('');
  }, 90_000);

  it('says in one line which port is in use and how to choose another, exit 2', async () => {
    const port = new URL(exports.AWS_ENDPOINT_URL ?? '').port;
    const env = serveEnv();

    const [taken, conflicting] = await Promise.all([
      runServe(['--port', port], env),
      runServe(['--seed', 'fleet.json', '--empty'], env),
    ]);

    expect(taken).toEqual({
      code: 2,
      stdout: '',
      stderr: `npm run local: port ${port} is in use (another npm run local or emulator?); start it on another with --port N or EMULATOR_PORT=N (0 = any free port)\n`,
    });
    expect(conflicting.code).toBe(2);
    expect(conflicting.stderr).toBe(
      'npm run local: --seed and --empty exclude each other: start with a fleet or with none\n',
    );
  }, 30_000);
});

function runServe(args: string[], env: NodeJS.ProcessEnv): Promise<Finished> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...SERVE, ...args],
      { cwd: ROOT, env, timeout: 20_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
  });
}
