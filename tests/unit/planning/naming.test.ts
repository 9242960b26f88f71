// Seam: snapshot naming (shared/planning/naming.ts) — pure function, plain data and property tests.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatSlot,
  hasSnapshotIdShape,
  isValidIdentifier,
  MAX_PREFIX_LENGTH,
  slotOf,
  snapshotIdFor,
} from '../../../shared/planning/naming.js';

const slot = new Date('2026-11-28T03:00:00Z');

/** Valid DocumentDB identifiers of 1..max characters: a letter, then letters/digits/single hyphens. */
function identifier(max: number) {
  const body = fc.array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'), { maxLength: max - 1 });
  return fc
    .tuple(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), body)
    .map(([first, rest]) => `${first}${rest.join('')}`.replace(/-+/g, '-').replace(/-$/, ''))
    .filter((id) => id.length >= 1 && id.length <= max);
}

const anySlot = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2199-12-31T23:59:00Z'), noInvalidDate: true })
  .map(slotOf);

describe('naming', () => {
  it('builds <prefix>-<cluster>-<yyyymmdd>-<hhmm> for a short cluster id', () => {
    expect(snapshotIdFor('nightly', 'orders-prod', slot)).toBe('nightly-orders-prod-20261128-0300');
  });

  it('lowercases, as AWS stores identifiers lowercase', () => {
    expect(snapshotIdFor('Nightly', 'Orders-Prod', slot)).toBe('nightly-orders-prod-20261128-0300');
  });

  it('formats the slot in UTC to the minute and truncates seconds', () => {
    expect(formatSlot(new Date('2026-01-05T23:07:59.999Z'))).toBe('20260105-2307');
    expect(slotOf(new Date('2026-01-05T23:07:59.999Z')).toISOString()).toBe('2026-01-05T23:07:00.000Z');
  });

  it('shortens a 63-character cluster id and stays unique', () => {
    const a = `orders-${'x'.repeat(50)}-a1`.slice(0, 63);
    const b = `orders-${'x'.repeat(50)}-b2`.slice(0, 63);
    const idA = snapshotIdFor('nightly', a, slot);
    const idB = snapshotIdFor('nightly', b, slot);
    expect(idA).not.toBe(idB);
    expect(idA.length).toBeLessThanOrEqual(63);
    expect(isValidIdentifier(idA)).toBe(true);
    expect(idA.startsWith('nightly-orders-')).toBe(true);
  });

  it('gives the same id for the same inputs (a retried delivery hits AlreadyExists)', () => {
    const long = `c${'1'.repeat(62)}`;
    expect(snapshotIdFor('p', long, slot)).toBe(snapshotIdFor('p', long, new Date('2026-11-28T03:00:30Z')));
  });

  it('rejects a prefix that cannot yield valid ids', () => {
    expect(() => snapshotIdFor('1abc', 'a', slot)).toThrow(/prefix/);
    expect(() => snapshotIdFor('a'.repeat(MAX_PREFIX_LENGTH + 1), 'a', slot)).toThrow(/prefix/);
  });

  it('recognises the shape of its own ids and not automated or other ids', () => {
    expect(hasSnapshotIdShape('nightly', 'nightly-orders-prod-20261128-0300')).toBe(true);
    expect(hasSnapshotIdShape('nightly', 'rds:orders-prod-2026-11-28-03-00')).toBe(false);
    expect(hasSnapshotIdShape('nightly', 'nightly-orders-prod')).toBe(false);
    expect(hasSnapshotIdShape('nightly', 'nightlyx-orders-20261128-0300')).toBe(false);
  });

  it('always yields a valid snapshot id with the expected shape (property)', () => {
    fc.assert(
      fc.property(identifier(MAX_PREFIX_LENGTH), identifier(63), anySlot, (prefix, cluster, at) => {
        const id = snapshotIdFor(prefix, cluster, at);
        expect(isValidIdentifier(id)).toBe(true);
        expect(id.length).toBeLessThanOrEqual(63);
        expect(id.endsWith(formatSlot(at))).toBe(true);
        expect(hasSnapshotIdShape(prefix, id)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('never gives two different clusters the same id (property)', () => {
    fc.assert(
      fc.property(identifier(MAX_PREFIX_LENGTH), identifier(63), identifier(63), (prefix, a, b) => {
        fc.pre(a.toLowerCase() !== b.toLowerCase());
        expect(snapshotIdFor(prefix, a, slot)).not.toBe(snapshotIdFor(prefix, b, slot));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps clusters apart that share a long common head (property)', () => {
    const head = 'analytics-warehouse-primary-cluster-';
    fc.assert(
      fc.property(identifier(20), identifier(20), (x, y) => {
        fc.pre(x !== y);
        const a = `${head}${x}`.slice(0, 63).replace(/-$/, '');
        const b = `${head}${y}`.slice(0, 63).replace(/-$/, '');
        fc.pre(a !== b);
        expect(snapshotIdFor('a'.repeat(32), a, slot)).not.toBe(snapshotIdFor('a'.repeat(32), b, slot));
      }),
      { numRuns: 1000 },
    );
  });

  it('never lets a shortened id equal an unshortened one', () => {
    // 't' * 16 leaves room 16 with a 32-char prefix; an unshortened part is at most 14 characters.
    const prefix = 'p'.repeat(32);
    const fits = 'abcdefghijklmn'; // 14: used as is
    const shortened = snapshotIdFor(prefix, 'abcdefghijklmno', slot); // 15: shortened
    expect(snapshotIdFor(prefix, fits, slot)).toBe(`${prefix}-${fits}-20261128-0300`);
    expect(shortened).not.toContain('abcdefghijklmno');
    expect(shortened.length).toBeGreaterThanOrEqual(`${prefix}-${fits}-20261128-0300`.length);
  });
});
