/** Compiling a policy file for the backup function: validate and resolve with the full loader, write JSON. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { compilePolicies } from './compiled.js';
import { loadPolicyFile } from './load.js';
import type { ResolvedPolicy } from './schema.js';

/**
 * Validates `source` (throws PolicyValidationError like every other reader) and writes its compiled form
 * to `target`, creating the folder.
 * @example await compilePolicyFile('config/policies.yml', '.build/policies.json')
 */
export async function compilePolicyFile(source: string, target: string): Promise<ResolvedPolicy[]> {
  const policies = await loadPolicyFile(source);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, compilePolicies(policies, source));
  return policies;
}
