// Seam: cli/json-schema.ts against the committed config/policies.schema.json: the editor schema is
// generated from the zod schema and fails this test when it is stale (fix: npm run schema).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  POLICY_SCHEMA_PATH,
  policyFileJsonSchema,
  renderPolicyFileJsonSchema,
} from '../../../cli/json-schema.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('config/policies.schema.json', () => {
  it('is what `npm run schema` generates from the zod schema today', async () => {
    const committed = await readFile(join(ROOT, POLICY_SCHEMA_PATH), 'utf8');
    expect(committed, 'config/policies.schema.json is stale: run npm run schema').toBe(
      renderPolicyFileJsonSchema(),
    );
  });

  it('rejects unknown keys everywhere, as the loader does', () => {
    const schema = policyFileJsonSchema() as {
      additionalProperties: boolean;
      properties: { policies: { items: { additionalProperties: boolean; required: string[] } } };
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.policies.items.additionalProperties).toBe(false);
    expect(schema.properties.policies.items.required).toEqual(['name', 'schedule', 'clusters']);
  });
});
