// Seam: shared/policy/resolved.ts and the compiler around it (compile.ts, compiled.ts) — the strict shape
// of a resolved policy, checked when policies are compiled, and the compiled file's format version.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compilePolicies, compilePolicyFile } from '../../../shared/policy/compile.js';
import {
  COMPILED_POLICIES_FORMAT,
  COMPILED_POLICIES_VERSION,
  CompiledPoliciesError,
  readCompiledFile,
  readCompiledPolicies,
} from '../../../shared/policy/compiled.js';
import { ResolvedPolicyError } from '../../../shared/policy/errors.js';
import { parsePolicyFile } from '../../../shared/policy/load.js';
import {
  checkResolvedPolicies,
  checkResolvedReconcile,
  ResolvedPolicySchema,
  ResolvedReconcileSchema,
  ResolvedRetentionSchema,
  ResolvedRetrySchema,
} from '../../../shared/policy/resolved.js';
import { RetentionSchema, RetrySchema } from '../../../shared/policy/schema.js';
import { tempFolder } from '../../support/temp-folders.js';

const FILE = 'config/policies.yml';

/** Every optional part of a policy set somewhere: timezone, retention, tags, quota, retry, windows, reconcile. */
const TEXT = `version: 1
defaults:
  regions: [us-east-1]
  timezone: Europe/Berlin
  snapshot:
    tags: { team: data }
  retry: { maxAttempts: 4 }
  retention: { keepLast: 7 }
  startWindowMinutes: 45
quota:
  regions: { eu-west-1: 200 }
reconcile:
  schedule: rate(15 minutes)
policies:
  - name: nightly-prod
    schedule: cron(0 3 * * ? *)
    regions: [us-east-1, eu-west-1]
    clusters:
      identifiers: [Orders-Prod]
      tags: { backup: nightly }
      exclude: [scratch]
    snapshot:
      prefix: nightly
      tags: { cost-center: "42" }
      copyClusterTags: true
    retention: { daily: 7, weekly: 4, monthly: 12 }
    completionWindowMinutes: 720
  - name: hourly
    schedule: rate(1 hour)
    clusters:
      identifiers: [orders-prod]
`;

const resolved = () => parsePolicyFile(TEXT, FILE);

/** One resolved policy, changed by `edit` (a JSON copy, so the edit may break the shape). */
function broken(edit: (policy: Record<string, Record<string, unknown>>) => void): unknown {
  const policy = JSON.parse(JSON.stringify(resolved()[0]));
  edit(policy);
  return policy;
}

function issuePath(value: unknown): string | undefined {
  const issue = ResolvedPolicySchema.safeParse(value).error?.issues[0];
  return issue && [...issue.path, ...(issue.code === 'unrecognized_keys' ? issue.keys : [])].join('.');
}

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  required?: string[];
  additionalProperties?: unknown;
};

/**
 * `path` of every key of the schema, `?` marking an optional one, `[]` the items of a list; maps of free
 * keys are not entered.
 */
function keyPaths(schema: JsonSchema, prefix = ''): string[] {
  return Object.entries(schema.properties ?? {}).flatMap(([key, child]) => {
    const path = `${prefix}${key}${schema.required?.includes(key) ? '' : '?'}`;
    return [
      path,
      ...keyPaths(child, `${path}.`),
      ...(child.items ? keyPaths(child.items, `${path}[].`) : []),
    ];
  });
}

