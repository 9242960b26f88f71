// Seam: shared/policy/load.ts `validatePolicyFile` on a file of a thousand policies: the same problems, at
// the same lines and columns, as in a small file. (How long it takes is bench/validate.ts's business.)
import { describe, expect, it } from 'vitest';
import { validatePolicyFile } from '../../../shared/policy/index.js';

const FILE = 'config/policies.yml';
const NOW = new Date('2025-06-01T00:00:00Z');
const COUNT = 1000;
/** Lines before the first policy. */
const HEAD = ['version: 1', 'defaults:', '  regions: [us-east-1]', 'policies:'];
/** Lines per policy below. */
const LINES = 7;

/** Policy `i` (0-based), 7 lines: name, schedule, clusters, identifiers, snapshot, prefix, retry. */
function policyLines(i: number, prefix = `p${i}`): string[] {
  return [
    `  - name: team-${i}`,
    '    schedule: cron(0 3 * * ? *)',
    '    clusters:',
    `      identifiers: [orders-${i}]`,
    '    snapshot:',
    `      prefix: ${prefix}`,
    '    retry: { maxAttempts: 3 }',
  ];
}

/** 1-based line of line `offset` (0-based) of policy `i`. */
const lineOf = (i: number, offset: number) => HEAD.length + i * LINES + offset + 1;

function file(change: (i: number, lines: string[]) => string[] = (_, lines) => lines): string {
  const lines = [...HEAD];
  for (let i = 0; i < COUNT; i++) lines.push(...change(i, policyLines(i)));
  return `${lines.join('\n')}\n`;
}

const check = (text: string) => validatePolicyFile(text, FILE, { now: NOW });

describe('a file of a thousand policies', () => {
  it('validates and resolves every policy in file order', () => {
    const { policies, problems } = check(file());

    expect(problems).toEqual([]);
    expect(policies).toHaveLength(COUNT);
    expect(policies?.[899]).toMatchObject({ name: 'team-899', snapshot: { prefix: 'p899' } });
  });

  it('reports a bad value in policy #900 at its own line and column', () => {
    const text = file((i, lines) => (i === 899 ? lines.with(6, '    retry: { maxAttempts: 0 }') : lines));

    const { policies, problems } = check(text);

    expect(policies).toBeUndefined();
    expect(problems).toEqual([
      {
        file: FILE,
        line: lineOf(899, 6),
        column: 27,
        policy: 'team-899',
        path: 'retry.maxAttempts',
        message: 'expected 1 to 50 attempts, found 0',
        severity: 'error',
      },
    ]);
  });

  it('finds a prefix collision across 900 policies and names the line of the first', () => {
    const text = file((i, lines) => (i === 949 ? policyLines(i, 'p9-orders') : lines));

    const { problems } = check(text);

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: lineOf(949, 5), column: 15, policy: 'team-949' });
    expect(problems[0]?.message).toContain(
      `found "p9-orders" next to "p9" of policy "team-9" (line ${lineOf(9, 5)})`,
    );
  });

  it('reports a repeated prefix and a repeated name against the first use, wherever it is', () => {
    const text = file((i, lines) => {
      if (i === 998) return policyLines(i, 'p3');
      if (i === 999) return lines.with(0, '  - name: team-1');
      return lines;
    });

    const { problems } = check(text);

    expect(problems.map((p) => [p.line, p.policy, p.message])).toEqual([
      [
        lineOf(998, 5),
        'team-998',
        `expected a unique snapshot prefix, found "p3", already the prefix of policy "team-3" (line ${lineOf(3, 5)})`,
      ],
      [
        lineOf(999, 0),
        'team-1',
        `expected a unique policy name, found "team-1" again (first used on line ${lineOf(1, 0)})`,
      ],
    ]);
  });

  it('reports a structural problem in every policy, each at its own place', () => {
    const text = file((_, lines) => lines.with(6, '    retry: { maxAttempt: 3 }'));

    const { problems } = check(text);

    expect(problems).toHaveLength(COUNT);
    expect(problems[899]).toMatchObject({ line: lineOf(899, 6), column: 14, path: 'retry.maxAttempt' });
  });
});
