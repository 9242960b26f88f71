/** Small output helpers shared by the commands. */
import { EXIT, type ExitCode } from './errors.js';
import type { CliIo } from './io.js';

/** The version of every command's `--json` document (cli/README.md). */
export const JSON_VERSION = 1;

/**
 * Prints one JSON document on stdout (two-space indented, newline-terminated).
 * Example: `writeJson(io, { version: 1, command: 'plan', … })`
 */
export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** What a command prints when it ends: built only for the form asked for. */
export interface CommandOutput {
  /** The `--json` document's fields after `version` and `command`, in their documented order. */
  json: () => Record<string, unknown>;
  /** The text for people, newline-terminated. */
  text: () => string;
}

/**
 * Prints how a command ended (with `--json` one document that starts with `version` and `command`, else
 * its text) and returns its exit code: 0 when all is well, 1 when something needs a person.
 * Example: `return printOutcome(ctx.io, 'status', values.json, ok, { json: () => ({ ok }), text: () => 'ok\n' })`
 */
export function printOutcome(
  io: CliIo,
  command: string,
  asJson: boolean | undefined,
  ok: boolean,
  output: CommandOutput,
): ExitCode {
  if (asJson) writeJson(io, { version: JSON_VERSION, command, ...output.json() });
  else io.stdout.write(output.text());
  return ok ? EXIT.ok : EXIT.attention;
}

/**
 * A count with its noun: `1 policy`, `3 policies`.
 * Example: `counted(2, 'error')` → `'2 errors'`; `counted(1, 'policy', 'policies')` → `'1 policy'`
 */
export function counted(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
