// Seam: shared/policy/text.ts — counts with their nouns ("every minute", "every 2 minutes", "1 hour")
// used by every count phrase of the policy messages, and the excerpt (a line with a caret) under a problem.
import { describe, expect, it } from 'vitest';
import { validatePolicyFile } from '../../../shared/policy/index.js';
import { counted, every, excerpt, MAX_EXCERPT } from '../../../shared/policy/text.js';

const NOW = new Date('2025-06-01T00:00:00Z');

/** The file's lines joined; line N of the file is argument N. */
const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

const messagesOf = (text: string) =>
  validatePolicyFile(text, 'config/policies.yml', { now: NOW }).problems.map((p) => p.message);

describe('counted and every', () => {
  it.each([
    [0, 'minute', undefined, '0 minutes'],
    [1, 'minute', undefined, '1 minute'],
    [2, 'minute', undefined, '2 minutes'],
    [1, 'hour', undefined, '1 hour'],
    [6, 'hour', undefined, '6 hours'],
    [1, 'policy', 'policies', '1 policy'],
    [3, 'policy', 'policies', '3 policies'],
  ])('counted(%d, %j) → %j', (count, singular, plural, text) => {
    expect(counted(count, singular, plural)).toBe(text);
  });

  it.each([
    [1, 'minute', 'every minute'],
    [2, 'minute', 'every 2 minutes'],
    [1, 'hour', 'every hour'],
    [12, 'hour', 'every 12 hours'],
  ])('every(%d, %j) → %j', (count, unit, text) => {
    expect(every(count, unit)).toBe(text);
  });
});

describe('count phrases in policy messages', () => {
  it('warns about a schedule firing "every minute", not "every 1 minutes"', () => {
    const text = yaml(
      'version: 1',
      'defaults:',
      '  regions: [us-east-1]',
      'policies:',
      '  - name: a',
      '    schedule: rate(1 minute)',
      '    clusters: { identifiers: [orders] }',
      '  - name: b',
      '    schedule: rate(2 minutes)',
      '    clusters: { identifiers: [orders] }',
    );

    const [first, second] = messagesOf(text);

    expect(first).toContain('fires more often than hourly (every minute at the closest)');
    expect(second).toContain('fires more often than hourly (every 2 minutes at the closest)');
  });

  it('asks for a reconciler "at least every minute" and counts "1 minute" and "2 minutes"', () => {
    const text = yaml(
      'version: 1',
      'defaults:',
      '  regions: [us-east-1]',
      'reconcile:',
      '  schedule: rate(2 minutes)',
      'policies:',
      '  - name: a',
      '    schedule: rate(1 day)',
      '    clusters: { identifiers: [orders] }',
      '    completionWindowMinutes: 1',
      '    startWindowMinutes: 1',
    );

    const [message] = messagesOf(text);

    expect(message).toContain('up to 2 minutes between passes');
    expect(message).toContain('(1 minute, line 10)');
    expect(message).toContain('run the reconciler at least every minute, or lengthen');
  });
});

describe('excerpt', () => {
  it('shows the line with its number and a caret under the column', () => {
    expect(excerpt(5, '  regions: [us-east-1', 12).split('\n')).toEqual([
      '    5 |   regions: [us-east-1',
      '      |            ^',
    ]);
  });

  it('puts the caret after the end for a column past the end of the line', () => {
    expect(excerpt(12, 'defaults', 9).split('\n')).toEqual(['    12 | defaults', '       |         ^']);
  });

  it('cuts a long line on both sides of the column and keeps the caret under it', () => {
    const line = `${'a'.repeat(150)}X${'b'.repeat(150)}`;

    const [shown, caret] = excerpt(1, line, 151).split('\n') as [string, string];

    expect(shown.startsWith('    1 | …')).toBe(true);
    expect(shown.endsWith('…')).toBe(true);
    expect([...shown.slice('    1 | '.length)]).toHaveLength(MAX_EXCERPT);
    expect(shown[caret.indexOf('^')]).toBe('X');
  });
});
