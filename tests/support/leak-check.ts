/**
 * Vitest's global setup: no test leaves a temporary folder behind. `setup` points TMPDIR at a private
 * folder for the run (the test workers and every process they start inherit it, so `os.tmpdir()` is that
 * folder everywhere, and runs side by side cannot see each other's folders); `teardown` lists every
 * `docdb-backup-*` entry still in it, fails the run (exit 1) when there is one, and removes the private
 * folder with whatever other tools cached there (tsx). The one entry kept on purpose is the demo's
 * handler log folder (local/demo.ts prints its path for the reader), reused by every `npm start`.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Entries a run may leave: reused, deliberately kept folders. */
export const KEPT_ON_PURPOSE: readonly string[] = ['docdb-backup-demo'];

let privateTmp: string | undefined;
let outerTmp: string | undefined;

/** Gives the run its own temporary folder. */
export function setup(): void {
  outerTmp = process.env.TMPDIR;
  privateTmp = mkdtempSync(join(tmpdir(), 'docdb-backup-vitest-'));
  process.env.TMPDIR = privateTmp;
}

/**
 * The project's entries left in the run's temporary folder, except those kept on purpose.
 * @example leftovers(['docdb-backup-it-AbC123', 'tsx-0']) → ['docdb-backup-it-AbC123']
 */
export function leftovers(entries: readonly string[]): string[] {
  return entries.filter((name) => name.startsWith('docdb-backup-') && !KEPT_ON_PURPOSE.includes(name)).sort();
}

/** Fails the run when a test left a `docdb-backup-*` folder, then removes the private folder. */
export function teardown(): void {
  if (!privateTmp) return;
  const left = leftovers(readdirSync(privateTmp));
  rmSync(privateTmp, { recursive: true, force: true });
  if (outerTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = outerTmp;
  if (left.length === 0) return;
  process.stderr.write(
    `\nleak check: the tests left ${left.length} temporary folder(s) behind; remove each in afterAll or finally (tests/support/temp-folders.ts):\n${left.map((name) => `  ${name}`).join('\n')}\n`,
  );
  process.exitCode = 1;
}
