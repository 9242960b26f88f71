// Seam: shared/policy/schedule.ts — EventBridge schedule expressions (parse rules, next fire times, gaps).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScheduleError } from '../../../shared/policy/errors.js';
import {
  longestIntervalSeconds,
  nextScheduledTimes,
  parseSchedule,
  shortestIntervalSeconds,
} from '../../../shared/policy/schedule.js';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString().slice(0, 16));
const at = (text: string) => new Date(text);

function scheduleError(expression: string): ScheduleError {
  try {
    parseSchedule(expression);
  } catch (error) {
    if (error instanceof ScheduleError) return error;
    throw error;
  }
  throw new Error(`expected ${expression} to be rejected`);
}

describe('schedules: rate()', () => {
  it.each([
    ['rate(1 minute)', 60],
    ['rate(5 minutes)', 300],
    ['rate(1 hour)', 3600],
    ['rate(12 hours)', 43_200],
    ['rate(1 day)', 86_400],
    ['rate(7 days)', 604_800],
  ])('accepts %s', (expression, seconds) => {
    expect(parseSchedule(expression)).toMatchObject({ kind: 'rate', intervalSeconds: seconds });
  });

  it.each([
    ['rate(1 minutes)', 'rate of 1 takes the singular unit: rate(1 minute)'],
    ['rate(5 minute)', 'rate of 5 takes the plural unit: rate(5 minutes)'],
    ['rate(0 minutes)', 'rate value must be a positive whole number, found "0"'],
    ['rate(-1 days)', 'rate value must be a positive whole number, found "-1"'],
    ['rate(1.5 hours)', 'rate value must be a positive whole number, found "1.5"'],
    ['rate(2 weeks)', 'rate unit must be minute(s), hour(s) or day(s), found "weeks"'],
    ['rate(5)', 'rate(...) takes a value and a unit'],
    ['every day', 'expected rate(<value> <unit>) or cron(<6 fields>), found "every day"'],
  ])('rejects %s', (expression, message) => {
    const error = scheduleError(expression);
    expect(error.name).toBe('ScheduleError');
    expect(error.expression).toBe(expression);
    expect(error.message).toContain(message);
  });

  it('fires every N units counted from the Unix epoch', () => {
    expect(iso(nextScheduledTimes('rate(7 minutes)', at('2025-01-01T00:00:30Z'), 3))).toEqual([
      '2025-01-01T00:05',
      '2025-01-01T00:12',
      '2025-01-01T00:19',
    ]);
    expect(iso(nextScheduledTimes('rate(1 day)', at('2025-01-01T00:00:00Z'), 2))).toEqual([
      '2025-01-02T00:00',
      '2025-01-03T00:00',
    ]);
  });
});

