/** Small output helpers shared by the commands. */
import type { CliIo } from './io.js';

/**
 * Prints one JSON document on stdout (two-space indented, newline-terminated).
 * Example: `writeJson(io, { version: 1, command: 'plan', … })`
 */
export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * A count with its noun: `1 policy`, `3 policies`.
 * Example: `counted(2, 'error')` → `'2 errors'`; `counted(1, 'policy', 'policies')` → `'1 policy'`
 */
export function counted(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
