// Seam: cli/quota.ts over shared/planning/quota-use.ts with plain policies: the words of the
// validate warnings about each Region's manual snapshot quota.
import { describe, expect, it } from 'vitest';
import { quotaWarning, regionQuotaWarning } from '../../../cli/quota.js';
import { regionSteadyStates } from '../../../shared/planning/quota-use.js';
import { policy, retainingPolicy } from '../../support/fakes.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const quota = (regions: Record<string, number> = {}, fallback = 100) => ({
  default: fallback,
  regions,
  warnAtPercent: 80,
});

describe('quota estimates in a time zone', () => {
  // Europe/Berlin skips 02:30 on 2026-03-29 (spring forward): EventBridge Scheduler does not run that day.
  const berlin = policy({ schedule: 'cron(30 2 * * ? *)', timezone: 'Europe/Berlin' });
  const utc = policy({ schedule: 'cron(30 2 * * ? *)' });

  it('says when the quota fills by the real fire times: a day later after the skipped night', () => {
    expect(quotaWarning(utc, NOW)).toMatch(/fills the 100-snapshot quota of us-east-1 in 99 days/);
    expect(quotaWarning(berlin, NOW)).toMatch(/fills the 100-snapshot quota of us-east-1 in 100 days/);
  });
});

describe('quotaWarning', () => {
  it('warns when one cluster without retention fills a quota within a year, per quota', () => {
    const p = policy({ regions: ['us-east-1', 'eu-west-1'], quota: quota({ 'eu-west-1': 300 }) });
    expect(quotaWarning(p, NOW)).toBe(
      'without retention this policy fills the 100-snapshot quota of us-east-1 in 99 days and the 300-snapshot ' +
        'quota of eu-west-1 in 299 days with one selected cluster (365 snapshots a year per cluster; the quota is ' +
        'shared with RDS, Neptune and other policies): add retention, or delete old snapshots in time',
    );
  });

  it('shows hours and minutes when the quota fills within two days', () => {
    expect(quotaWarning(policy({ schedule: 'rate(10 minutes)' }), NOW)).toMatch(
      /fills the 100-snapshot quota of us-east-1 in 16h 40m with one selected cluster \(8h 20m with two; 52560 snapshots a year/,
    );
  });

  it('says nothing when a year of snapshots fits, when retention keeps few, or for a disabled policy', () => {
    expect(quotaWarning(policy({ schedule: 'cron(0 3 ? * SUN *)' }), NOW)).toBeUndefined();
    expect(quotaWarning(policy({ quota: quota({}, 400) }), NOW)).toBeUndefined();
    expect(quotaWarning(policy({ retention: { daily: 7, weekly: 4, monthly: 12 } }), NOW)).toBeUndefined();
    expect(quotaWarning(policy({ enabled: false }), NOW)).toBeUndefined();
  });

  it("warns when retention holds more of one cluster than a Region's quota", () => {
    const p = policy({
      regions: ['us-east-1', 'eu-west-1'],
      retention: { keepLast: 120 },
      quota: quota({ 'eu-west-1': 150 }),
    });
    expect(quotaWarning(p, NOW)).toBe(
      'its retention holds about 120 snapshots of each cluster once it has pruned: more than the 100-snapshot ' +
        'quota of us-east-1 can hold for one cluster (the quota is shared with RDS, Neptune and other policies): ' +
        'keep fewer, or raise the quota',
    );
  });
});

describe('Region steady state over all policies', () => {
  it('says nothing while the steady state stays below the threshold', () => {
    const states = regionSteadyStates(
      [
        retainingPolicy('nightly', ['a', 'b', 'c'], 14),
        retainingPolicy('weekly', ['a'], 30, { backup: 'weekly' }),
      ],
      NOW,
    );
    expect(regionQuotaWarning(states[0]!)).toBeUndefined();
  });

  it('warns at the threshold and says by how much, naming each policy', () => {
    const [state] = regionSteadyStates([retainingPolicy('nightly', ['a', 'b', 'c', 'd', 'e', 'f'], 14)], NOW);
    expect(regionQuotaWarning(state!)).toBe(
      'in eu-west-1 the policies hold about 84 snapshots once retention has pruned (nightly 14 × 6 clusters): ' +
        '84% of the 100-snapshot quota, at or above the 80% warning threshold (the quota is shared with RDS, ' +
        'Neptune and other policies): keep fewer, or raise the quota',
    );
  });

  it('says when the steady state is more than the quota', () => {
    const [state] = regionSteadyStates([retainingPolicy('hourly', ['a', 'b'], 60)], NOW);
    expect(regionQuotaWarning(state!)).toContain('120% of the 100-snapshot quota, more than the quota');
  });
});
