/**
 * Compiling a policy file for the backup function: validate and resolve with the full loader, check every
 * resolved policy against the strict resolved shape, write JSON. Build time only: the function reads the
 * result with compiled.ts, which loads no zod.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { formatCompiledPolicies } from './compiled.js';
import { DEFAULT_RECONCILE } from './limits.js';
import { loadPolicyFile } from './load.js';
import {
  checkResolvedPolicies,
  checkResolvedReconcile,
  type ReconcileSettings,
  type ResolvedPolicies,
  type ResolvedPolicy,
} from './resolved.js';

/**
 * The compiled form of resolved policies and the file's reconcile settings, as text. `reconcile` defaults
 * to the list's own `.reconcile` (what `parsePolicyFile` and `loadPolicyFile` return carries it), else
 * `DEFAULT_RECONCILE`. Each policy is first checked against `ResolvedPolicySchema` and the reconcile
 * settings against `ResolvedReconcileSchema`: a wrong shape throws ResolvedPolicyError naming `source`,
 * the policy and the path of the bad field, so a resolver bug fails the build instead of reaching the
 * function.
 * @example compilePolicies(parsePolicyFile(text, 'config/policies.yml'), 'config/policies.yml')
 */
export function compilePolicies(
  policies: readonly ResolvedPolicy[],
  source: string,
  reconcile?: ReconcileSettings,
): string {
  const settings =
    reconcile ?? (policies as Partial<Pick<ResolvedPolicies, 'reconcile'>>).reconcile ?? DEFAULT_RECONCILE;
  return formatCompiledPolicies(
    checkResolvedPolicies(policies, source),
    source,
    checkResolvedReconcile(settings, source),
  );
}

/**
 * Validates `source` (throws PolicyValidationError like every other reader), checks the resolved shapes
 * (throws ResolvedPolicyError) and writes its compiled form to `target`, creating the folder. Returns the
 * resolved policies, carrying the file's reconcile settings as `.reconcile`.
 * @example (await compilePolicyFile('config/policies.yml', '.build/policies.json')).reconcile.schedule
 */
export async function compilePolicyFile(source: string, target: string): Promise<ResolvedPolicies> {
  const policies = await loadPolicyFile(source);
  const text = compilePolicies(policies, source);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, text);
  return policies;
}