describe('schedules: cron() syntax', () => {
  it('expands every field of a plain daily schedule', () => {
    expect(parseSchedule('cron(0 3 * * ? *)')).toMatchObject({
      kind: 'cron',
      minutes: [0],
      hours: [3],
      daysOfMonth: { kind: 'days', days: Array.from({ length: 31 }, (_, i) => i + 1) },
      months: Array.from({ length: 12 }, (_, i) => i + 1),
      daysOfWeek: { kind: 'any' },
    });
  });

  it('reads lists, ranges, increments and month and day names (any case)', () => {
    expect(parseSchedule('cron(0/20 8-10 ? JAN,jul-Aug MON-FRI 2025-2031/3)')).toMatchObject({
      minutes: [0, 20, 40],
      hours: [8, 9, 10],
      months: [1, 7, 8],
      daysOfWeek: { kind: 'days', days: [2, 3, 4, 5, 6] },
      years: [2025, 2028, 2031],
    });
  });

  it.each([
    ['cron(0 12 L * ? *)', { daysOfMonth: { kind: 'last' } }],
    ['cron(0 12 LW * ? *)', { daysOfMonth: { kind: 'lastWeekday' } }],
    ['cron(0 12 15W * ? *)', { daysOfMonth: { kind: 'nearestWeekday', day: 15 } }],
    ['cron(0 12 ? * 6L *)', { daysOfWeek: { kind: 'last', day: 6 } }],
    ['cron(0 12 ? * FRIL *)', { daysOfWeek: { kind: 'last', day: 6 } }],
    ['cron(0 12 ? * 3#2 *)', { daysOfWeek: { kind: 'nth', day: 3, nth: 2 } }],
    ['cron(0 12 ? * L *)', { daysOfWeek: { kind: 'days', days: [7] } }],
    [
      'cron(*/15 * 1/10 * ? *)',
      { minutes: [0, 15, 30, 45], daysOfMonth: { kind: 'days', days: [1, 11, 21, 31] } },
    ],
  ])('accepts the special form %s', (expression, expected) => {
    expect(parseSchedule(expression)).toMatchObject(expected);
  });

  it.each([
    [
      'cron(0 3 * * ?)',
      'needs 6 fields (minutes hours day-of-month month day-of-week year), found 5 (EventBridge cron has a year field',
    ],
    ['cron(0 3 * * ? * *)', 'needs 6 fields'],
    ['cron(0 3 * * * *)', 'exactly one of day-of-month and day-of-week must be "?", found "*" and "*"'],
    ['cron(0 3 1 * MON *)', 'exactly one of day-of-month and day-of-week must be "?", found "1" and "MON"'],
    ['cron(0 3 ? * ? *)', 'day-of-month and day-of-week cannot both be "?"'],
    ['cron(60 3 * * ? *)', 'minutes value 60 is out of range 0-59'],
    ['cron(0 24 * * ? *)', 'hours value 24 is out of range 0-23'],
    ['cron(0 3 0 * ? *)', 'day-of-month value 0 is out of range 1-31'],
    ['cron(0 3 32 * ? *)', 'day-of-month value 32 is out of range 1-31'],
    ['cron(0 3 * 13 ? *)', 'month value 13 is out of range 1-12'],
    ['cron(0 3 * FOO ? *)', 'month value must be 1-12 or JAN-DEC, found "FOO"'],
    ['cron(0 3 ? * 0 *)', 'day-of-week value 0 is out of range 1-7'],
    ['cron(0 3 ? * 8 *)', 'day-of-week value 8 is out of range 1-7'],
    ['cron(0 3 ? * SUNDAY *)', 'day-of-week value must be 1-7 or SUN-SAT, found "SUNDAY"'],
    ['cron(0 3 * * ? 1969)', 'year value 1969 is out of range 1970-2199'],
    ['cron(0 3 * * ? 2200)', 'year value 2200 is out of range 1970-2199'],
    ['cron(0 3 20-10 * ? *)', 'day-of-month range "20-10" runs backwards'],
    ['cron(0 3 ? * FRI-MON *)', 'day-of-week range "FRI-MON" runs backwards'],
    ['cron(0/0 3 * * ? *)', 'minutes increment must be a whole number from 1 to 59, found "0"'],
    ['cron(0/60 3 * * ? *)', 'minutes increment must be a whole number from 1 to 59, found "60"'],
    ['cron(0 3 ? * 1/2 *)', 'day-of-week does not take increments ("/"), found "1/2"'],
    ['cron(0 3 1,,2 * ? *)', 'day-of-month "1,,2" has an empty list item'],
    ['cron(0 3 L,15 * ? *)', 'L and W stand alone'],
    ['cron(0 3 15W-20 * ? *)', 'L and W stand alone'],
    ['cron(0 3 ? * 3#6 *)', 'the instance after # must be 1 to 5, found 6'],
    ['cron(0 3 ? * 3#1,6#3 *)', '# takes a single day and an instance'],
    ['cron(0 3 ? * 2L,6 *)', 'L stands alone'],
    ['cron(0 3 ? * 9L *)', 'day-of-week value 9 is out of range 1-7'],
  ])('rejects %s', (expression, message) => {
    expect(scheduleError(expression).message).toContain(message);
  });

  it.each([
    ['cron(0 0 31 2 ? *)'],
    ['cron(0 0 30 2 ? *)'],
    ['cron(0 0 31 4,6,9,11 ? *)'],
    ['cron(0 0 29 2 ? 2025)'],
    ['cron(0 0 ? 2 MON#5 2026)'],
    ['cron(0 0 31W 2 ? *)'],
  ])('rejects %s, which never fires', (expression) => {
    expect(scheduleError(expression).message).toMatch(/^never fires: no date matches/);
  });

  it('accepts 29 February in a leap year', () => {
    expect(() => parseSchedule('cron(0 0 29 2 ? 2028)')).not.toThrow();
  });
});

