// Seam: shared/planning/quota-use.ts with plain policies: how a schedule and its retention use each
// Region's manual snapshot quota, and when a policy or a Region does not fit it.
import { describe, expect, it } from 'vitest';
import {
  daysToReach,
  type QuotaUseCache,
  quotaGroups,
  quotaShortfall,
  quotaUse,
  regionQuotaPressure,
  regionSteadyStates,
} from '../../../shared/planning/quota-use.js';
import { policy, retainingPolicy } from '../../support/fakes.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const quota = (regions: Record<string, number> = {}, fallback = 100) => ({
  default: fallback,
  regions,
  warnAtPercent: 80,
});

describe('daysToReach', () => {
  it('is the time of the n-th fire from now', () => {
    expect(daysToReach('cron(0 3 * * ? *)', NOW, 100)).toBe(99.125);
    expect(daysToReach('rate(1 hour)', NOW, 24)).toBe(1);
  });

  it('is undefined when the schedule never fires that often', () => {
    expect(daysToReach('cron(0 3 1 1 ? 2026-2027)', NOW, 100)).toBeUndefined();
  });
});

describe('quotaUse', () => {
  it('without retention: snapshots only accumulate, counted per year', () => {
    expect(quotaUse(policy(), NOW)).toEqual({ kind: 'unbounded', perYear: 365, capped: false });
    expect(quotaUse(policy({ schedule: 'cron(0 3 ? * SUN *)' }), NOW)).toMatchObject({ perYear: 52 });
  });

  it('with retention: the steady state of the retention planner', () => {
    expect(quotaUse(policy({ retention: { keepLast: 7 } }), NOW)).toEqual({ kind: 'steady', perCluster: 7 });
    expect(quotaUse(policy({ schedule: 'rate(1 hour)', retention: { maxAgeDays: 2 } }), NOW)).toEqual({
      kind: 'steady',
      perCluster: 48,
    });
  });
});

describe('quotaUse over a whole file', () => {
  it('makes one estimate per schedule and retention, the same as without sharing', () => {
    const policies = [
      policy({ name: 'a', retention: { keepLast: 7 } }),
      policy({ name: 'b', retention: { keepLast: 7 } }),
      policy({ name: 'c', schedule: 'rate(6 hours)', retention: { daily: 7, weekly: 4 } }),
      policy({ name: 'd' }),
      policy({ name: 'e' }),
    ];
    const estimates: QuotaUseCache = new Map();

    const shared = policies.map((p) => quotaUse(p, NOW, estimates));

    expect(shared).toEqual(policies.map((p) => quotaUse(p, NOW)));
    expect(estimates.size).toBe(3);
    expect(regionSteadyStates(policies, NOW, estimates)).toEqual(regionSteadyStates(policies, NOW));
    expect(estimates.size).toBe(3);
  });
});

describe('quota estimates in a time zone', () => {
  // Europe/Berlin skips 02:30 on 2026-03-29 (spring forward): EventBridge Scheduler does not run that day.
  const berlin = policy({ schedule: 'cron(30 2 * * ? *)', timezone: 'Europe/Berlin' });
  const utc = policy({ schedule: 'cron(30 2 * * ? *)' });

  it('counts the runs Scheduler makes: a nightly 02:30 in Berlin runs 364 times in 2026, not 365', () => {
    expect(quotaUse(berlin, NOW)).toEqual({ kind: 'unbounded', perYear: 364, capped: false });
    expect(quotaUse(utc, NOW)).toEqual({ kind: 'unbounded', perYear: 365, capped: false });
  });

  it('never shares an estimate between the same schedule in different zones', () => {
    const estimates: QuotaUseCache = new Map();

    expect([quotaUse(utc, NOW, estimates), quotaUse(berlin, NOW, estimates)]).toEqual([
      quotaUse(utc, NOW),
      quotaUse(berlin, NOW),
    ]);
    expect(estimates.size).toBe(2);
  });

  it('says when the quota fills by the real fire times: a day later after the skipped night', () => {
    const days = (p: typeof utc) => {
      const shortfall = quotaShortfall(p, NOW);
      return shortfall?.kind === 'filling' ? shortfall.filling.map((g) => Math.floor(g.days)) : [];
    };
    expect(days(utc)).toEqual([99]);
    expect(days(berlin)).toEqual([100]);
  });

  it('holds the same steady state with retention as the rules keep it', () => {
    expect(quotaUse({ ...berlin, retention: { keepLast: 7 } }, NOW)).toEqual({
      kind: 'steady',
      perCluster: 7,
    });
  });
});

