// Seam: shared/policy/load.ts (with structure.ts, validate.ts, resolve.ts) — a policy file's text in,
// resolved policies or every problem (file, line, column, policy, key path, message) out.
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  loadPolicyFile,
  PolicyFileReadError,
  type PolicyProblem,
  PolicyValidationError,
  parsePolicyFile,
  validatePolicyFile,
} from '../../../shared/policy/index.js';
import { tempFolder } from '../../support/temp-folders.js';

const FILE = 'config/policies.yml';
const NOW = new Date('2025-06-01T00:00:00Z');

/** The file's lines joined; line N of the file is argument N. */
const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

/** Lines 1–4 of most files below; the first policy starts on line 5. */
const HEAD = ['version: 1', 'defaults:', '  regions: [us-east-1]', 'policies:'];

/** A valid policy, 4 lines: name (col 11), schedule (col 15), clusters, identifiers (first item col 21). */
const policy = (name: string, ...extra: string[]) => [
  `  - name: ${name}`,
  '    schedule: cron(0 3 * * ? *)',
  '    clusters:',
  '      identifiers: [orders]',
  ...extra,
];

const check = (text: string) => validatePolicyFile(text, FILE, { now: NOW });
const errorsOf = (text: string) => check(text).problems.filter((p) => p.severity === 'error');

function onlyProblem(text: string): PolicyProblem {
  const { problems } = check(text);
  expect(problems, JSON.stringify(problems, null, 2)).toHaveLength(1);
  return problems[0]!;
}

describe('policy file: YAML', () => {
  it('reports a syntax error where the mistake is, not where the parser gave up (more: syntax.test.ts)', () => {
    const problem = onlyProblem(yaml(...HEAD, '  - name: [nightly', '    schedule: x'));
    expect(problem).toMatchObject({
      file: FILE,
      line: 5,
      column: 11,
      path: 'policies[0].name',
      severity: 'error',
      message: 'YAML: the `[` opened at 5:11 is never closed: add `]` at the end of the list',
    });
    expect(check(yaml(...HEAD, '  - name: [nightly')).policies).toBeUndefined();
  });

  it('reports a key given twice in one mapping, at the second one', () => {
    const problem = onlyProblem(yaml(...HEAD, ...policy('nightly'), '    schedule: rate(1 day)'));
    expect(problem).toMatchObject({ line: 9, column: 5, policy: 'nightly', path: 'schedule' });
    expect(problem.message).toBe(
      'YAML: expected each key once in a mapping, found "schedule" again (first on line 6): remove one of them',
    );
  });

  it('reports tabs used for indentation', () => {
    expect(onlyProblem('version: 1\n\tpolicies: []\n').message).toBe(
      'YAML: expected spaces for indentation, found a tab: indent with spaces only',
    );
  });

  it('reports more than one document', () => {
    const problem = onlyProblem(yaml(...HEAD, ...policy('nightly'), '---', 'version: 1'));
    expect(problem).toMatchObject({
      line: 9,
      message: 'YAML: expected a single document, found a second one ("---")',
    });
  });

  it('reports custom YAML tags instead of silently turning them into text', () => {
    const problem = onlyProblem(yaml(...HEAD, ...policy('nightly'), '    enabled: !bool yes'));
    expect(problem).toMatchObject({ line: 9, policy: 'nightly', path: 'enabled' });
    expect(problem.message).toContain('unknown tag !bool');
  });

  it.each([
    ['', 'found an empty document'],
    ['# only a comment\n', 'found an empty document'],
    ['- name: nightly\n', 'found a list'],
    ['policies\n', 'found "policies"'],
  ])('reports a document that is not a mapping (%j)', (text, found) => {
    const problem = onlyProblem(text);
    expect(problem).toMatchObject({ line: 1, column: 1, path: '' });
    expect(problem.policy).toBeUndefined();
    expect(problem.message).toBe(`expected a mapping with version, defaults and policies, ${found}`);
  });

  it('follows anchors and aliases', () => {
    const { policies, problems } = check(
      yaml(
        ...HEAD,
        ...policy('nightly', '    snapshot:', '      tags: &tags { team: data }'),
        ...policy('weekly', '    snapshot:', '      tags: *tags'),
      ),
    );
    expect(problems).toEqual([]);
    expect(policies?.[1]?.snapshot.tags).toEqual({ team: 'data' });
  });
});

describe('policy file: version and top-level keys', () => {
  it('accepts only version 1', () => {
    const problem = onlyProblem(
      yaml('version: 2', 'defaults:', '  regions: [us-east-1]', 'policies:', ...policy('nightly')),
    );
    expect(problem).toMatchObject({ line: 1, column: 10, path: 'version' });
    expect(problem.policy).toBeUndefined();
    expect(problem.message).toBe('expected version 1 (the only policy file format so far), found 2');
  });

  it('reports a missing version at the document mapping', () => {
    const problem = onlyProblem(
      yaml('defaults:', '  regions: [us-east-1]', 'policies:', ...policy('nightly')),
    );
    expect(problem).toMatchObject({
      line: 1,
      column: 1,
      path: 'version',
      message: 'missing required key "version"',
    });
  });

  it('reports "version" given as text', () => {
    const problem = onlyProblem(yaml('version: "1"', ...HEAD.slice(1), ...policy('nightly')));
    expect(problem.message).toBe('expected version 1 (the only policy file format so far), found "1"');
  });

  it('requires at least one policy', () => {
    const problem = onlyProblem(yaml('version: 1', 'policies: []'));
    expect(problem).toMatchObject({ line: 2, column: 11, path: 'policies' });
    expect(problem.message).toBe('expected at least one policy, found an empty list');
  });
});