describe('schedules: next fire times', () => {
  it('stops at "until" when it comes before the count, and includes a fire at exactly that time', () => {
    const after = at('2025-01-01T00:00:00Z');

    expect(iso(nextScheduledTimes('cron(0 3 * * ? *)', after, 100, at('2025-01-03T03:00:00Z')))).toEqual([
      '2025-01-01T03:00',
      '2025-01-02T03:00',
      '2025-01-03T03:00',
    ]);
    expect(nextScheduledTimes('rate(1 minute)', after, 5, at('2025-01-01T00:03:59Z'))).toHaveLength(3);
    expect(nextScheduledTimes('cron(0 3 * * ? *)', after, 2, at('2026-01-01T00:00:00Z'))).toHaveLength(2);
  });

  it('returns times strictly after the reference, at whole minutes, in UTC', () => {
    expect(iso(nextScheduledTimes('cron(0 3 * * ? *)', at('2025-01-01T03:00:00Z'), 2))).toEqual([
      '2025-01-02T03:00',
      '2025-01-03T03:00',
    ]);
    expect(iso(nextScheduledTimes('cron(0 3 * * ? *)', at('2025-01-01T02:59:59.999Z'), 1))).toEqual([
      '2025-01-01T03:00',
    ]);
  });

  it('skips months without the day and crosses the year end', () => {
    expect(iso(nextScheduledTimes('cron(30 23 31 * ? *)', at('2025-10-31T23:30:00Z'), 3))).toEqual([
      '2025-12-31T23:30',
      '2026-01-31T23:30',
      '2026-03-31T23:30',
    ]);
  });

  it('finds the last day of February in leap and common years (L)', () => {
    expect(iso(nextScheduledTimes('cron(0 0 L 2 ? *)', at('2024-01-01T00:00:00Z'), 3))).toEqual([
      '2024-02-29T00:00',
      '2025-02-28T00:00',
      '2026-02-28T00:00',
    ]);
  });

  it('fires on 29 February only in leap years, skipping 2100', () => {
    expect(iso(nextScheduledTimes('cron(0 0 29 2 ? *)', at('2095-01-01T00:00:00Z'), 2))).toEqual([
      '2096-02-29T00:00',
      '2104-02-29T00:00',
    ]);
  });

  it('moves nW to the nearest weekday without leaving the month', () => {
    // 2025-03-15 is a Saturday, 2025-06-15 a Sunday, 2025-03-01 a Saturday, 2025-08-31 a Sunday.
    expect(iso(nextScheduledTimes('cron(0 12 15W * ? *)', at('2025-03-01T00:00:00Z'), 4))).toEqual([
      '2025-03-14T12:00',
      '2025-04-15T12:00',
      '2025-05-15T12:00',
      '2025-06-16T12:00',
    ]);
    expect(iso(nextScheduledTimes('cron(0 12 1W * ? *)', at('2025-02-15T00:00:00Z'), 1))).toEqual([
      '2025-03-03T12:00',
    ]);
    expect(iso(nextScheduledTimes('cron(0 12 31W * ? *)', at('2025-08-01T00:00:00Z'), 2))).toEqual([
      '2025-08-29T12:00',
      '2025-10-31T12:00',
    ]);
  });

  it('finds the last weekday of the month (LW)', () => {
    // May 2025 ends on a Saturday, August 2025 on a Sunday.
    expect(iso(nextScheduledTimes('cron(0 22 LW * ? *)', at('2025-05-01T00:00:00Z'), 4))).toEqual([
      '2025-05-30T22:00',
      '2025-06-30T22:00',
      '2025-07-31T22:00',
      '2025-08-29T22:00',
    ]);
  });

  it('finds the last given weekday of the month (6L = last Friday)', () => {
    expect(iso(nextScheduledTimes('cron(0 12 ? * 6L *)', at('2025-01-01T00:00:00Z'), 3))).toEqual([
      '2025-01-31T12:00',
      '2025-02-28T12:00',
      '2025-03-28T12:00',
    ]);
  });

  it('finds the n-th weekday (3#2 = second Tuesday) and skips months without a fifth', () => {
    expect(iso(nextScheduledTimes('cron(0 12 ? * 3#2 *)', at('2025-01-01T00:00:00Z'), 2))).toEqual([
      '2025-01-14T12:00',
      '2025-02-11T12:00',
    ]);
    expect(iso(nextScheduledTimes('cron(0 12 ? * MON#5 *)', at('2025-01-01T00:00:00Z'), 3))).toEqual([
      '2025-03-31T12:00',
      '2025-06-30T12:00',
      '2025-09-29T12:00',
    ]);
  });

  it('runs out when the years are over', () => {
    expect(nextScheduledTimes('cron(0 3 * * ? 2026-2027)', at('2030-01-01T00:00:00Z'), 5)).toEqual([]);
    expect(nextScheduledTimes('cron(59 23 31 12 ? 2199)', at('2199-12-31T00:00:00Z'), 5)).toHaveLength(1);
  });

  it('returns nothing for a count of 0 and rejects a negative count or an invalid date', () => {
    expect(nextScheduledTimes('rate(1 hour)', at('2025-01-01T00:00:00Z'), 0)).toEqual([]);
    expect(() => nextScheduledTimes('rate(1 hour)', at('2025-01-01T00:00:00Z'), -1)).toThrow(RangeError);
    expect(() => nextScheduledTimes('rate(1 hour)', new Date(Number.NaN), 1)).toThrow(RangeError);
  });

  it('rejects an invalid expression with a ScheduleError', () => {
    expect(() => nextScheduledTimes('cron(0 3 * * *)', at('2025-01-01T00:00:00Z'), 1)).toThrow(ScheduleError);
  });
});

