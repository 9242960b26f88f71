/**
 * Running the real `serverless` (osls) offline and hermetically: in a temporary copy of the service with
 * node_modules linked, without the developer's credentials or file choices, bounded in time because
 * serverless-esbuild can hang on a build error. Shared by the deploy tests and the benchmarks.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
const SERVERLESS = join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js');
/** Seconds one `serverless` command may take before it is stopped. */
export const RUN_LIMIT_SECONDS = 300;
/** Variables of the caller's shell that must not reach the run. */
const ISOLATED_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'POLICIES_FILE',
  'DOCDB_BACKUP_POLICIES',
  'DEPLOY_SETTINGS_FILE',
];

/**
 * A copy of what `serverless package` reads, with node_modules linked, so runs never touch the work tree.
 * The caller removes it (`rmSync(dir, { recursive: true, force: true })`) when done.
 * @example const dir = copyService('docdb-backup-package-')
 */
export function copyService(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const file of ['serverless.yml', 'package.json', 'tsconfig.json'])
    cpSync(join(ROOT, file), join(dir, file));
  for (const folder of ['deploy', 'config', 'functions', 'shared'])
    cpSync(join(ROOT, folder), join(dir, folder), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/**
 * Runs `serverless <args>` in `serviceDir` under `timeout`; exit status 124 means it was stopped. The run
 * gets a temporary folder of its own (TMPDIR), removed afterwards: serverless-esbuild leaves its zip
 * staging folder (`docdb-backup-<pid>-<time>-<hex>`) behind, its cleanup not being recursive.
 * @example runServerless(dir, ['package', '--stage', 'prod']).status // 0
 */
export function runServerless(
  serviceDir: string,
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const clean = { ...process.env };
  for (const name of ISOLATED_VARIABLES) delete clean[name];
  const scratch = mkdtempSync(join(tmpdir(), 'docdb-backup-serverless-tmp-'));
  try {
    const run = spawnSync('timeout', [String(RUN_LIMIT_SECONDS), process.execPath, SERVERLESS, ...args], {
      cwd: serviceDir,
      encoding: 'utf8',
      env: {
        ...clean,
        ...env,
        TMPDIR: scratch,
        NO_COLOR: '1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
