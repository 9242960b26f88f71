// Seam: the one ownership rule (shared/planning/ownership.ts), pure: a snapshot and its tags as read from
// AWS in, ours-for-which-slot or why-not out. Every caller (run, retention, status) relies on it.
import { describe, expect, it } from 'vitest';
import { snapshotIdFor } from '../../../shared/planning/naming.js';
import { ownershipOf } from '../../../shared/planning/ownership.js';

const owner = { policyName: 'nightly', prefix: 'nightly' };
const tags = {
  'docdb-backup:managed-by': 'docdb-backup',
  'docdb-backup:policy': 'nightly',
  'docdb-backup:scheduled-at': '2026-11-28T03:00:00.000Z',
};
const ours = { snapshotId: 'nightly-orders-20261128-0300', clusterId: 'orders', tags };

describe('ownership', () => {
  it('proves a snapshot ours, for the slot in its scheduled-at tag', () => {
    expect(ownershipOf(ours, owner, 'orders')).toEqual({
      ours: true,
      slot: new Date('2026-11-28T03:00:00Z'),
    });
    expect(ownershipOf({ ...ours, clusterId: 'ORDERS' }, owner, 'orders').ours).toBe(true);
  });

  it.each([
    ['no managed-by tag', { ...ours, tags: { ...tags, 'docdb-backup:managed-by': '' } }, /managed-by/],
    ['another policy', { ...ours, tags: { ...tags, 'docdb-backup:policy': 'weekly' } }, /policy tag/],
    ['a snapshot of another cluster', { ...ours, clusterId: 'billing' }, /cluster "billing"/],
    [
      'a copy named like ours with copied tags',
      { ...ours, snapshotId: 'nightly-orders-legalhold-20261128-0300' },
      /its id is not/,
    ],
    [
      'a scheduled-at tag naming another slot',
      { ...ours, tags: { ...tags, 'docdb-backup:scheduled-at': '2026-11-27T03:00:00.000Z' } },
      /its id is not/,
    ],
    [
      'a scheduled-at tag that is not a whole minute',
      { ...ours, tags: { ...tags, 'docdb-backup:scheduled-at': '2026-11-28T03:00:30.000Z' } },
      /whole-minute/,
    ],
    ['no scheduled-at tag', { ...ours, tags: { ...tags, 'docdb-backup:scheduled-at': '' } }, /whole-minute/],
  ])('refuses %s, saying why', (_what, snapshot, why) => {
    const ownership = ownershipOf(snapshot, owner, 'orders');
    expect(ownership.ours).toBe(false);
    expect(ownership.ours ? '' : ownership.reason).toMatch(why);
  });

  it('proves a hashed long cluster id exactly, and refuses one the policy could not name', () => {
    const long = `orders-${'x'.repeat(55)}`;
    const slot = new Date('2026-11-28T03:00:00Z');
    const id = snapshotIdFor('nightly', long, slot);
    expect(ownershipOf({ ...ours, snapshotId: id, clusterId: long }, owner, long)).toEqual({
      ours: true,
      slot,
    });
    const other = snapshotIdFor('nightly', `${long.slice(0, -1)}y`, slot);
    expect(ownershipOf({ ...ours, snapshotId: other, clusterId: long }, owner, long).ours).toBe(false);
    expect(ownershipOf({ ...ours, clusterId: 'bad--id' }, owner, 'bad--id')).toMatchObject({ ours: false });
  });
});
