// Seam: shared/policy/schedule.ts with a time zone (and timezone.ts beneath it): cron schedules read on a
// zone's wall clock the way EventBridge Scheduler documents it across daylight-saving changes — a local
// time the clocks skip does not run that day, a repeated one runs once — as fire times, intervals (alarms,
// overdue checks, quota estimates) and the changes `plan` flags. Dates: Europe/Berlin springs forward on
// 2026-03-29 (02:00 → 03:00, +01:00 → +02:00) and falls back on 2026-10-25 (03:00 → 02:00).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  daylightSavingChanges,
  longestIntervalSeconds,
  nextScheduledTimes,
  parseSchedule,
  scheduleOf,
  shortestIntervalSeconds,
} from '../../../shared/policy/index.js';
import { formatLocal, instantsOfLocal } from '../../../shared/policy/timezone.js';

const HOUR = 3_600;
const iso = (dates: Date[]) => dates.map((d) => d.toISOString().slice(0, 16));
const next = (expression: string, zone: string | undefined, after: string, count: number) =>
  iso(nextScheduledTimes(parseSchedule(expression, zone), new Date(after), count));

describe('zoned schedules: fire times', () => {
  it('fires at the local time, an hour earlier in UTC once summer time starts', () => {
    expect(next('cron(0 4 * * ? *)', 'Europe/Berlin', '2026-03-27T00:00Z', 4)).toEqual([
      '2026-03-27T03:00',
      '2026-03-28T03:00',
      '2026-03-29T02:00',
      '2026-03-30T02:00',
    ]);
  });

  it('spring forward: skips a local time that does not exist that day (Scheduler skips the invocation)', () => {
    expect(next('cron(30 2 * * ? *)', 'Europe/Berlin', '2026-03-27T00:00Z', 4)).toEqual([
      '2026-03-27T01:30',
      '2026-03-28T01:30',
      '2026-03-30T00:30',
      '2026-03-31T00:30',
    ]);
  });

  it('fall back: runs a local time the clocks show twice once, at its first instant', () => {
    expect(next('cron(30 2 * * ? *)', 'Europe/Berlin', '2026-10-23T00:00Z', 4)).toEqual([
      '2026-10-23T00:30',
      '2026-10-24T00:30',
      '2026-10-25T00:30',
      '2026-10-26T01:30',
    ]);
    expect(
      iso(
        instantsOfLocal('Europe/Berlin', Date.parse('2026-10-25T02:30Z') / 60_000).map(
          (m) => new Date(m * 60_000),
        ),
      ),
    ).toEqual(['2026-10-25T00:30', '2026-10-25T01:30']);
  });

  it('follows zones west of UTC and in the southern hemisphere the same way', () => {
    // New York: forward 2026-03-08 02:00 → 03:00; Sydney: forward 2026-10-04 02:00 → 03:00.
    expect(next('cron(30 2 * * ? *)', 'America/New_York', '2026-03-07T00:00Z', 3)).toEqual([
      '2026-03-07T07:30',
      '2026-03-09T06:30',
      '2026-03-10T06:30',
    ]);
    expect(next('cron(30 2 * * ? *)', 'Australia/Sydney', '2026-10-02T00:00Z', 3)).toEqual([
      '2026-10-02T16:30',
      '2026-10-04T15:30',
      '2026-10-05T15:30',
    ]);
  });

  it('reads day fields on the local calendar, not on UTC’s', () => {
    // 00:30 on the 1st of February in Berlin is still January 31 in UTC.
    expect(next('cron(30 0 1 * ? *)', 'Europe/Berlin', '2026-01-15T00:00Z', 1)).toEqual(['2026-01-31T23:30']);
    // 00:30 on Monday in Tokyo is still Sunday in UTC.
    expect(next('cron(30 0 ? * MON *)', 'Asia/Tokyo', '2026-01-01T00:00Z', 1)).toEqual(['2026-01-04T15:30']);
  });

  it('leaves UTC schedules as they were, with or without an explicit UTC zone', () => {
    const after = '2026-03-27T00:00Z';
    expect(next('cron(30 2 * * ? *)', undefined, after, 4)).toEqual(
      next('cron(30 2 * * ? *)', 'UTC', after, 4),
    );
    expect(next('cron(30 2 * * ? *)', undefined, after, 2)).toEqual(['2026-03-27T02:30', '2026-03-28T02:30']);
  });

  it('does not move rate() schedules: Scheduler counts a rate in fixed hours', () => {
    expect(next('rate(6 hours)', 'Europe/Berlin', '2026-03-29T00:00Z', 3)).toEqual(
      next('rate(6 hours)', undefined, '2026-03-29T00:00Z', 3),
    );
  });

  it('takes a policy’s zone from the policy', () => {
    const schedule = scheduleOf({ schedule: 'cron(0 4 * * ? *)', timezone: 'Europe/Berlin' });

    expect(schedule).toMatchObject({ kind: 'cron', timeZone: 'Europe/Berlin' });
    expect(iso(nextScheduledTimes(schedule, new Date('2026-07-01T00:00Z'), 1))).toEqual(['2026-07-01T02:00']);
  });

  it('every fire is at the cron’s local time, ascending, once a day; only daylight-saving days miss one', () => {
    const zones = [
      'Europe/Berlin',
      'America/New_York',
      'Australia/Sydney',
      'Australia/Lord_Howe',
      'Asia/Tokyo',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 23 }),
        fc.constantFrom(0, 15, 30, 45),
        fc.integer({ min: 0, max: 4 * 365 }),
        (zone, hour, minute, day) => {
          const after = new Date(Date.UTC(2026, 0, 1) + day * 86_400_000);
          const fires = nextScheduledTimes(parseSchedule(`cron(${minute} ${hour} * * ? *)`, zone), after, 8);
          const wanted = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
          const days: string[] = [];
          for (const [i, fire] of fires.entries()) {
            const local = formatLocal(zone, fire);
            expect(local.slice(11, 16)).toBe(wanted);
            if (i > 0) expect(fire.getTime()).toBeGreaterThan(fires[i - 1]!.getTime());
            days.push(local.slice(0, 10));
          }
          expect(new Set(days).size).toBe(days.length);
          for (let i = 1; i < days.length; i++) {
            const gap = (Date.parse(days[i]!) - Date.parse(days[i - 1]!)) / 86_400_000;
            if (gap === 1) continue;
            // A missing day is a day the zone changed its offset (the wall time did not exist).
            expect(gap).toBe(2);
            const missing = new Date(Date.parse(days[i - 1]!) + 86_400_000).toISOString().slice(0, 10);
            expect(
              daylightSavingChanges(
                parseSchedule(`cron(${minute} ${hour} * * ? *)`, zone),
                fires[i - 1]!,
                fires[i]!,
              ),
            ).toEqual([expect.objectContaining({ skipped: [`${missing}T${wanted}`] })]);
          }
        },
      ),
      { numRuns: 200, seed: 15 },
    );
  });
});