describe('resolved policy: the strict shape', () => {
  it('accepts what the resolver produces, with and without the optional timezone and retention', () => {
    const policies = resolved();

    expect(policies[0]).toHaveProperty('retention');
    expect(policies[0]).toHaveProperty('timezone', 'Europe/Berlin');
    for (const policy of policies) expect(ResolvedPolicySchema.safeParse(policy).error).toBeUndefined();
    expect(parsePolicyFile(TEXT.replace(/^ {2}(timezone|retention):.*\n/gm, ''), FILE)[1]).not.toHaveProperty(
      'retention',
    );
  });

  it('rejects an unknown key at the top and inside a part', () => {
    expect(issuePath(broken((p) => Object.assign(p, { retenton: { keepLast: 1 } })))).toBe('retenton');
    expect(issuePath(broken((p) => Object.assign(p.retry as object, { jitter: true })))).toBe('retry.jitter');
  });

  it('rejects a missing key the resolver always sets', () => {
    expect(issuePath(broken((p) => delete p.allowEmpty))).toBe('allowEmpty');
    expect(issuePath(broken((p) => delete p.windows))).toBe('windows');
    expect(issuePath(broken((p) => delete p.windows?.completionMinutes))).toBe('windows.completionMinutes');
    expect(issuePath(broken((p) => delete p.snapshot?.prefix))).toBe('snapshot.prefix');
    expect(issuePath(broken((p) => delete p.quota?.regions))).toBe('quota.regions');
  });

  it('rejects a value of the wrong type', () => {
    expect(issuePath(broken((p) => Object.assign(p.retry as object, { maxAttempts: '8' })))).toBe(
      'retry.maxAttempts',
    );
    expect(issuePath(broken((p) => Object.assign(p.clusters as object, { tags: ['backup'] })))).toBe(
      'clusters.tags',
    );
  });

  it('keeps the rules of retry and retention those of the policy file', () => {
    expect(Object.keys(ResolvedRetrySchema.shape).sort()).toEqual(Object.keys(RetrySchema.shape).sort());
    expect(Object.keys(ResolvedRetentionSchema.shape).sort()).toEqual(
      Object.keys(RetentionSchema.shape).sort(),
    );
  });

  it(`is the shape of compiled format version ${COMPILED_POLICIES_VERSION} (change one, bump the other)`, () => {
    const paths = keyPaths(z.toJSONSchema(ResolvedPolicySchema, { io: 'output' }) as JsonSchema);
    const reconcile = keyPaths(z.toJSONSchema(ResolvedReconcileSchema, { io: 'output' }) as JsonSchema);

    expect({ version: COMPILED_POLICIES_VERSION, paths, reconcile }).toEqual({
      version: 3,
      reconcile: ['schedule', 'maxCopiesInFlight'],
      paths: [
        'name',
        'description',
        'enabled',
        'schedule',
        'timezone?',
        'regions',
        'clusters',
        'clusters.identifiers',
        'clusters.tags',
        'clusters.exclude',
        'allowEmpty',
        'snapshot',
        'snapshot.prefix',
        'snapshot.tags',
        'snapshot.copyClusterTags',
        'retry',
        'retry.maxAttempts',
        'retry.baseDelaySeconds',
        'retry.maxDelaySeconds',
        'windows',
        'windows.startMinutes',
        'windows.completionMinutes',
        'retention?',
        'retention?.keepLast?',
        'retention?.maxAgeDays?',
        'retention?.daily?',
        'retention?.weekly?',
        'retention?.monthly?',
        'quota',
        'quota.default',
        'quota.regions',
        'quota.warnAtPercent',
        'copies',
        'copies[].region?',
        'copies[].account?',
        'copies[].roleArn?',
        'copies[].externalId?',
        'copies[].kmsKeyId?',
        'copies[].transitKmsKeyId?',
        'copies[].shareKmsKeyId?',
        'copies[].retention?',
        'copies[].retention?.keepLast?',
        'copies[].retention?.maxAgeDays?',
        'copies[].retention?.daily?',
        'copies[].retention?.weekly?',
        'copies[].retention?.monthly?',
      ],
    });
  });
});

