/**
 * Temporary folders for tests that are removed when the test file ends: importing this module registers
 * one file-level `afterAll` (vitest evaluates it again for every test file). The run's leak check
 * (tests/support/leak-check.ts) fails `vitest run` on any `docdb-backup-*` folder left behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** Every temporary folder a test of this file has asked for so far. */
const created: string[] = [];

afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * A new, empty folder `docdb-backup-<name>-XXXXXX` in the temporary folder, removed after the file's tests.
 * @example const dir = tempFolder('cli-unit'); writeFileSync(join(dir, 'policies.yml'), yaml);
 */
export function tempFolder(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `docdb-backup-${name}-`));
  created.push(dir);
  return dir;
}
