/**
 * Compiling a policy file for the backup function: validate and resolve with the full loader, check every
 * resolved policy against the strict resolved shape, write JSON. Build time only: the function reads the
 * result with compiled.ts, which loads no zod.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { formatCompiledPolicies } from './compiled.js';
import { loadPolicyFile } from './load.js';
import { checkResolvedPolicies, type ResolvedPolicy } from './resolved.js';

/**
 * The compiled form of resolved policies, as text. Each policy is first checked against
 * `ResolvedPolicySchema`: a wrong shape throws ResolvedPolicyError naming `source`, the policy and the
 * path of the bad field, so a resolver bug fails the build instead of reaching the function.
 * @example compilePolicies(parsePolicyFile(text, 'config/policies.yml'), 'config/policies.yml')
 */
export function compilePolicies(policies: readonly ResolvedPolicy[], source: string): string {
  return formatCompiledPolicies(checkResolvedPolicies(policies, source), source);
}

/**
 * Validates `source` (throws PolicyValidationError like every other reader), checks the resolved shape
 * (throws ResolvedPolicyError) and writes its compiled form to `target`, creating the folder.
 * @example await compilePolicyFile('config/policies.yml', '.build/policies.json')
 */
export async function compilePolicyFile(source: string, target: string): Promise<ResolvedPolicy[]> {
  const policies = await loadPolicyFile(source);
  const text = compilePolicies(policies, source);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, text);
  return policies;
}