describe('policy file: unknown keys', () => {
  it('reports a misspelt key in a policy at its own line, naming the policy', () => {
    const problem = onlyProblem(yaml(...HEAD, ...policy('nightly'), '    retenton: 7'));
    expect(problem).toMatchObject({ file: FILE, line: 9, column: 5, policy: 'nightly', path: 'retenton' });
    expect(problem.message).toBe(
      'unknown key "retenton" (did you mean "retention"?): expected one of name, description, enabled, schedule, timezone, regions, clusters, allowEmpty, snapshot, retry, retention, startWindowMinutes, completionWindowMinutes, copies',
    );
  });

  it('suggests the key that was probably meant', () => {
    const problem = onlyProblem(yaml(...HEAD, ...policy('nightly'), '    snapshots:', '      prefix: x'));
    expect(problem.message).toMatch(/^unknown key "snapshots" \(did you mean "snapshot"\?\)/);
  });

  it('reports unknown keys at every depth, each with its path', () => {
    const problems = errorsOf(
      yaml(
        'version: 1',
        'defaults:',
        '  regions: [us-east-1]',
        '  retrys: {}',
        'policies:',
        '  - name: nightly',
        '    schedule: cron(0 3 * * ? *)',
        '    clusters:',
        '      identifier: [orders]',
        '      tags: { env: prod }',
        '    snapshot:',
        '      prefix: nightly',
        '      copyTags: true',
        '    retry: { attempts: 3 }',
        'polices: []',
      ),
    );
    expect(problems.map((p) => [p.line, p.column, p.policy, p.path])).toEqual([
      [4, 3, undefined, 'defaults.retrys'],
      [9, 7, 'nightly', 'clusters.identifier'],
      [13, 7, 'nightly', 'snapshot.copyTags'],
      [14, 14, 'nightly', 'retry.attempts'],
      [15, 1, undefined, 'polices'],
    ]);
    expect(problems[0]?.message).toContain('(did you mean "retry"?)');
    expect(problems[1]?.message).toContain(
      '(did you mean "identifiers"?): expected one of identifiers, tags, exclude',
    );
  });
});

describe('policy file: required keys and types', () => {
  it('reports a missing key at the parent mapping, with the key path', () => {
    const problem = onlyProblem(
      yaml(...HEAD, '  - name: nightly', '    clusters:', '      identifiers: [orders]'),
    );
    expect(problem).toMatchObject({ line: 5, column: 5, policy: 'nightly', path: 'schedule' });
    expect(problem.message).toBe('missing required key "schedule"');
  });

  it('names a policy without a name by its index', () => {
    const problem = onlyProblem(
      yaml(...HEAD, '  - schedule: cron(0 3 * * ? *)', '    clusters:', '      identifiers: [orders]'),
    );
    expect(problem).toMatchObject({ line: 5, column: 5, path: 'policies[0].name' });
    expect(problem.policy).toBeUndefined();
  });

  it('says what type was expected and what was found', () => {
    const problems = errorsOf(
      yaml(
        ...HEAD,
        '  - name: nightly',
        '    schedule: cron(0 3 * * ? *)',
        '    enabled: "yes"',
        '    regions: us-east-1',
        '    description:',
        '    clusters:',
        '      identifiers: [orders]',
        '    snapshot:',
        '      tags:',
        '        build: 42',
      ),
    );
    expect(problems.map((p) => [p.line, p.column, p.path, p.message])).toEqual([
      [7, 14, 'enabled', 'expected true or false, found "yes"'],
      [8, 14, 'regions', 'expected a list, found "us-east-1"'],
      [9, 5, 'description', 'expected text, found an empty value (use "" for an empty text)'],
      [14, 16, 'snapshot.tags.build', 'expected text, found 42 (quote it to make it text: "42")'],
    ]);
  });
});