describe('schedules: intervals', () => {
  it('measures rate() exactly', () => {
    expect(longestIntervalSeconds('rate(6 hours)')).toBe(21_600);
    expect(shortestIntervalSeconds('rate(6 hours)')).toBe(21_600);
  });

  it('sees the weekend gap of a weekday schedule', () => {
    expect(longestIntervalSeconds('cron(0 3 ? * MON-FRI *)', at('2025-01-01T00:00:00Z'))).toBe(3 * 86_400);
    expect(shortestIntervalSeconds('cron(0 3 ? * MON-FRI *)', at('2025-01-01T00:00:00Z'))).toBe(86_400);
  });

  it('sees gaps within a day and across midnight', () => {
    expect(shortestIntervalSeconds('cron(0,30 3 * * ? *)', at('2025-01-01T00:00:00Z'))).toBe(1800);
    expect(shortestIntervalSeconds('cron(30 0,23 * * ? *)', at('2025-01-01T00:00:00Z'))).toBe(3600);
    expect(longestIntervalSeconds('cron(30 0,23 * * ? *)', at('2025-01-01T00:00:00Z'))).toBe(
      22 * 3600 + 60 * 60,
    );
  });

  it('sees the longest month gap of a day-31 schedule', () => {
    // 31 May → 31 Jul (June has 30 days) is the longest gap (61 days); 31 Jul → 31 Aug is the shortest.
    expect(longestIntervalSeconds('cron(0 0 31 * ? *)', at('2025-01-01T00:00:00Z'))).toBe(61 * 86_400);
    expect(shortestIntervalSeconds('cron(0 0 31 * ? *)', at('2025-01-01T00:00:00Z'))).toBe(31 * 86_400);
  });

  it('looks past the window for rare schedules', () => {
    expect(longestIntervalSeconds('cron(0 0 29 2 ? *)', at('2025-01-01T00:00:00Z'))).toBe(1461 * 86_400);
  });

  it('is infinite for a schedule that fires once', () => {
    expect(longestIntervalSeconds('cron(0 0 1 1 ? 2030)', at('2025-01-01T00:00:00Z'))).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it('bounds the work for an every-minute schedule', () => {
    const started = performance.now();
    expect(longestIntervalSeconds('cron(* * * * ? *)', at('2025-01-01T00:00:00Z'))).toBe(60);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

// ---- properties -----------------------------------------------------------------------------------------

interface SimpleCron {
  minutes: number[];
  hours: number[];
  months: number[];
  daysOfMonth?: number[];
  daysOfWeek?: number[];
}

const sortedUnique = (min: number, max: number, maxLength: number) =>
  fc
    .uniqueArray(fc.integer({ min, max }), { minLength: 1, maxLength })
    .map((values) => values.sort((a, b) => a - b));

const simpleCron: fc.Arbitrary<SimpleCron> = fc
  .record({
    minutes: sortedUnique(0, 59, 4),
    hours: sortedUnique(0, 23, 4),
    months: sortedUnique(1, 12, 4),
    days: fc.oneof(
      sortedUnique(1, 31, 4).map((daysOfMonth) => ({ daysOfMonth })),
      sortedUnique(1, 7, 3).map((daysOfWeek) => ({ daysOfWeek })),
    ),
  })
  .map(({ days, ...rest }) => ({ ...rest, ...days }));

function expressionOf(cron: SimpleCron): string {
  const dom = cron.daysOfMonth?.join(',') ?? '?';
  const dow = cron.daysOfWeek?.join(',') ?? '?';
  return `cron(${cron.minutes.join(',')} ${cron.hours.join(',')} ${dom} ${cron.months.join(',')} ${dow} *)`;
}

/** An independent check of one time against the fields, by `Date` getters. */
function matches(cron: SimpleCron, time: Date): boolean {
  return (
    cron.minutes.includes(time.getUTCMinutes()) &&
    cron.hours.includes(time.getUTCHours()) &&
    cron.months.includes(time.getUTCMonth() + 1) &&
    (cron.daysOfMonth?.includes(time.getUTCDate()) ?? true) &&
    (cron.daysOfWeek?.includes(time.getUTCDay() + 1) ?? true)
  );
}

/** The first matching minute after `after`, scanning day by day (days that cannot match are skipped). */
function firstMatchByScan(cron: SimpleCron, after: Date): Date | undefined {
  const start = Math.floor(after.getTime() / 60_000) + 1;
  for (let day = Math.floor(start / 1440); day < Math.floor(start / 1440) + 9 * 366; day++) {
    const midnight = new Date(day * 86_400_000);
    if (!matches({ ...cron, minutes: [0], hours: [0] }, midnight)) continue;
    for (const hour of cron.hours) {
      for (const minute of cron.minutes) {
        const minuteOfEpoch = day * 1440 + hour * 60 + minute;
        if (minuteOfEpoch >= start) return new Date(minuteOfEpoch * 60_000);
      }
    }
  }
  return undefined;
}

const afterDates = fc.date({
  min: new Date('1999-01-01T00:00:00Z'),
  max: new Date('2150-01-01T00:00:00Z'),
  noInvalidDate: true,
});

describe('schedules: properties', () => {
  it('returns strictly increasing, minute-aligned times after the reference that match the expression', () => {
    fc.assert(
      fc.property(simpleCron, afterDates, fc.integer({ min: 1, max: 12 }), (cron, after, count) => {
        let times: Date[];
        try {
          times = nextScheduledTimes(expressionOf(cron), after, count);
        } catch (error) {
          // Only impossible day/month combinations are rejected: every listed day is past every month's end.
          expect(error).toBeInstanceOf(ScheduleError);
          expect(cron.daysOfMonth).toBeDefined();
          const longest = Math.max(
            ...cron.months.map((m) => (m === 2 ? 29 : [4, 6, 9, 11].includes(m) ? 30 : 31)),
          );
          expect(Math.min(...(cron.daysOfMonth ?? []))).toBeGreaterThan(longest);
          return;
        }
        expect(times).toHaveLength(count);
        let previous = after.getTime();
        for (const time of times) {
          expect(time.getTime() % 60_000).toBe(0);
          expect(time.getTime()).toBeGreaterThan(previous);
          expect(matches(cron, time)).toBe(true);
          previous = time.getTime();
        }
        expect(times[0]).toEqual(firstMatchByScan(cron, after));
      }),
      { numRuns: 300, seed: 20_250_601 },
    );
  });

  it('never sees a gap outside [shortest, longest] among the fires of the ~400-day window', () => {
    fc.assert(
      fc.property(simpleCron, afterDates, (cron, after) => {
        const expression = expressionOf(cron);
        try {
          parseSchedule(expression);
        } catch {
          return;
        }
        const times = nextScheduledTimes(expression, after, 20);
        const longest = longestIntervalSeconds(expression, after);
        const shortest = shortestIntervalSeconds(expression, after);
        const windowEnd = after.getTime() + 400 * 86_400_000;
        for (let i = 1; i < times.length && (times[i - 1]?.getTime() ?? 0) <= windowEnd; i++) {
          const gap = ((times[i]?.getTime() ?? 0) - (times[i - 1]?.getTime() ?? 0)) / 1000;
          expect(gap).toBeLessThanOrEqual(longest);
          expect(gap).toBeGreaterThanOrEqual(shortest);
        }
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('spaces rate() fires exactly one interval apart, on multiples of the interval', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('minutes', 'hours', 'days'),
        fc.integer({ min: 2, max: 500 }),
        afterDates,
        (unit, value, after) => {
          const seconds = value * { minutes: 60, hours: 3600, days: 86_400 }[unit];
          const times = nextScheduledTimes(`rate(${value} ${unit})`, after, 5);
          expect(times[0]!.getTime() - after.getTime()).toBeLessThanOrEqual(seconds * 1000);
          for (const [i, time] of times.entries()) {
            expect(time.getTime() % (seconds * 1000)).toBe(0);
            if (i > 0) expect(time.getTime() - times[i - 1]!.getTime()).toBe(seconds * 1000);
          }
        },
      ),
      { numRuns: 200, seed: 11 },
    );
  });
});
