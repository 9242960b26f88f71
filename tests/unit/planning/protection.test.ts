// Seam: shared/planning/protection.ts with plain data: when a cluster counts as overdue for its schedule.
import { describe, expect, it } from 'vitest';
import { assessProtection, overdueAfterSeconds } from '../../../shared/planning/protection.js';
import { longestIntervalSeconds } from '../../../shared/policy/index.js';

const HOUR = 3_600;
const NOW = new Date('2026-11-28T09:00:00Z');
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * HOUR * 1000);

describe('overdueAfterSeconds', () => {
  it('adds 25% of the longest gap, and at least an hour', () => {
    expect(overdueAfterSeconds(24 * HOUR)).toBe(30 * HOUR);
    expect(overdueAfterSeconds(HOUR)).toBe(2 * HOUR);
    expect(overdueAfterSeconds(6 * HOUR)).toBe(7.5 * HOUR);
  });

  it('follows the longest gap of uneven schedules: weekdays only allow a whole weekend', () => {
    const longest = longestIntervalSeconds('cron(0 3 ? * MON-FRI *)', NOW);
    expect(overdueAfterSeconds(longest)).toBe(72 * HOUR * 1.25);
  });

  it('is never overdue for a schedule that fires fewer than twice from now on', () => {
    expect(overdueAfterSeconds(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('assessProtection', () => {
  const limit = overdueAfterSeconds(24 * HOUR);

  it('is ok while the newest snapshot is younger than the limit, the limit itself included', () => {
    expect(assessProtection({ now: NOW, newestSnapshotAt: hoursAgo(6), overdueAfterSeconds: limit })).toEqual(
      {
        state: 'ok',
        ageSeconds: 6 * HOUR,
        overdueAfterSeconds: limit,
      },
    );
    expect(
      assessProtection({ now: NOW, newestSnapshotAt: hoursAgo(30), overdueAfterSeconds: limit }).state,
    ).toBe('ok');
  });

  it('is overdue past the limit, with the age and the limit it was judged against', () => {
    expect(
      assessProtection({ now: NOW, newestSnapshotAt: hoursAgo(31), overdueAfterSeconds: limit }),
    ).toEqual({
      state: 'overdue',
      ageSeconds: 31 * HOUR,
      overdueAfterSeconds: 30 * HOUR,
    });
  });

  it('is overdue without any snapshot, unless the schedule never comes round again', () => {
    expect(assessProtection({ now: NOW, overdueAfterSeconds: limit })).toEqual({
      state: 'overdue',
      overdueAfterSeconds: limit,
    });
    expect(assessProtection({ now: NOW, overdueAfterSeconds: Number.POSITIVE_INFINITY }).state).toBe('ok');
  });

  it('counts a snapshot from the future (clock skew) as brand new', () => {
    expect(
      assessProtection({ now: NOW, newestSnapshotAt: hoursAgo(-1), overdueAfterSeconds: limit }),
    ).toEqual({
      state: 'ok',
      ageSeconds: 0,
      overdueAfterSeconds: limit,
    });
  });
});