describe('policy file: names', () => {
  it('rejects a name that is not a lowercase identifier and says why', () => {
    const problem = onlyProblem(yaml(...HEAD, ...policy('Nightly_Prod')));
    expect(problem).toMatchObject({ line: 5, column: 11, policy: 'Nightly_Prod', path: 'name' });
    expect(problem.message).toBe(
      'expected a lowercase name of letters, digits and hyphens starting with a letter (no "--", no trailing "-"), ' +
        'found "Nightly_Prod" (has uppercase letters, has "_")',
    );
  });

  it.each([
    ['nightly-', 'ends with "-"'],
    ['nightly--prod', 'has "--"'],
    ['1nightly', 'does not start with a letter'],
    ['-nightly', 'does not start with a letter'],
  ])('rejects the name %s (%s)', (name, why) => {
    expect(onlyProblem(yaml(...HEAD, ...policy(name))).message).toContain(`found "${name}" (${why})`);
  });

  it('rejects a name longer than 40 characters', () => {
    const name = `a${'b'.repeat(40)}`;
    const problem = onlyProblem(yaml(...HEAD, ...policy(name, '    snapshot:', '      prefix: long')));
    expect(problem.message).toBe(`expected a name of 1 to 40 characters, found "${name}" (41 characters)`);
  });

  it('rejects a repeated name at the second policy, naming the line of the first', () => {
    const problem = onlyProblem(
      yaml(
        ...HEAD,
        ...policy('nightly', '    snapshot:', '      prefix: a'),
        ...policy('nightly', '    snapshot:', '      prefix: b'),
      ),
    );
    expect(problem).toMatchObject({ line: 11, column: 11, policy: 'nightly', path: 'name' });
    expect(problem.message).toBe(
      'expected a unique policy name, found "nightly" again (first used on line 5)',
    );
  });
});

describe('policy file: cluster selection', () => {
  it.each([
    [['    clusters: {}']],
    [['    clusters:', '      identifiers: []', '      tags: {}']],
    [['    clusters:', '      exclude: [scratch]']],
  ])('rejects a policy that selects nothing (%j)', (clusters) => {
    const problem = onlyProblem(
      yaml(...HEAD, '  - name: nightly', '    schedule: cron(0 3 * * ? *)', ...clusters),
    );
    expect(problem).toMatchObject({ line: 7, column: 5, policy: 'nightly', path: 'clusters' });
    expect(problem.message).toBe(
      'expected clusters to select something: a non-empty identifiers list or tags mapping, found neither',
    );
  });

  it('accepts a selection by tags only', () => {
    const text = yaml(
      ...HEAD,
      '  - name: nightly',
      '    schedule: cron(0 3 * * ? *)',
      '    clusters:',
      '      tags: { backup: nightly }',
    );
    expect(check(text).problems).toEqual([]);
  });

  it('rejects excluding a cluster that identifiers lists, in any case', () => {
    const problem = onlyProblem(
      yaml(
        ...HEAD,
        '  - name: nightly',
        '    schedule: cron(0 3 * * ? *)',
        '    clusters:',
        '      identifiers:',
        '        - Orders-Prod',
        '      exclude: [scratch, orders-prod]',
      ),
    );
    expect(problem).toMatchObject({ line: 10, column: 26, policy: 'nightly', path: 'clusters.exclude[1]' });
    expect(problem.message).toBe(
      'expected exclude to name clusters not listed in identifiers, found "orders-prod", which identifiers lists on ' +
        'line 9: remove it from one of them',
    );
  });

  it.each([
    ['1orders', 'does not start with a letter'],
    ['orders--prod', 'has "--"'],
    ['orders_prod', 'has "_"'],
    ['orders-', 'ends with "-"'],
  ])('rejects the cluster identifier %s', (id, why) => {
    const problem = onlyProblem(
      yaml(
        ...HEAD,
        '  - name: nightly',
        '    schedule: cron(0 3 * * ? *)',
        '    clusters:',
        `      identifiers: [ok, ${id}]`,
      ),
    );
    expect(problem).toMatchObject({ line: 8, column: 25, path: 'clusters.identifiers[1]' });
    expect(problem.message).toBe(
      'expected a DocumentDB cluster identifier of letters, digits and hyphens starting with a letter (no "--", no ' +
        `trailing "-"), found "${id}" (${why})`,
    );
  });

  it('rejects a cluster identifier longer than 63 characters', () => {
    const id = `a${'b'.repeat(63)}`;
    const problem = onlyProblem(
      yaml(
        ...HEAD,
        '  - name: nightly',
        '    schedule: cron(0 3 * * ? *)',
        '    clusters:',
        `      exclude: [${id}]`,
        '      tags: { a: b }',
      ),
    );
    expect(problem.message).toBe(
      `expected a cluster identifier of 1 to 63 characters, found "${id}" (64 characters)`,
    );
  });

  it('warns about a cluster listed twice', () => {
    const { problems, policies } = check(
      yaml(...HEAD, ...policy('nightly').slice(0, 3), '      identifiers: [orders, ORDERS]'),
    );
    expect(problems).toMatchObject([
      {
        severity: 'warning',
        line: 8,
        column: 29,
        path: 'clusters.identifiers[1]',
        message: 'cluster "orders" is listed twice (first on line 8)',
      },
    ]);
    expect(policies?.[0]?.clusters.identifiers).toEqual(['orders']);
  });
});

