// Seam: retention planning (shared/planning/retention.ts) — pure: snapshots in, deletions out, including
// grandfather-father-son edge cases around week and month ends (UTC, no DST), plus safety properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  planRetention,
  type RetentionCandidate,
  type RetentionRules,
  slotFromSnapshotId,
  steadyStateCount,
} from '../../../shared/planning/retention.js';
import { nextScheduledTimes } from '../../../shared/policy/index.js';

const at = (iso: string) => new Date(iso);

/** One owned, available snapshot per listed slot, named like the service names them. */
function snapshots(...slots: string[]): RetentionCandidate[] {
  return slots.map((iso) => ({
    snapshotId: `nightly-orders-${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 13)}${iso.slice(14, 16)}`,
    status: 'available',
    takenAt: at(iso),
    owned: true,
  }));
}

function daily(from: string, days: number): string[] {
  const start = at(from).getTime();
  return Array.from({ length: days }, (_, i) => new Date(start + i * 86_400_000).toISOString());
}

const deleted = (plan: { delete: { snapshotId: string }[] }) => plan.delete.map((d) => d.snapshotId);

describe('retention planning', () => {
  it('keeps the newest N with keepLast and deletes the rest, oldest last', () => {
    const plan = planRetention(
      snapshots(...daily('2026-11-20T03:00:00Z', 9)),
      { keepLast: 7 },
      at('2026-11-28T03:00:00Z'),
    );
    expect(deleted(plan)).toEqual(['nightly-orders-20261121-0300', 'nightly-orders-20261120-0300']);
    expect(plan.delete[0]!.reason).toBe('kept by no rule (keepLast 7)');
  });

  it('keeps everything younger than maxAgeDays, measured from the run slot', () => {
    const plan = planRetention(
      snapshots(
        '2026-11-28T03:00:00Z',
        '2026-11-21T03:01:00Z',
        '2026-11-21T03:00:00Z',
        '2026-11-01T03:00:00Z',
      ),
      { maxAgeDays: 7 },
      at('2026-11-28T03:00:00Z'),
    );
    // Exactly 7 days old is no longer younger than 7 days.
    expect(deleted(plan)).toEqual(['nightly-orders-20261121-0300', 'nightly-orders-20261101-0300']);
    expect(plan.keep.map((k) => k.snapshotId)).toEqual([
      'nightly-orders-20261128-0300',
      'nightly-orders-20261121-0301',
    ]);
  });

  it('keeps a snapshot any rule wants (keepLast or maxAgeDays)', () => {
    const plan = planRetention(
      snapshots('2026-11-28T03:00:00Z', '2026-10-01T03:00:00Z', '2026-09-01T03:00:00Z'),
      { keepLast: 2, maxAgeDays: 7 },
      at('2026-11-28T03:00:00Z'),
    );
    expect(deleted(plan)).toEqual(['nightly-orders-20260901-0300']);
  });

  it('keeps the newest snapshot of each of the last N days with daily', () => {
    const slots = [
      '2026-11-28T00:00:00Z',
      '2026-11-27T18:00:00Z',
      '2026-11-27T12:00:00Z',
      '2026-11-26T23:59:00Z',
      '2026-11-25T10:00:00Z',
    ];
    const plan = planRetention(snapshots(...slots), { daily: 3 }, at('2026-11-28T00:00:00Z'));
    expect(plan.keep.map((k) => k.snapshotId)).toEqual([
      'nightly-orders-20261128-0000',
      'nightly-orders-20261127-1800',
      'nightly-orders-20261126-2359',
    ]);
  });

  it('buckets weeks Monday to Sunday in UTC', () => {
    // 2026-11-29 is a Sunday, 2026-11-30 a Monday.
    const plan = planRetention(
      snapshots(
        '2026-11-30T00:00:00Z',
        '2026-11-29T23:00:00Z',
        '2026-11-23T00:00:00Z',
        '2026-11-22T23:59:00Z',
      ),
      { weekly: 2 },
      at('2026-11-30T00:00:00Z'),
    );
    expect(plan.keep.map((k) => k.snapshotId)).toEqual([
      'nightly-orders-20261130-0000',
      'nightly-orders-20261129-2300',
    ]);
    expect(deleted(plan)).toEqual(['nightly-orders-20261123-0000', 'nightly-orders-20261122-2359']);
  });

  it('buckets months at the month end, leap day included', () => {
    const plan = planRetention(
      snapshots(
        '2028-03-01T00:00:00Z',
        '2028-02-29T23:00:00Z',
        '2028-02-29T03:00:00Z',
        '2028-01-31T23:59:00Z',
        '2027-12-31T03:00:00Z',
      ),
      { monthly: 3 },
      at('2028-03-01T00:00:00Z'),
    );
    expect(plan.keep.map((k) => k.snapshotId)).toEqual([
      'nightly-orders-20280301-0000',
      'nightly-orders-20280229-2300',
      'nightly-orders-20280131-2359',
    ]);
  });

  it('combines grandfather-father-son tiers', () => {
    const plan = planRetention(
      snapshots(...daily('2026-08-01T03:00:00Z', 120)),
      { daily: 7, weekly: 4, monthly: 3 },
      at('2026-11-28T03:00:00Z'),
    );
    const kept = plan.keep.map((k) => k.snapshotId);
    // 7 days (Nov 22-28); weeks add Nov 15 and Nov 8 (Sundays); months add Oct 31 and Sep 30.
    expect(kept).toHaveLength(7 + 2 + 2);
    expect(kept).toContain('nightly-orders-20261031-0300');
    expect(kept).toContain('nightly-orders-20260930-0300');
    expect(kept).toContain('nightly-orders-20261115-0300');
    expect(kept).toContain('nightly-orders-20261108-0300');
    expect(kept).not.toContain('nightly-orders-20260831-0300'); // August is outside 3 months
  });

  it('never deletes the newest available snapshot, even when no rule keeps it', () => {
    const plan = planRetention(
      [
        {
          snapshotId: 'nightly-a-20261128-0300',
          status: 'creating',
          takenAt: at('2026-11-28T03:00:00Z'),
          owned: true,
        },
        {
          snapshotId: 'nightly-a-20260101-0300',
          status: 'available',
          takenAt: at('2026-01-01T03:00:00Z'),
          owned: true,
        },
      ],
      { maxAgeDays: 1 },
      at('2026-11-28T03:00:00Z'),
    );
    expect(plan.newestAvailable).toBe('nightly-a-20260101-0300');
    expect(deleted(plan)).toEqual([]);
  });

  it('never deletes a snapshot that is not available', () => {
    const plan = planRetention(
      [
        ...snapshots('2026-11-28T03:00:00Z'),
        {
          snapshotId: 'nightly-orders-20260101-0300',
          status: 'creating',
          takenAt: at('2026-01-01T03:00:00Z'),
          owned: true,
        },
      ],
      { keepLast: 1 },
      at('2026-11-28T03:00:00Z'),
    );
    expect(deleted(plan)).toEqual([]);
  });

  it('ignores snapshots known not to be owned: never kept, deleted or counted', () => {
    const [newest, older, oldest] = snapshots(
      '2026-11-28T03:00:00Z',
      '2026-11-27T03:00:00Z',
      '2026-11-26T03:00:00Z',
    );
    const plan = planRetention(
      [{ ...newest!, owned: false }, older!, oldest!],
      { keepLast: 1 },
      at('2026-11-28T03:00:00Z'),
    );
    expect(plan.newestAvailable).toBe(older!.snapshotId);
    expect(deleted(plan)).toEqual([oldest!.snapshotId]);
  });

  it('reads the slot back from a snapshot id', () => {
    expect(slotFromSnapshotId('nightly-orders-prod-20261128-0300')?.toISOString()).toBe(
      '2026-11-28T03:00:00.000Z',
    );
    expect(slotFromSnapshotId('nightly-orders-prod-20261332-0300')).toBeUndefined();
    expect(slotFromSnapshotId('rds:orders-2026-11-28-03-00')).toBeUndefined();
  });

  const candidate = fc.record({
    snapshotId: fc.string({ minLength: 1, maxLength: 8 }),
    status: fc.constantFrom('available', 'available', 'creating', 'deleting'),
    takenAt: fc.date({
      min: new Date('2025-01-01T00:00:00Z'),
      max: new Date('2026-12-31T00:00:00Z'),
      noInvalidDate: true,
    }),
    owned: fc.constantFrom(true, false, undefined),
  });
  const rules: fc.Arbitrary<RetentionRules> = fc.record(
    {
      keepLast: fc.integer({ min: 1, max: 10 }),
      maxAgeDays: fc.integer({ min: 1, max: 60 }),
      daily: fc.integer({ min: 1, max: 10 }),
      weekly: fc.integer({ min: 1, max: 6 }),
      monthly: fc.integer({ min: 1, max: 12 }),
    },
    { requiredKeys: [] },
  );
  const uniqueCandidates = fc.uniqueArray(candidate, { selector: (c) => c.snapshotId, maxLength: 40 });
  const now = fc.date({
    min: new Date('2026-01-01T00:00:00Z'),
    max: new Date('2027-01-01T00:00:00Z'),
    noInvalidDate: true,
  });

  it("never plans to delete an unproven snapshot, an unavailable one, the newest available one, the run's own or a newer slot's (property)", () => {
    fc.assert(
      fc.property(uniqueCandidates, rules, now, fc.nat({ max: 39 }), (list, r, when, pick) => {
        const current = list[pick % Math.max(1, list.length)];
        const guard = { slot: current?.takenAt ?? when, current: current?.snapshotId };
        const plan = planRetention(list, r, when, guard);
        const byId = new Map(list.map((c) => [c.snapshotId, c]));
        const newest = list
          .filter((c) => c.owned === true && c.status === 'available')
          .sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime())[0];
        for (const d of plan.delete) {
          const c = byId.get(d.snapshotId)!;
          expect(c.owned).toBe(true);
          expect(c.status).toBe('available');
          expect(c.takenAt.getTime()).toBeLessThanOrEqual(newest!.takenAt.getTime());
          expect(c.takenAt.getTime()).toBeLessThanOrEqual(guard.slot.getTime());
          expect(d.snapshotId).not.toBe(plan.newestAvailable);
          expect(d.snapshotId).not.toBe(guard.current);
        }
        expect(plan.keep.length + plan.delete.length).toBe(list.filter((c) => c.owned === true).length);
      }),
      { numRuns: 1000, seed: 42 },
    );
  });

  it('with keepLast N keeps at least the newest N proven, available snapshots (property)', () => {
    fc.assert(
      fc.property(uniqueCandidates, fc.integer({ min: 1, max: 10 }), now, (list, n, when) => {
        const plan = planRetention(list, { keepLast: n }, when);
        const counted = list
          .filter((c) => c.owned === true && c.status === 'available')
          .sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime() || (a.snapshotId < b.snapshotId ? 1 : -1))
          .slice(0, n)
          .map((c) => c.snapshotId);
        const kept = new Set(plan.keep.map((k) => k.snapshotId));
        for (const id of counted) expect(kept.has(id)).toBe(true);
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('counts only available snapshots toward keepLast: failed ones neither fill places nor go', () => {
    const [newest, middle, oldest] = snapshots(
      '2026-11-27T03:00:00Z',
      '2026-11-26T03:00:00Z',
      '2026-11-25T03:00:00Z',
    );
    const failed = { ...snapshots('2026-11-27T15:00:00Z')[0]!, status: 'failed' };
    const plan = planRetention(
      [failed, newest!, middle!, oldest!],
      { keepLast: 2 },
      at('2026-11-28T03:00:00Z'),
    );
    expect(deleted(plan)).toEqual([oldest!.snapshotId]);
    expect(plan.keep.find((k) => k.snapshotId === failed.snapshotId)?.reasons).toEqual(['status failed']);
  });

  it("keeps the run's own new snapshot, counted as kept, and never one taken for a newer slot", () => {
    // 20th … 27th available, but the 24th: this late run (a redrive) has just taken it.
    const list = snapshots(...daily('2026-11-20T03:00:00Z', 8)).filter((c) => !c.snapshotId.includes('1124'));
    const current = {
      snapshotId: 'nightly-orders-20261124-0300',
      status: 'creating',
      takenAt: at('2026-11-24T03:00:00Z'),
      owned: true,
    };
    // A late redrive of the 24th's slot, run on the 28th: windows are measured from the 28th.
    const plan = planRetention([...list, current], { keepLast: 2 }, at('2026-11-28T03:10:00Z'), {
      slot: at('2026-11-24T03:00:00Z'),
      current: current.snapshotId,
    });
    expect(deleted(plan)).toEqual([
      'nightly-orders-20261123-0300',
      'nightly-orders-20261122-0300',
      'nightly-orders-20261121-0300',
      'nightly-orders-20261120-0300',
    ]);
    expect(plan.keep.find((k) => k.snapshotId === current.snapshotId)?.reasons).toContain(
      "this run's snapshot",
    );
    expect(plan.keep.find((k) => k.snapshotId === 'nightly-orders-20261125-0300')?.reasons).toEqual([
      "newer than this run's slot",
    ]);
  });

  it('measures daily buckets from the time the run happens, not from a replayed slot', () => {
    const list = snapshots(...daily('2026-11-18T03:00:00Z', 10)); // 18th … 27th
    const plan = planRetention(list, { daily: 7 }, at('2026-11-28T03:00:00Z'), {
      slot: at('2026-11-24T03:00:00Z'),
    });
    // Kept: the 22nd … 27th (6 days, today the 28th has none yet); nothing newer than the slot goes.
    expect(deleted(plan)).toEqual([
      'nightly-orders-20261121-0300',
      'nightly-orders-20261120-0300',
      'nightly-orders-20261119-0300',
      'nightly-orders-20261118-0300',
    ]);
  });

  it('estimates the steady-state count of a schedule and its retention', () => {
    const fires = (expression: string) => (from: Date, count: number) =>
      nextScheduledTimes(expression, from, count);
    const now = at('2026-11-28T03:00:00Z');
    expect(steadyStateCount(fires('cron(0 3 * * ? *)'), { keepLast: 7 }, 86_400_000, now)).toBe(7);
    expect(steadyStateCount(fires('cron(0 3 * * ? *)'), { maxAgeDays: 35 }, 86_400_000, now)).toBe(35);
    expect(
      steadyStateCount(fires('cron(0 */6 * * ? *)'), { daily: 7, weekly: 4, monthly: 12 }, 21_600_000, now),
    ).toBeLessThanOrEqual(1 + 7 + 4 + 12);
  });
});
