// Seam: cli/protection.ts over shared/planning/protection.ts with plain data: the words status
// prints for why a cluster is overdue (or ok without a snapshot).
import { describe, expect, it } from 'vitest';
import { protectionReason } from '../../../cli/protection.js';
import { assessProtection, overdueAfterSeconds } from '../../../shared/planning/protection.js';

const HOUR = 3_600;
const NOW = new Date('2026-11-28T09:00:00Z');
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * HOUR * 1000);

describe('protectionReason', () => {
  const limit = overdueAfterSeconds(24 * HOUR);

  it('says nothing while the newest snapshot is young enough', () => {
    expect(
      protectionReason(
        assessProtection({ now: NOW, newestSnapshotAt: hoursAgo(6), overdueAfterSeconds: limit }),
      ),
    ).toBeUndefined();
  });

  it('says how old against what, past the limit', () => {
    expect(
      protectionReason(
        assessProtection({ now: NOW, newestSnapshotAt: hoursAgo(31), overdueAfterSeconds: limit }),
      ),
    ).toBe('newest snapshot is 1d 7h old; expected one within 1d 6h');
  });

  it('says there is no snapshot, or that none is due yet when the schedule never comes round again', () => {
    expect(protectionReason(assessProtection({ now: NOW, overdueAfterSeconds: limit }))).toBe(
      'no available snapshot from this policy',
    );
    expect(
      protectionReason(assessProtection({ now: NOW, overdueAfterSeconds: Number.POSITIVE_INFINITY })),
    ).toBe('no snapshot yet; the schedule fires fewer than twice from now on');
  });
});