describe('policy file: snapshot prefixes', () => {
  it('rejects a prefix that is not a lowercase identifier', () => {
    const problem = onlyProblem(
      yaml(...HEAD, ...policy('nightly', '    snapshot:', '      prefix: Nightly')),
    );
    expect(problem).toMatchObject({ line: 10, column: 15, policy: 'nightly', path: 'snapshot.prefix' });
    expect(problem.message).toBe(
      'expected a lowercase prefix of letters, digits and hyphens starting with a letter (no "--", no trailing "-"), ' +
        'found "Nightly" (has uppercase letters)',
    );
  });

  it('rejects a prefix longer than 32 characters', () => {
    const prefix = 'p'.repeat(33);
    const problem = onlyProblem(
      yaml(...HEAD, ...policy('nightly', '    snapshot:', `      prefix: ${prefix}`)),
    );
    expect(problem.message).toBe(
      `expected a prefix of 1 to 32 characters, found "${prefix}" (33 characters)`,
    );
  });

  it.each(['rds', 'rdsnightly', 'awsbackup-x'])(
    'rejects the prefix %s, which looks like an AWS snapshot',
    (prefix) => {
      const problem = onlyProblem(
        yaml(...HEAD, ...policy('nightly', '    snapshot:', `      prefix: ${prefix}`)),
      );
      expect(problem.message).toBe(
        `expected a prefix not starting with "rds" or "awsbackup" (names AWS uses), found "${prefix}"`,
      );
    },
  );

  it('checks the policy name as the prefix when no prefix is set', () => {
    const name = 'a-policy-name-of-thirty-five-chars';
    const problem = onlyProblem(yaml(...HEAD, ...policy(name)));
    expect(problem).toMatchObject({ line: 5, column: 11, policy: name, path: 'name' });
    expect(problem.message).toBe(
      'the policy name is the snapshot prefix when snapshot.prefix is not set: expected a prefix of 1 to 32 ' +
        `characters, found "${name}" (${name.length} characters); set snapshot.prefix`,
    );
    expect(onlyProblem(yaml(...HEAD, ...policy('rds-nightly'))).message).toContain('not starting with "rds"');
  });

  it('rejects a prefix another policy already uses, explicitly or by its name', () => {
    const problem = onlyProblem(
      yaml(...HEAD, ...policy('nightly'), ...policy('weekly', '    snapshot:', '      prefix: nightly')),
    );
    expect(problem).toMatchObject({ line: 14, column: 15, policy: 'weekly', path: 'snapshot.prefix' });
    expect(problem.message).toBe(
      'expected a unique snapshot prefix, found "nightly", already the prefix of policy "nightly" (line 5)',
    );
  });

  it.each([
    ['nightly', 'nightly-prod'],
    ['nightly-prod', 'nightly'],
  ])('rejects prefixes %s and %s, whose snapshot ids can collide, on the later policy', (first, second) => {
    const problem = onlyProblem(
      yaml(
        ...HEAD,
        ...policy('one', '    snapshot:', `      prefix: ${first}`),
        ...policy('two', '    snapshot:', `      prefix: ${second}`),
      ),
    );
    expect(problem).toMatchObject({ line: 16, column: 15, policy: 'two', path: 'snapshot.prefix' });
    expect(problem.message).toBe(
      `expected a snapshot prefix that is not another prefix followed by "-", found "${second}" next to "${first}" ` +
        'of policy "one" (line 10): their snapshot ids can collide ("nightly" for cluster "prod-x" and ' +
        '"nightly-prod" for cluster "x" both give "nightly-prod-x-…")',
    );
  });

  it('accepts prefixes that only share leading letters', () => {
    const text = yaml(...HEAD, ...policy('nightly'), ...policy('nightlyx'), ...policy('night'));
    expect(check(text).problems).toEqual([]);
  });
});

describe('policy file: schedules', () => {
  const withSchedule = (schedule: string) =>
    yaml(
      ...HEAD,
      '  - name: nightly',
      `    schedule: ${schedule}`,
      '    clusters:',
      '      identifiers: [orders]',
    );

  it.each([
    [
      'cron(0 3 * * ?)',
      'cron(...) needs 6 fields (minutes hours day-of-month month day-of-week year), found 5',
    ],
    ['cron(0 3 * * * *)', 'exactly one of day-of-month and day-of-week must be "?", found "*" and "*"'],
    ['cron(0 3 ? * 1/2 *)', 'day-of-week does not take increments ("/"), found "1/2"'],
    ['rate(1 hours)', 'rate of 1 takes the singular unit: rate(1 hour)'],
    ['cron(0 0 31 2 ? *)', 'never fires: no date matches day-of-month "31", month "2"'],
  ])('rejects %s where it is written', (schedule, message) => {
    const problem = onlyProblem(withSchedule(schedule));
    expect(problem).toMatchObject({
      line: 6,
      column: 15,
      policy: 'nightly',
      path: 'schedule',
      severity: 'error',
    });
    expect(problem.message).toContain(message);
  });

  it('rejects text that is not a schedule expression', () => {
    const problem = onlyProblem(withSchedule('daily at 3'));
    expect(problem.message).toBe(
      'expected an EventBridge schedule: rate(<value> <unit>) or cron(<6 fields>), found "daily at 3"',
    );
  });

  it.each([
    ['rate(30 minutes)', 'every 30 minutes'],
    ['cron(0/15 * * * ? *)', 'every 15 minutes'],
    ['cron(0,30 3 * * ? *)', 'every 30 minutes'],
  ])('warns that %s fires more often than hourly, and still loads', (schedule, every) => {
    const { policies, problems } = check(withSchedule(schedule));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      severity: 'warning',
      line: 6,
      column: 15,
      policy: 'nightly',
      path: 'schedule',
    });
    expect(problems[0]?.message).toContain(`fires more often than hourly (${every} at the closest)`);
    expect(policies?.[0]?.schedule).toBe(schedule);
  });

  it('does not warn about hourly schedules', () => {
    expect(check(withSchedule('rate(1 hour)')).problems).toEqual([]);
    expect(check(withSchedule('cron(0 * * * ? *)')).problems).toEqual([]);
  });

  it('warns when every year of the schedule is over', () => {
    const problem = onlyProblem(withSchedule('cron(0 3 * * ? 2020-2024)'));
    expect(problem).toMatchObject({ severity: 'warning', path: 'schedule' });
    expect(problem.message).toBe(
      'the schedule never fires after 2025-06-01T00:00:00.000Z: all its years are over',
    );
  });
});

