/**
 * The operator CLI's start: `node bin/docdb-backup.js --help` in fresh processes, running the esbuild
 * bundle (dist/cli, built first when it is not current), next to a bare `node -e ''` as its floor.
 * @example const start = measureCliStart(20); summarize(start.helpMs).median
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildCli, bundleState, ROOT } from '../../bin/cli-bundle.js';

export interface CliStart {
  /** Wall time of each `docdb-backup --help`, spawn to exit. */
  helpMs: number[];
  /** Wall time of each `node -e ''`, the same way. */
  floorMs: number[];
}

/** One child's wall time; it must exit 0. */
function timed(args: string[], env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const child = spawnSync(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = performance.now() - started;
  if (child.status !== 0) throw new Error(`${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  return elapsed;
}

/** `reps` runs of each, interleaved so that load on the machine hits both alike. */
export async function measureCliStart(reps: number): Promise<CliStart> {
  if (bundleState() !== 'fresh') await buildCli();
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DOCDB_BACKUP_CLI: 'bundle' };
  const bin = join(ROOT, 'bin', 'docdb-backup.js');
  timed([bin, '--help'], env); // warms the file cache
  const result: CliStart = { helpMs: [], floorMs: [] };
  for (let i = 0; i < reps; i++) {
    result.helpMs.push(timed([bin, '--help'], env));
    result.floorMs.push(timed(['-e', ''], env));
  }
  return result;
}