describe('quotaGroups', () => {
  it("groups the policy's Regions by their quota, smallest first", () => {
    const p = policy({
      regions: ['us-east-1', 'eu-west-1', 'us-west-2'],
      quota: quota({ 'eu-west-1': 150 }),
    });
    expect(quotaGroups(p)).toEqual([
      { quota: 100, regions: ['us-east-1', 'us-west-2'] },
      { quota: 150, regions: ['eu-west-1'] },
    ]);
  });
});

describe('quotaShortfall', () => {
  it('finds where one cluster without retention fills a quota within a year, per quota', () => {
    const p = policy({ regions: ['us-east-1', 'eu-west-1'], quota: quota({ 'eu-west-1': 300 }) });
    expect(quotaShortfall(p, NOW)).toEqual({
      kind: 'filling',
      filling: [
        { quota: 100, regions: ['us-east-1'], days: 99.125 },
        { quota: 300, regions: ['eu-west-1'], days: 299.125 },
      ],
      halfDays: undefined,
      perYear: 365,
      capped: false,
    });
  });

  it('says how soon two clusters fill the only quota that fills', () => {
    expect(quotaShortfall(policy({ schedule: 'rate(10 minutes)' }), NOW)).toMatchObject({
      kind: 'filling',
      filling: [{ quota: 100, days: 1000 / 1440 }],
      halfDays: 500 / 1440,
      perYear: 52_560,
    });
  });

  it('finds none when a year of snapshots fits, when retention keeps few, or for a disabled policy', () => {
    expect(quotaShortfall(policy({ schedule: 'cron(0 3 ? * SUN *)' }), NOW)).toBeUndefined();
    expect(quotaShortfall(policy({ quota: quota({}, 400) }), NOW)).toBeUndefined();
    expect(quotaShortfall(policy({ retention: { daily: 7, weekly: 4, monthly: 12 } }), NOW)).toBeUndefined();
    expect(quotaShortfall(policy({ enabled: false }), NOW)).toBeUndefined();
  });

  it("finds where retention holds more of one cluster than a Region's quota", () => {
    const p = policy({
      regions: ['us-east-1', 'eu-west-1'],
      retention: { keepLast: 120 },
      quota: quota({ 'eu-west-1': 150 }),
    });
    expect(quotaShortfall(p, NOW)).toEqual({
      kind: 'steady',
      perCluster: 120,
      tooSmall: [{ quota: 100, regions: ['us-east-1'] }],
    });
  });
});

describe('Region steady state over all policies', () => {
  it('sums retention x listed clusters per Region across policies', () => {
    const states = regionSteadyStates(
      [
        retainingPolicy('nightly', ['a', 'b', 'c'], 14),
        retainingPolicy('weekly', ['a'], 30, { backup: 'weekly' }),
      ],
      NOW,
    );
    expect(states.map((s) => [s.region, s.total, s.atLeast])).toEqual([
      ['eu-west-1', 72, true],
      ['us-east-1', 72, true],
    ]);
    expect(regionQuotaPressure(states[0]!)).toBeUndefined();
  });

  it('reaches the warning threshold and says by how much', () => {
    const [state] = regionSteadyStates([retainingPolicy('nightly', ['a', 'b', 'c', 'd', 'e', 'f'], 14)], NOW);
    expect(state).toMatchObject({ region: 'eu-west-1', total: 84, atLeast: false });
    expect(state?.parts).toEqual([{ policy: 'nightly', perCluster: 14, clusters: 6 }]);
    expect(regionQuotaPressure(state!)).toEqual({ percent: 84, overQuota: false });
  });

  it('says when the steady state is more than the quota', () => {
    const [state] = regionSteadyStates([retainingPolicy('hourly', ['a', 'b'], 60)], NOW);
    expect(regionQuotaPressure(state!)).toEqual({ percent: 120, overQuota: true });
  });
});