describe('policy file: tags', () => {
  const withSnapshotTags = (...tags: string[]) =>
    yaml(...HEAD, ...policy('nightly', '    snapshot:', '      tags:', ...tags.map((t) => `        ${t}`)));

  it.each([
    [
      '"aws:owner": x',
      11,
      9,
      'snapshot.tags["aws:owner"]',
      'expected a tag key not starting with "aws:" or "rds:" (reserved by AWS), found key "aws:owner"',
    ],
    ['"RDS:x": x', 11, 9, 'snapshot.tags["RDS:x"]', 'not starting with "aws:" or "rds:"'],
    [
      '"docdb-backup:policy": x',
      11,
      9,
      'snapshot.tags["docdb-backup:policy"]',
      'expected a tag key not starting with "docdb-backup:" (reserved for the tags this service sets), found key "docdb-backup:policy"',
    ],
    [
      '"cost$center": x',
      11,
      9,
      'snapshot.tags["cost$center"]',
      'found key "cost$center" ("$" is not allowed)',
    ],
    [
      'owner: "aws:me"',
      11,
      16,
      'snapshot.tags.owner',
      'expected a tag value not starting with "aws:" or "rds:" (reserved by AWS), found "aws:me"',
    ],
    ['owner: "a;b"', 11, 16, 'snapshot.tags.owner', 'found "a;b" (";" is not allowed)'],
    [
      `owner: ${'v'.repeat(257)}`,
      11,
      16,
      'snapshot.tags.owner',
      'expected a tag value of at most 256 characters, found "vvv',
    ],
    [
      `${'k'.repeat(129)}: v`,
      11,
      9,
      `snapshot.tags.${'k'.repeat(129)}`,
      'expected a tag key of 1 to 128 characters, found key',
    ],
  ])('rejects the snapshot tag %s', (tag, line, column, path, message) => {
    const problem = onlyProblem(withSnapshotTags(tag));
    expect(problem).toMatchObject({ line, column, policy: 'nightly', path });
    expect(problem.message).toContain(message);
  });

  it('accepts an empty tag value and Unicode letters', () => {
    expect(check(withSnapshotTags('note: ""', 'Kostenstelle: Ümlaut-Team 東京')).problems).toEqual([]);
  });

  it('lets selection tags use the reserved namespace but not aws:', () => {
    const text = yaml(
      ...HEAD,
      '  - name: nightly',
      '    schedule: cron(0 3 * * ? *)',
      '    clusters:',
      '      tags:',
      '        "docdb-backup:tier": gold',
      '        "aws:cloudformation:stack-name": x',
    );
    const problem = onlyProblem(text);
    expect(problem).toMatchObject({
      line: 10,
      column: 9,
      path: 'clusters.tags["aws:cloudformation:stack-name"]',
    });
  });

  const manyTags = (count: number, from = 0) =>
    Array.from({ length: count }, (_, i) => `t${i + from}: v`).join(', ');

  it('rejects more than 47 snapshot tags after merging defaults (the service adds 3, AWS allows 50)', () => {
    const text = yaml(
      'version: 1',
      'defaults:',
      '  regions: [us-east-1]',
      `  snapshot: { tags: { ${manyTags(30)} } }`,
      'policies:',
      ...policy('nightly', '    snapshot:', `      tags: { ${manyTags(18, 30)} }`),
    );
    const problem = onlyProblem(text);
    expect(problem).toMatchObject({ line: 11, column: 7, policy: 'nightly', path: 'snapshot.tags' });
    expect(problem.message).toBe(
      'expected at most 47 snapshot tags after merging defaults.snapshot.tags (AWS allows 50 per snapshot and the ' +
        'service adds 3), found 48',
    );
  });

  it('counts a key the policy overrides once', () => {
    const text = yaml(
      'version: 1',
      'defaults:',
      '  regions: [us-east-1]',
      `  snapshot: { tags: { ${manyTags(30)} } }`,
      'policies:',
      ...policy('nightly', '    snapshot:', `      tags: { ${manyTags(30, 17)} }`),
    );
    const { policies, problems } = check(text);
    expect(problems).toEqual([]);
    expect(Object.keys(policies?.[0]?.snapshot.tags ?? {})).toHaveLength(47);
  });

  it('rejects too many tags in defaults once, at defaults', () => {
    const text = yaml(
      'version: 1',
      'defaults:',
      '  regions: [us-east-1]',
      `  snapshot: { tags: { ${manyTags(48)} } }`,
      'policies:',
      ...policy('nightly'),
    );
    const problem = onlyProblem(text);
    expect(problem).toMatchObject({ line: 4, column: 15, path: 'defaults.snapshot.tags' });
    expect(problem.policy).toBeUndefined();
  });
});