describe('zoned schedules: intervals across daylight-saving changes', () => {
  const from = new Date('2026-01-01T00:00Z');

  it('a nightly run at a skipped local time leaves 47 hours once a year', () => {
    const schedule = parseSchedule('cron(30 2 * * ? *)', 'Europe/Berlin');

    expect(longestIntervalSeconds(schedule, from)).toBe(47 * HOUR);
    expect(longestIntervalSeconds('cron(30 2 * * ? *)', from)).toBe(24 * HOUR);
  });

  it('a nightly run at an existing time is 23 hours apart in spring and 25 in autumn', () => {
    const schedule = parseSchedule('cron(0 4 * * ? *)', 'Europe/Berlin');

    expect(shortestIntervalSeconds(schedule, from)).toBe(23 * HOUR);
    expect(longestIntervalSeconds(schedule, from)).toBe(25 * HOUR);
  });

  it('allows for either instant of a repeated time: every five minutes has a 65-minute gap on the fall-back night', () => {
    const schedule = parseSchedule('cron(0/5 * * * ? *)', 'Europe/Berlin');

    expect(shortestIntervalSeconds(schedule, from)).toBe(5 * 60);
    expect(longestIntervalSeconds(schedule, from)).toBe(65 * 60);
  });

  it('a weekly run keeps its week, plus or minus the hour', () => {
    const schedule = parseSchedule('cron(0 4 ? * SUN *)', 'Europe/Berlin');

    expect(shortestIntervalSeconds(schedule, from)).toBe(7 * 24 * HOUR - HOUR);
    expect(longestIntervalSeconds(schedule, from)).toBe(7 * 24 * HOUR + HOUR);
  });
});

describe('zoned schedules: the daylight-saving changes among the runs', () => {
  const berlin = parseSchedule('cron(30 2 * * ? *)', 'Europe/Berlin');

  it('names a spring-forward change and the local times it skips', () => {
    expect(
      daylightSavingChanges(berlin, new Date('2026-03-27T00:00Z'), new Date('2026-03-31T00:00Z')),
    ).toEqual([
      {
        at: new Date('2026-03-29T01:00Z'),
        offsetBefore: 60,
        offsetAfter: 120,
        skipped: ['2026-03-29T02:30'],
        repeated: [],
      },
    ]);
  });

  it('names a fall-back change and the local times it repeats', () => {
    expect(
      daylightSavingChanges(berlin, new Date('2026-10-23T00:00Z'), new Date('2026-10-27T00:00Z')),
    ).toEqual([
      {
        at: new Date('2026-10-25T01:00Z'),
        offsetBefore: 120,
        offsetAfter: 60,
        skipped: [],
        repeated: ['2026-10-25T02:30'],
      },
    ]);
  });

  it('lists every run an hourly schedule loses or repeats, and none for a change no run falls into', () => {
    const halfHourly = parseSchedule('cron(0/30 * * * ? *)', 'Europe/Berlin');
    const [spring] = daylightSavingChanges(
      halfHourly,
      new Date('2026-03-29T00:00Z'),
      new Date('2026-03-30T00:00Z'),
    );
    const [quiet] = daylightSavingChanges(
      parseSchedule('cron(0 4 * * ? *)', 'Europe/Berlin'),
      new Date('2026-03-29T00:00Z'),
      new Date('2026-03-30T00:00Z'),
    );

    expect(spring?.skipped).toEqual(['2026-03-29T02:00', '2026-03-29T02:30']);
    expect(quiet).toMatchObject({ skipped: [], repeated: [] });
  });

  it('has none for UTC and rate() schedules', () => {
    const year = [new Date('2026-01-01T00:00Z'), new Date('2027-01-01T00:00Z')] as const;

    expect(daylightSavingChanges('cron(30 2 * * ? *)', ...year)).toEqual([]);
    expect(daylightSavingChanges(parseSchedule('rate(1 day)', 'Europe/Berlin'), ...year)).toEqual([]);
  });
});
