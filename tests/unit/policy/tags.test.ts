// Seam: shared/policy/tags.ts — AWS tag rules and the service's reserved namespace, as checkTag reports them.
import { describe, expect, it } from 'vitest';
import { checkTag, OWN_TAG_KEYS, RESERVED_TAG_PREFIX } from '../../../shared/policy/tags.js';

describe('tags', () => {
  it.each([
    ['owner', 'platform-sre'],
    ['cost center', '4711'],
    ['team:name', 'data/ops=1+2@example.com'],
    ['Kostenstelle_ä', 'Ünïcödé 東京'],
    ['k', ''],
    ['k'.repeat(128), 'v'.repeat(256)],
  ])('accepts key %j with value %j', (key, value) => {
    expect(checkTag(key, value)).toBeUndefined();
  });

  it.each([
    ['', 'x', 'tag key "": expected a tag key of 1 to 128 characters'],
    ['k'.repeat(129), 'x', 'expected a tag key of 1 to 128 characters'],
    ['k', 'v'.repeat(257), 'tag value "vvvv'],
    ['k', 'v'.repeat(257), 'expected a tag value of at most 256 characters'],
    [
      'cost$center',
      'x',
      'tag key "cost$center": expected a tag key of letters, digits, spaces and _ . : / = + - @ ("$" is not allowed)',
    ],
    [
      'k',
      'a,b',
      'tag value "a,b" of key "k": expected a tag value of letters, digits, spaces and _ . : / = + - @ ("," is not allowed)',
    ],
    ['aws:owner', 'x', 'expected a tag key not starting with "aws:" or "rds:" (reserved by AWS)'],
    ['AWS:owner', 'x', 'not starting with "aws:" or "rds:"'],
    ['Rds:thing', 'x', 'not starting with "aws:" or "rds:"'],
    ['k', 'aws:x', 'tag value "aws:x" of key "k": expected a tag value not starting with "aws:" or "rds:"'],
    ['k', 'RDS:x', 'expected a tag value not starting with "aws:" or "rds:"'],
  ])('rejects key %j with value %j', (key, value, message) => {
    expect(checkTag(key, value)).toContain(message);
  });

  it('reserves the docdb-backup: namespace for the service, in any case', () => {
    expect(checkTag('docdb-backup:policy', 'x')).toContain(
      `expected a tag key not starting with "${RESERVED_TAG_PREFIX}" (reserved for the tags this service sets)`,
    );
    expect(checkTag('DocDB-Backup:whatever', 'x')).toContain('reserved for the tags this service sets');
  });

  it("allows the reserved namespace where tags are only matched or are the service's own", () => {
    for (const key of Object.values(OWN_TAG_KEYS))
      expect(checkTag(key, 'x', { allowReserved: true })).toBeUndefined();
    expect(checkTag('aws:owner', 'x', { allowReserved: true })).toContain('reserved by AWS');
  });
});