describe('policy file: regions', () => {
  it('rejects an unknown Region and suggests the closest one', () => {
    const problem = onlyProblem(yaml(...HEAD, ...policy('nightly', '    regions: [eu-west-1, us-east1]')));
    expect(problem).toMatchObject({ line: 9, column: 26, policy: 'nightly', path: 'regions[1]' });
    expect(problem.message).toBe(
      'expected an AWS Region code such as us-east-1, found "us-east1" (did you mean "us-east-1"?)',
    );
  });

  it('rejects a Region listed twice', () => {
    const problem = onlyProblem(
      yaml(...HEAD, ...policy('nightly', '    regions:', '      - eu-west-1', '      - eu-west-1')),
    );
    expect(problem).toMatchObject({ line: 11, column: 9, policy: 'nightly', path: 'regions[1]' });
    expect(problem.message).toBe('expected each Region once, found "eu-west-1" again (first on line 10)');
  });

  it('rejects an empty Region list', () => {
    const problem = onlyProblem(yaml(...HEAD, ...policy('nightly', '    regions: []')));
    expect(problem.message).toBe('expected at least one Region, found an empty list');
  });

  it('requires a Region from the policy or the defaults', () => {
    const problem = onlyProblem(yaml('version: 1', 'policies:', ...policy('nightly')));
    expect(problem).toMatchObject({ line: 3, column: 5, policy: 'nightly', path: 'regions' });
    expect(problem.message).toBe(
      'missing required key "regions": expected regions here or defaults.regions, found neither',
    );
  });

  it("takes the policy's Regions over the defaults", () => {
    const policies = parsePolicyFile(
      yaml(...HEAD, ...policy('a', '    regions: [eu-west-1]'), ...policy('b')),
      FILE,
    );
    expect(policies.map((p) => p.regions)).toEqual([['eu-west-1'], ['us-east-1']]);
  });

  it('knows GovCloud and China Regions', () => {
    expect(
      check(yaml(...HEAD, ...policy('nightly', '    regions: [us-gov-west-1, cn-north-1]'))).problems,
    ).toEqual([]);
  });
});

describe('policy file: retry', () => {
  it('merges retry settings per field: policy, then defaults.retry, then built-in', () => {
    const text = yaml(
      'version: 1',
      'defaults:',
      '  regions: [us-east-1]',
      '  retry: { maxAttempts: 5, maxDelaySeconds: 120 }',
      'policies:',
      ...policy('a', '    retry: { baseDelaySeconds: 10 }'),
      ...policy('b'),
    );
    expect(parsePolicyFile(text, FILE).map((p) => p.retry)).toEqual([
      { maxAttempts: 5, baseDelaySeconds: 10, maxDelaySeconds: 120 },
      { maxAttempts: 5, baseDelaySeconds: 30, maxDelaySeconds: 120 },
    ]);
  });

  it('rejects a base delay above the maximum it ends up with, saying where each came from', () => {
    const text = yaml(
      'version: 1',
      'defaults:',
      '  regions: [us-east-1]',
      '  retry: { baseDelaySeconds: 60 }',
      'policies:',
      ...policy('nightly', '    retry:', '      maxDelaySeconds: 45'),
    );
    const problem = onlyProblem(text);
    expect(problem).toMatchObject({ line: 11, column: 24, policy: 'nightly', path: 'retry.maxDelaySeconds' });
    expect(problem.message).toBe(
      'expected baseDelaySeconds to be at most maxDelaySeconds, found 60 (from defaults.retry) > 45 (here)',
    );
  });

  it('rejects a defaults.retry base delay above the built-in maximum once, at defaults', () => {
    const text = yaml(
      'version: 1',
      'defaults:',
      '  regions: [us-east-1]',
      '  retry:',
      '    baseDelaySeconds: 600',
      'policies:',
      ...policy('nightly'),
    );
    const problem = onlyProblem(text);
    expect(problem).toMatchObject({ line: 5, column: 23, path: 'defaults.retry.baseDelaySeconds' });
    expect(problem.message).toBe(
      'expected baseDelaySeconds to be at most maxDelaySeconds, found 600 (here) > 300 (built-in default)',
    );
  });

  it.each([
    ['maxAttempts: 0', 'expected 1 to 50 attempts, found 0'],
    ['maxAttempts: 2.5', 'expected a whole number of attempts, found 2.5'],
    ['baseDelaySeconds: 901', 'expected 0.1 to 900 seconds, found 901'],
  ])('rejects retry %s', (setting, message) => {
    expect(onlyProblem(yaml(...HEAD, ...policy('nightly', `    retry: { ${setting} }`))).message).toBe(
      message,
    );
  });
});

