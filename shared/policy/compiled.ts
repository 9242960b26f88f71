/**
 * Policies compiled at build time: the policy file validated and resolved once (by the deploy, the demo,
 * or `compilePolicyFile`), checked against the strict resolved shape (resolved.ts), written as JSON, and
 * read by the backup function without zod or a YAML parser in its cold start. The file carries a format
 * marker and a version, so a YAML file, anything else, or a file another version of docdb-backup compiled
 * is refused with a clear message instead of being trusted. Writing the file is compile.ts.
 */
import { readFile } from 'node:fs/promises';
import type { ResolvedPolicy } from './resolved.js';

export const COMPILED_POLICIES_FORMAT = 'docdb-backup/compiled-policies';
/**
 * Version of the compiled format. Bump it whenever `ResolvedPolicySchema` changes shape, so a file
 * compiled before the change is refused rather than misread (tests/unit/policy/resolved.test.ts pins it).
 */
export const COMPILED_POLICIES_VERSION = 1;

export interface CompiledPolicies {
  format: typeof COMPILED_POLICIES_FORMAT;
  version: typeof COMPILED_POLICIES_VERSION;
  /** The policy file it was compiled from, as given to the compiler. */
  source: string;
  policies: ResolvedPolicy[];
}

/** The compiled policy file cannot be used: says which file and what to do. */
export class CompiledPoliciesError extends Error {
  override readonly name = 'CompiledPoliciesError';
}

/**
 * The compiled form of policies already checked against the resolved shape, as text. Use
 * `compilePolicies` of compile.ts, which checks them first; this one only formats.
 * @example formatCompiledPolicies(checkResolvedPolicies(policies, 'config/policies.yml'), 'config/policies.yml')
 */
export function formatCompiledPolicies(policies: readonly ResolvedPolicy[], source: string): string {
  const compiled: CompiledPolicies = {
    format: COMPILED_POLICIES_FORMAT,
    version: COMPILED_POLICIES_VERSION,
    source,
    policies: [...policies],
  };
  return `${JSON.stringify(compiled, null, 2)}\n`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads policies compiled at build time. Throws CompiledPoliciesError naming the file and the fix.
 * @example await readCompiledPolicies('/var/task/.build/policies.json')
 */
export async function readCompiledPolicies(path: string): Promise<ResolvedPolicy[]> {
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
  return policies as ResolvedPolicy[];
}
