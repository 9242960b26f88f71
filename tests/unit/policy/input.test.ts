// Seam: shared/policy/load.ts `validatePolicyFile` on hostile or careless input: keys JavaScript objects
// cannot hold, oversized text, control characters; and the `allowEmpty` setting as it resolves.
import { describe, expect, it } from 'vitest';
import { type PolicyProblem, validatePolicyFile } from '../../../shared/policy/index.js';

const FILE = 'config/policies.yml';
const NOW = new Date('2025-06-01T00:00:00Z');

/** The file's lines joined; line N of the file is argument N. */
const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

/** Lines 1–4; the first policy starts on line 5. */
const HEAD = ['version: 1', 'defaults:', '  regions: [us-east-1]', 'policies:'];

/** A valid policy, 4 lines. */
const policy = (name: string, ...extra: string[]) => [
  `  - name: ${name}`,
  '    schedule: cron(0 3 * * ? *)',
  '    clusters:',
  '      identifiers: [orders]',
  ...extra,
];

const check = (text: string) => validatePolicyFile(text, FILE, { now: NOW });

function onlyProblem(text: string): PolicyProblem {
  const { problems } = check(text);
  expect(problems, JSON.stringify(problems, null, 2)).toHaveLength(1);
  return problems[0]!;
}

const RESERVED =
  'expected a tag key other than "__proto__", "constructor" or "prototype" (reserved in JavaScript objects)';

describe('tag keys JavaScript reserves', () => {
  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses %s as a selection tag key, at the key, instead of dropping it',
    (key) => {
      const text = yaml(...HEAD, ...policy('nightly'), '      tags:', `        ${key}: prod`);

      const problem = onlyProblem(text);

      expect(problem).toMatchObject({ line: 10, column: 9, policy: 'nightly', path: `clusters.tags.${key}` });
      expect(problem.message).toBe(`${RESERVED}, found key "${key}"`);
      expect(check(text).policies).toBeUndefined();
    },
  );

  it('refuses them as snapshot tag keys, in a policy and in defaults', () => {
    const text = yaml(
      'version: 1',
      'defaults:',
      '  regions: [us-east-1]',
      '  snapshot:',
      '    tags:',
      '      __proto__: polluted',
      'policies:',
      ...policy('nightly', '    snapshot:', '      tags:', '        constructor: x'),
    );

    const problems = check(text).problems;

    expect(problems.map((p) => [p.line, p.column, p.policy, p.path])).toEqual([
      [6, 7, undefined, 'defaults.snapshot.tags.__proto__'],
      [14, 9, 'nightly', 'snapshot.tags.constructor'],
    ]);
    expect(problems.every((p) => p.message.startsWith(RESERVED))).toBe(true);
  });

  it('still accepts keys that only contain those words', () => {
    const text = yaml(...HEAD, ...policy('nightly'), '      tags:', '        constructor-team: a');

    expect(check(text).policies?.[0]?.clusters.tags).toEqual({ 'constructor-team': 'a' });
  });
});

describe('descriptions', () => {
  it('accepts 1,024 characters and refuses 1,025, saying how long it is', () => {
    const ok = yaml(...HEAD, ...policy('nightly', `    description: ${'d'.repeat(1024)}`));
    const long = yaml(...HEAD, ...policy('nightly', `    description: ${'d'.repeat(1025)}`));

    const problem = onlyProblem(long);

    expect(check(ok).problems).toEqual([]);
    expect(problem).toMatchObject({ line: 9, column: 18, policy: 'nightly', path: 'description' });
    expect(problem.message).toBe(
      `expected a description of at most 1024 characters, found "${'d'.repeat(77)}..." (1025 characters)`,
    );
  });
});

describe('what messages echo from the file', () => {
  it('escapes control characters instead of writing them to a terminal', () => {
    const problem = onlyProblem(yaml(...HEAD, ...policy('nightly', '    "sched\\e[2Jule\\r": 1')));

    expect([...problem.message].every((c) => c.charCodeAt(0) >= 0x20)).toBe(true);
    expect(problem.message).toContain('unknown key "sched\\u001b[2Jule\\r"');
    expect(problem.path).toBe('["sched\\u001b[2Jule\\r"]');
    const value = onlyProblem(yaml(...HEAD, '  - name: "night\\e[31mly"', ...policy('x').slice(1)));
    expect(value.message).toContain('"night\\u001b[31mly"');
    expect(value.policy).toBe('night\\u001b[31mly');
  });

  it('shortens a huge key in the message and in the path', () => {
    const key = 'k'.repeat(5000);

    const problem = onlyProblem(yaml(...HEAD, ...policy('nightly'), `    ${key}: 1`));

    expect(problem.message.length).toBeLessThan(400);
    expect(problem.path.length).toBeLessThan(210);
    expect(problem.path).toMatch(/^\["k+\.\.\."\]$/);
  });

  it('shortens a document that is one huge text', () => {
    const problem = onlyProblem(`${'v'.repeat(5000)}\n`);

    expect(problem.message).toBe(
      `expected a mapping with version, defaults and policies, found "${'v'.repeat(77)}..."`,
    );
  });
});

describe('allowEmpty', () => {
  it('is false unless a policy or the defaults say otherwise; a policy wins over defaults', () => {
    const text = yaml(
      'version: 1',
      'defaults:',
      '  regions: [us-east-1]',
      '  allowEmpty: true',
      'policies:',
      ...policy('inherits'),
      ...policy('refuses', '    allowEmpty: false'),
    );
    const plain = yaml(...HEAD, ...policy('nightly'), ...policy('on-demand', '    allowEmpty: true'));

    expect(check(text).policies?.map((p) => [p.name, p.allowEmpty])).toEqual([
      ['inherits', true],
      ['refuses', false],
    ]);
    expect(check(plain).policies?.map((p) => [p.name, p.allowEmpty])).toEqual([
      ['nightly', false],
      ['on-demand', true],
    ]);
  });

  it('must be true or false', () => {
    const problem = onlyProblem(yaml(...HEAD, ...policy('nightly', '    allowEmpty: "yes"')));

    expect(problem).toMatchObject({ line: 9, column: 17, policy: 'nightly', path: 'allowEmpty' });
    expect(problem.message).toBe('expected true or false, found "yes"');
  });
});
