/**
 * The policy file as `plan`, `run` and `status` read it: their common flags, which file, loaded and
 * validated (an invalid file is an unusable invocation: exit 2, every error listed), and which policies
 * `--policy` names.
 */
import { isAbsolute, resolve } from 'node:path';
import { DEFAULT_POLICIES_FILE, POLICIES_FILE_VARIABLE } from '../shared/files.js';
import {
  formatProblem,
  loadPolicyFile,
  PolicyValidationError,
  type ResolvedPolicies,
  type ResolvedPolicy,
} from '../shared/policy/index.js';
import { clip, closest } from '../shared/policy/text.js';
import { nonEmpty } from './args.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';
import { parseTimeFlag } from './time.js';

/** The flags of every command that reads the policy file: `--policy`, `--at`, `--file` and `--json`. */
export const POLICY_FLAGS = {
  policy: { type: 'string' },
  at: { type: 'string' },
  file: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** What those flags say, checked. */
export interface PolicyFlags {
  /** The clock when the command started. */
  now: Date;
  /** `--at`, else `now`. */
  at: Date;
  /** The policy file, as given (see `policyFileOf`). */
  file: string;
  /** `--policy`, when given. */
  named: string | undefined;
}

/**
 * Checks `--policy`, `--at` and `--file` in that order, or throws a `UsageError` naming the flag.
 * Example: `readPolicyFlags({ at: '2026-11-28T03:00Z' }, io, 'plan').file` → `'config/policies.yml'`
 */
export function readPolicyFlags(
  values: { policy?: string; at?: string; file?: string },
  io: CliIo,
  command: string,
): PolicyFlags {
  const named = nonEmpty(values.policy, '--policy', command);
  const now = io.now();
  const at = values.at === undefined ? now : parseTimeFlag(values.at, '--at', now, command);
  return { now, at, file: policyFileOf(nonEmpty(values.file, '--file', command), io), named };
}

/**
 * The policy file to read: `--file`, else `DOCDB_BACKUP_POLICIES`, else `config/policies.yml`. (The
 * function's own `POLICIES_FILE` names the compiled JSON it reads, not this YAML source.) Returned as given (for messages); read it with `absolutePath`.
 * Example: `policyFileOf(undefined, io)` → `'config/policies.yml'`
 */
export function policyFileOf(flag: string | undefined, io: CliIo): string {
  return flag ?? (io.env[POLICIES_FILE_VARIABLE] || DEFAULT_POLICIES_FILE);
}

/** The path resolved against the command's working directory. */
export function absolutePath(file: string, io: CliIo): string {
  return isAbsolute(file) ? file : resolve(io.cwd, file);
}

/**
 * Loads and validates the policy file, or throws a `UsageError` listing every problem.
 * Example: `const policies = await loadPolicies('config/policies.yml', io, 'plan')`
 */
export async function loadPolicies(file: string, io: CliIo, command: string): Promise<ResolvedPolicies> {
  try {
    return await loadPolicyFile(absolutePath(file, io));
  } catch (error) {
    if (!(error instanceof PolicyValidationError)) throw error;
    const problems = error.problems.map((p) => ({ ...p, file }));
    const read = problems.length === 1 && problems[0]?.line === 0;
    throw new UsageError(
      read ? `cannot use ${file}` : `${file} is not a valid policy file (run: docdb-backup validate ${file})`,
      { command, details: problems.map(formatProblem), showHelpHint: false, cause: error },
    );
  }
}

/**
 * The policies a command works on: the one `--policy` names, or all of them.
 * Example: `pickPolicies(policies, 'nightly-prod', 'run')` → `[nightly-prod]`
 */
export function pickPolicies(
  policies: readonly ResolvedPolicy[],
  name: string | undefined,
  command: string,
  file: string,
): ResolvedPolicy[] {
  if (name === undefined) return [...policies];
  const found = policies.find((p) => p.name === name);
  if (found) return [found];
  const names = policies.map((p) => p.name);
  const suggestion = closest(name, names);
  throw new UsageError(
    `unknown policy "${clip(name)}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; ${file} defines: ${names.join(', ')}`,
    { command, showHelpHint: false },
  );
}