describe('policy file: warnings and resolution', () => {
  it('warns about a disabled policy and still loads it', () => {
    const { policies, problems } = check(yaml(...HEAD, ...policy('nightly', '    enabled: false')));
    expect(problems).toEqual([
      {
        file: FILE,
        line: 9,
        column: 14,
        policy: 'nightly',
        path: 'enabled',
        severity: 'warning',
        message: 'the policy is disabled (enabled: false): it takes no snapshots until enabled',
      },
    ]);
    expect(policies?.[0]?.enabled).toBe(false);
  });

  it('fills every default', () => {
    expect(parsePolicyFile(yaml(...HEAD, ...policy('nightly')), FILE)).toEqual([
      {
        name: 'nightly',
        description: '',
        enabled: true,
        schedule: 'cron(0 3 * * ? *)',
        regions: ['us-east-1'],
        clusters: { identifiers: ['orders'], tags: {}, exclude: [] },
        allowEmpty: false,
        snapshot: { prefix: 'nightly', tags: {}, copyClusterTags: false },
        retry: { maxAttempts: 8, baseDelaySeconds: 30, maxDelaySeconds: 300 },
        windows: { startMinutes: 480, completionMinutes: 1440 },
        quota: { default: 100, regions: {}, warnAtPercent: 80 },
        copies: [],
      },
    ]);
  });

  it('lowercases cluster identifiers and excludes and merges snapshot tags, the policy winning per key', () => {
    const text = yaml(
      'version: 1',
      'defaults:',
      '  regions: [us-east-1]',
      '  snapshot: { tags: { owner: platform, tier: silver } }',
      'policies:',
      '  - name: nightly',
      '    schedule: cron(0 3 * * ? *)',
      '    clusters: { identifiers: [Orders-Prod], exclude: [Scratch], tags: { Env: Prod } }',
      '    snapshot: { tags: { tier: gold }, copyClusterTags: true }',
    );
    const [resolved] = parsePolicyFile(text, FILE);
    expect(resolved?.clusters).toEqual({
      identifiers: ['orders-prod'],
      tags: { Env: 'Prod' },
      exclude: ['scratch'],
    });
    expect(resolved?.snapshot).toEqual({
      prefix: 'nightly',
      tags: { owner: 'platform', tier: 'gold' },
      copyClusterTags: true,
    });
  });
});

describe('policy file: reporting', () => {
  const broken = yaml(
    'version: 1',
    'policies:',
    '  - name: nightly',
    '    schedule: cron(0 3 * * * *)',
    '    regions: [us-east-1]',
    '    retenton: 7',
    '    clusters: {}',
    '  - name: Weekly',
    '    schedule: rate(7 days)',
    '    regions: [eu-west-1]',
    '    clusters: { identifiers: [a] }',
    '    snapshot: { prefix: nightly-x }',
  );

  it('reports every problem at once, in file order, structural and semantic alike', () => {
    const problems = errorsOf(broken);
    expect(problems.map((p) => `${p.line}:${p.column} ${p.policy ?? '-'} ${p.path}`)).toEqual([
      '4:15 nightly schedule',
      '6:5 nightly retenton',
      '7:5 nightly clusters',
      '8:11 Weekly name',
      '12:25 Weekly snapshot.prefix',
    ]);
  });

  it('throws one PolicyValidationError with one line per error', () => {
    let thrown: unknown;
    try {
      parsePolicyFile(broken, FILE);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PolicyValidationError);
    const error = thrown as PolicyValidationError;
    expect(error.name).toBe('PolicyValidationError');
    expect(error.file).toBe(FILE);
    expect(error.problems).toHaveLength(5);
    const lines = error.message.split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[1]).toBe(
      'config/policies.yml:6:5  nightly  retenton  unknown key "retenton" (did you mean "retention"?): expected ' +
        'one of name, description, enabled, schedule, timezone, regions, clusters, allowEmpty, snapshot, retry, retention, startWindowMinutes, completionWindowMinutes, copies',
    );
    expect(lines[3]).toMatch(/^config\/policies\.yml:8:11 {2}Weekly {2}name {2}expected a lowercase name/);
  });

  it('uses "-" for a problem outside any policy', () => {
    expect(() => parsePolicyFile('version: 3\npolicies: []\n', FILE)).toThrow(
      /^config\/policies\.yml:1:10 {2}- {2}version {2}expected version 1/,
    );
  });

  it('does not throw for warnings alone, and leaves them out of the thrown error', () => {
    expect(() =>
      parsePolicyFile(yaml(...HEAD, ...policy('nightly', '    enabled: false')), FILE),
    ).not.toThrow();
    const error = (() => {
      try {
        parsePolicyFile(yaml(...HEAD, ...policy('nightly', '    enabled: false', '    schedule2: x')), FILE);
      } catch (thrown) {
        return thrown as PolicyValidationError;
      }
    })();
    expect(error?.problems.map((p) => [p.severity, p.path])).toEqual([['error', 'schedule2']]);
  });

  it('never throws from validatePolicyFile, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const result = validatePolicyFile(text, FILE);
        expect(result.policies === undefined).toBe(result.problems.some((p) => p.severity === 'error'));
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});

