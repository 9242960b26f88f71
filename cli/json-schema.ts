/**
 * The JSON Schema of the policy file, for editors (`# yaml-language-server: $schema=./policies.schema.json`
 * in config/policies.yml). Generated from the zod schema, never written by hand: `npm run schema`
 * rewrites config/policies.schema.json and a unit test fails when the committed file is stale.
 * Rules across fields (unique names, schedules, …) are not in it: `docdb-backup validate` checks those.
 */
import { z } from 'zod';
import { PolicyFileSchema } from '../shared/policy/index.js';

/** Where the generated schema is committed, relative to the repository root. */
export const POLICY_SCHEMA_PATH = 'config/policies.schema.json';

/**
 * The policy file's JSON Schema (draft 2020-12), from `PolicyFileSchema`.
 * Example: `policyFileJsonSchema().properties.policies` → `{ type: 'array', items: { … } }`
 */
export function policyFileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(PolicyFileSchema) as Record<string, unknown>;
}

/**
 * The schema as committed: two-space JSON and a final newline.
 * Example: `writeFileSync(POLICY_SCHEMA_PATH, renderPolicyFileJsonSchema())`
 */
export function renderPolicyFileJsonSchema(): string {
  return `${JSON.stringify(policyFileJsonSchema(), null, 2)}\n`;
}