describe('resolved policy: checked when compiling', () => {
  it('fails with the file, the policy and the path of the bad field', () => {
    const bad = broken((p) => Object.assign(p.retry as object, { maxAttempts: '8' }));

    const act = () => checkResolvedPolicies([resolved()[1], bad], FILE);

    expect(act).toThrow(ResolvedPolicyError);
    expect(act).toThrow(
      /^config\/policies\.yml: policy "nightly-prod" resolved to a wrong shape at retry\.maxAttempts: .*not in the policy file\)$/,
    );
    expect(() => compilePolicies([bad as never], FILE)).toThrow(
      /policy "nightly-prod" .* at retry\.maxAttempts/,
    );
  });

  it('names an unknown key, a list item and a policy without a name', () => {
    const extra = broken((p) => Object.assign(p.snapshot as object, { tag: {} }));
    const item = broken((p) => Object.assign(p, { regions: ['us-east-1', 7] }));
    const nameless = broken((p) => delete p.name);

    expect(() => compilePolicies([extra as never], FILE)).toThrow(
      /policy "nightly-prod" resolved to a wrong shape at snapshot\.tag: /,
    );
    expect(() => compilePolicies([item as never], FILE)).toThrow(/at regions\[1\]: /);
    expect(() => compilePolicies([...resolved().slice(1), nameless as never], FILE)).toThrow(
      /policy "#2" resolved to a wrong shape at name: /,
    );
  });

  it('writes the policies unchanged, in the resolver’s key order, and reads them back', async () => {
    const dir = tempFolder('resolved');
    await writeFile(join(dir, 'policies.yml'), TEXT);
    const target = join(dir, 'out', 'policies.compiled.json');

    const policies = await compilePolicyFile(join(dir, 'policies.yml'), target);

    const compiled = JSON.parse(await readFile(target, 'utf8'));
    expect(compiled).toMatchObject({ format: COMPILED_POLICIES_FORMAT, version: COMPILED_POLICIES_VERSION });
    expect(JSON.stringify(compiled.policies)).toBe(JSON.stringify(policies));
    expect(await readCompiledPolicies(target)).toEqual(resolved());
  });

  it('carries the windows of every policy and the file’s reconcile settings through the compiled file', async () => {
    const dir = tempFolder('resolved');
    await writeFile(join(dir, 'policies.yml'), TEXT);
    const target = join(dir, 'policies.compiled.json');

    const policies = await compilePolicyFile(join(dir, 'policies.yml'), target);
    const read = await readCompiledFile(target);

    expect(policies.reconcile).toEqual({ schedule: 'rate(15 minutes)', maxCopiesInFlight: 5 });
    expect(read.reconcile).toEqual({ schedule: 'rate(15 minutes)', maxCopiesInFlight: 5 });
    expect(read.policies.map((p) => [p.name, p.windows])).toEqual([
      ['nightly-prod', { startMinutes: 45, completionMinutes: 720 }],
      ['hourly', { startMinutes: 45, completionMinutes: 1440 }],
    ]);
    expect(read.policies).toEqual(resolved());
    expect(JSON.parse(await readFile(target, 'utf8')).reconcile).toEqual({
      schedule: 'rate(15 minutes)',
      maxCopiesInFlight: 5,
    });
  });

  it('writes the default reconcile settings for a plain list, and an explicit one over the list’s own', () => {
    const plain = JSON.parse(compilePolicies([...resolved()], FILE));
    const explicit = JSON.parse(
      compilePolicies(resolved(), FILE, { schedule: 'rate(1 hour)', maxCopiesInFlight: 5 }),
    );

    expect(plain.reconcile).toEqual({ schedule: 'rate(10 minutes)', maxCopiesInFlight: 5 });
    expect(JSON.parse(compilePolicies(resolved(), FILE)).reconcile).toEqual({
      schedule: 'rate(15 minutes)',
      maxCopiesInFlight: 5,
    });
    expect(explicit.reconcile).toEqual({ schedule: 'rate(1 hour)', maxCopiesInFlight: 5 });
  });

  it('checks the reconcile settings’ shape too, naming the file and the field', () => {
    expect(() => checkResolvedReconcile({ schedule: '' }, FILE)).toThrow(
      /^config\/policies\.yml: reconcile resolved to a wrong shape at schedule: /,
    );
    expect(() => compilePolicies(resolved(), FILE, { schedule: 'rate(1 hour)', every: 1 } as never)).toThrow(
      ResolvedPolicyError,
    );
  });
});

describe('compiled policies: the format version', () => {
  it('refuses a file another version compiled, saying so', async () => {
    const dir = tempFolder('compiled');
    const path = join(dir, 'policies.compiled.json');
    const compiled = JSON.parse(compilePolicies(resolved(), FILE));
    await writeFile(path, JSON.stringify({ ...compiled, version: COMPILED_POLICIES_VERSION + 1 }));

    const read = readCompiledPolicies(path);

    await expect(read).rejects.toThrow(CompiledPoliciesError);
    await expect(read).rejects.toThrow(
      `${path} was compiled by another version of docdb-backup (compiled format version ${COMPILED_POLICIES_VERSION + 1}, this one reads version ${COMPILED_POLICIES_VERSION})`,
    );
  });

  it('refuses a file without reconcile settings', async () => {
    const dir = tempFolder('compiled');
    const path = join(dir, 'policies.compiled.json');
    const { reconcile: _, ...compiled } = JSON.parse(compilePolicies(resolved(), FILE));
    await writeFile(path, JSON.stringify(compiled));

    await expect(readCompiledFile(path)).rejects.toThrow(
      `${path} has no reconcile settings (reconcile.schedule); `,
    );
    await expect(readCompiledPolicies(path)).rejects.toThrow(CompiledPoliciesError);
  });

  it('refuses a file without the format marker as not compiled', async () => {
    const dir = tempFolder('compiled');
    const path = join(dir, 'policies.json');
    await writeFile(path, JSON.stringify({ version: 1, policies: resolved() }));

    await expect(readCompiledPolicies(path)).rejects.toThrow(
      `${path} is not a compiled policy file (expected "format": "${COMPILED_POLICIES_FORMAT}"`,
    );
  });
});
