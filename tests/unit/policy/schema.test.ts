// Seam: shared/policy/schema.ts — the zod schema as the source of the editors' JSON Schema.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PolicyFileSchema } from '../../../shared/policy/schema.js';

type JsonSchema = {
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  pattern?: string;
  allOf?: JsonSchema[];
  enum?: string[];
  required?: string[];
};

const jsonSchema = z.toJSONSchema(PolicyFileSchema) as JsonSchema;

/** Every property schema in the tree, with its dotted path. */
function properties(schema: JsonSchema, path = ''): [string, JsonSchema][] {
  const found: [string, JsonSchema][] = [];
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const childPath = path ? `${path}.${key}` : key;
    found.push([childPath, child], ...properties(child, childPath));
    if (child.items) found.push(...properties(child.items, `${childPath}[]`));
  }
  return found;
}

describe('schema: JSON Schema for editors', () => {
  it('generates a JSON Schema that forbids unknown keys at every level', () => {
    const objects = [jsonSchema, ...properties(jsonSchema).map(([, s]) => s)].filter((s) => s.properties);
    expect(objects.length).toBeGreaterThan(5);
    for (const object of objects) expect(object.additionalProperties).toBe(false);
  });

  it('documents every key', () => {
    const undocumented = properties(jsonSchema)
      .filter(([, s]) => !s.description)
      .map(([path]) => path);
    expect(undocumented).toEqual([]);
  });

  it('carries the name, prefix and identifier patterns, and the Region list', () => {
    const policy = jsonSchema.properties?.policies?.items;
    expect(policy?.required).toEqual(['name', 'schedule', 'clusters']);
    expect(policy?.properties?.name?.pattern).toBe('^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$');
    expect(JSON.stringify(policy?.properties?.snapshot)).toContain('(?!rds|awsbackup)');
    expect(policy?.properties?.regions?.items?.enum).toContain('eu-west-1');
    const tagKeyPatterns = policy?.properties?.snapshot?.properties?.tags?.propertyNames?.allOf?.map(
      (p) => p.pattern,
    );
    expect(tagKeyPatterns).toContain('^(?![dD][oO][cC][dD][bB]-[bB][aA][cC][kK][uU][pP]:)');
  });

  it('uses only patterns an editor can compile as Unicode regular expressions', () => {
    const patterns = [...JSON.stringify(jsonSchema).matchAll(/"pattern":("(?:[^"\\]|\\.)*")/g)].map(
      (m) => JSON.parse(m[1] ?? '""') as string,
    );
    expect(patterns.length).toBeGreaterThan(5);
    for (const pattern of patterns) expect(() => new RegExp(pattern, 'u')).not.toThrow();
  });
});
