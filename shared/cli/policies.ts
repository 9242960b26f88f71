/**
 * The policy file as `plan`, `run` and `status` read it: which file, loaded and validated (an invalid file
 * is an unusable invocation: exit 2, every error listed), and which policies `--policy` names.
 */
import { isAbsolute, resolve } from 'node:path';
import { DEFAULT_POLICIES_FILE, POLICIES_FILE_VARIABLE } from '../files.js';
import {
  formatProblem,
  loadPolicyFile,
  PolicyValidationError,
  type ResolvedPolicy,
} from '../policy/index.js';
import { clip, closest } from '../policy/text.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';

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
export async function loadPolicies(file: string, io: CliIo, command: string): Promise<ResolvedPolicy[]> {
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
