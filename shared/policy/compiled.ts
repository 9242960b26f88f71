/**
 * Policies compiled at build time: the policy file validated and resolved once (by the deploy, the demo,
 * or `compilePolicyFile`), checked against the strict resolved shape (resolved.ts), written as JSON, and
 * read by the backup function without zod or a YAML parser in its cold start. The file carries a format
 * marker and a version, so a YAML file, anything else, or a file another version of docdb-backup compiled
 * is refused with a clear message instead of being trusted. Writing the file is compile.ts.
 */
import { readFile } from 'node:fs/promises';
import type { ReconcileSettings, ResolvedPolicy, ResolvedPolicyFile } from './resolved.js';

export const COMPILED_POLICIES_FORMAT = 'docdb-backup/compiled-policies';
/**
 * Version of the compiled format. Bump it whenever `ResolvedPolicySchema`, `ResolvedReconcileSchema` or
 * this file's layout changes, so a file compiled before the change is refused rather than misread
 * (tests/unit/policy/resolved.test.ts pins it). 2: `windows` on every policy, `reconcile` beside them.
 * 3: `copies` on every policy, `reconcile.maxCopiesInFlight`.
 */
export const COMPILED_POLICIES_VERSION = 3;

export interface CompiledPolicies {
  format: typeof COMPILED_POLICIES_FORMAT;
  version: typeof COMPILED_POLICIES_VERSION;
  /** The policy file it was compiled from, as given to the compiler. */
  source: string;
  /** The file's reconcile settings (file-level, not per policy). */
  reconcile: ReconcileSettings;
  policies: ResolvedPolicy[];
}

/** The compiled policy file cannot be used: says which file and what to do. */
export class CompiledPoliciesError extends Error {
  override readonly name = 'CompiledPoliciesError';
}

/**
 * The compiled form of policies and reconcile settings already checked against the resolved shapes, as
 * text. Use `compilePolicies` of compile.ts, which checks them first; this one only formats.
 * @example formatCompiledPolicies(checkResolvedPolicies(policies, 'config/policies.yml'), 'config/policies.yml', { schedule: 'rate(10 minutes)', maxCopiesInFlight: 5 })
 */
export function formatCompiledPolicies(
  policies: readonly ResolvedPolicy[],
  source: string,
  reconcile: ReconcileSettings,
): string {
  const compiled: CompiledPolicies = {
    format: COMPILED_POLICIES_FORMAT,
    version: COMPILED_POLICIES_VERSION,
    source,
    reconcile: { ...reconcile },
    policies: [...policies],
  };
  return `${JSON.stringify(compiled, null, 2)}\n`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a policy file compiled at build time: its policies and its reconcile settings. Throws
 * CompiledPoliciesError naming the file and the fix.
 * @example const { policies, reconcile } = await readCompiledFile('/var/task/.build/policies.compiled.json')
 */
export async function readCompiledFile(path: string): Promise<ResolvedPolicyFile> {
  const fix =
    'the backup function reads policies compiled at build time: `serverless package`/`deploy` compiles ' +
    'config/policies.yml, and compilePolicyFile() does it for local runs';
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new CompiledPoliciesError(`cannot read the compiled policy file ${path} (${code}); ${fix}`, {
      cause: error,
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const yaml = /\.ya?ml$/i.test(path) ? ' (it looks like the YAML source)' : '';
    throw new CompiledPoliciesError(`${path} is not JSON${yaml}; ${fix}`, { cause: error });
  }
  if (!isRecord(data) || data.format !== COMPILED_POLICIES_FORMAT) {
    throw new CompiledPoliciesError(
      `${path} is not a compiled policy file (expected "format": "${COMPILED_POLICIES_FORMAT}", "version": ${COMPILED_POLICIES_VERSION}); ${fix}`,
    );
  }
  if (data.version !== COMPILED_POLICIES_VERSION) {
    const found = data.version === undefined ? 'none' : JSON.stringify(data.version);
    throw new CompiledPoliciesError(
      `${path} was compiled by another version of docdb-backup (compiled format version ${found}, this one ` +
        `reads version ${COMPILED_POLICIES_VERSION}); compile it again: ${fix}`,
    );
  }
  const policies = data.policies;
  if (!Array.isArray(policies) || !policies.every((p) => isRecord(p) && typeof p.name === 'string')) {
    throw new CompiledPoliciesError(`${path} has no list of policies; ${fix}`);
  }
  const reconcile = data.reconcile;
  if (!isRecord(reconcile) || typeof reconcile.schedule !== 'string' || reconcile.schedule === '') {
    throw new CompiledPoliciesError(`${path} has no reconcile settings (reconcile.schedule); ${fix}`);
  }
  return { policies: policies as ResolvedPolicy[], reconcile: reconcile as ReconcileSettings };
}

/**
 * Reads the policies of a policy file compiled at build time (`readCompiledFile` without the reconcile
 * settings). Throws CompiledPoliciesError naming the file and the fix.
 * @example await readCompiledPolicies('/var/task/.build/policies.compiled.json')
 */
export async function readCompiledPolicies(path: string): Promise<ResolvedPolicy[]> {
  return (await readCompiledFile(path)).policies;
}