describe('policy file: loading from disk', () => {
  it('reads and resolves a file', async () => {
    const dir = tempFolder('policy-test');
    const path = join(dir, 'policies.yml');
    await writeFile(path, yaml(...HEAD, ...policy('nightly')));
    expect((await loadPolicyFile(path)).map((p) => p.name)).toEqual(['nightly']);
  });

  it('names the file in a validation error', async () => {
    const dir = tempFolder('policy-test');
    const path = join(dir, 'policies.yml');
    await writeFile(path, 'version: 2\n');
    await expect(loadPolicyFile(path)).rejects.toThrow(`${path}:1:10  -  version  expected version 1`);
  });

  it('reports a missing file as a PolicyValidationError naming the path', async () => {
    const path = join(tmpdir(), 'docdb-backup-no-such-dir', 'policies.yml');
    const error = await loadPolicyFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyFileReadError);
    expect(error).toBeInstanceOf(PolicyValidationError);
    expect((error as PolicyFileReadError).name).toBe('PolicyFileReadError');
    expect((error as PolicyFileReadError).message).toBe(
      `${path}  -  -  cannot read the policy file: no such file (ENOENT)`,
    );
    expect((error as PolicyFileReadError).problems).toEqual([
      {
        file: path,
        line: 0,
        column: 0,
        path: '',
        severity: 'error',
        message: 'cannot read the policy file: no such file (ENOENT)',
      },
    ]);
  });

  it('reports a directory given as the file', async () => {
    await expect(loadPolicyFile(tmpdir())).rejects.toThrow(
      'cannot read the policy file: it is a directory (EISDIR)',
    );
  });
});

describe('policy file: retention and quota', () => {
  const FILE = 'config/policies.yml';
  const base = [
    'version: 1',
    'policies:',
    '  - name: nightly',
    '    schedule: cron(0 3 * * ? *)',
    '    regions: [us-east-1]',
    '    clusters: { identifiers: [orders] }',
  ];

  it('takes retention from the policy, else the defaults block whole', () => {
    const [own, inherited] = parsePolicyFile(
      [
        'version: 1',
        'defaults:',
        '  retention: { keepLast: 3 }',
        'policies:',
        '  - name: a',
        '    schedule: cron(0 3 * * ? *)',
        '    regions: [us-east-1]',
        '    clusters: { identifiers: [x] }',
        '    retention: { maxAgeDays: 35 }',
        '  - name: b',
        '    schedule: cron(0 4 * * ? *)',
        '    regions: [us-east-1]',
        '    clusters: { identifiers: [y] }',
      ].join('\n'),
      FILE,
    );
    expect(own?.retention).toEqual({ maxAgeDays: 35 });
    expect(inherited?.retention).toEqual({ keepLast: 3 });
  });

  it('leaves retention out when none is set: nothing is ever deleted', () => {
    expect(parsePolicyFile(base.join('\n'), FILE)[0]).not.toHaveProperty('retention');
  });

  it('reports an empty retention block at its line', () => {
    const result = validatePolicyFile([...base, '    retention: {}'].join('\n'), FILE);
    expect(result.problems).toMatchObject([
      {
        line: 7,
        policy: 'nightly',
        path: 'retention',
        message:
          'expected at least one rule (keepLast, maxAgeDays, daily, weekly or monthly), found none; remove the block to never delete',
      },
    ]);
  });

  it('checks retention values', () => {
    const result = validatePolicyFile(
      [...base, '    retention: { keepLast: 0, monthly: 1.5 }'].join('\n'),
      FILE,
    );
    expect(result.problems.map((p) => [p.path, p.message])).toEqual([
      ['retention.keepLast', expect.stringContaining('expected 1 to 1000 snapshots')],
      ['retention.monthly', expect.stringContaining('expected a whole number of months')],
    ]);
  });

  it('resolves the quota per Region and reports an unknown Region', () => {
    const ok = parsePolicyFile(
      [...base, 'quota: { regions: { eu-west-1: 200 }, warnAtPercent: 90 }'].join('\n'),
      FILE,
    );
    expect(ok[0]?.quota).toEqual({ default: 100, regions: { 'eu-west-1': 200 }, warnAtPercent: 90 });
    const bad = validatePolicyFile([...base, 'quota: { regions: { eu-west-9: 200 } }'].join('\n'), FILE);
    expect(bad.problems).toMatchObject([
      {
        line: 7,
        path: 'quota.regions.eu-west-9',
        message: expect.stringMatching(/expected an AWS Region code, found "eu-west-9"/),
      },
    ]);
  });
});
