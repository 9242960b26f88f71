/**
 * EventBridge schedule expressions: `rate(...)` and six-field `cron(...)`, parsed with EventBridge's rules
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html) and evaluated
 * at whole minutes: in UTC, or for a schedule with a `timeZone` the way EventBridge Scheduler evaluates it
 * (`ScheduleExpressionTimezone`), cron fields read on the zone's wall clock. Parsing is pure; time
 * functions take the reference time as an argument.
 *
 * Daylight saving, as EventBridge Scheduler documents it (User Guide, "Schedule types in EventBridge
 * Scheduler", section "Daylight savings time on EventBridge Scheduler",
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#daylist-savings-time); the AWS
 * Knowledge Center article "How can I adjust my Amazon EventBridge schedule for daylight saving?"
 * (https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst) puts it as: "When the time shifts
 * forward in Spring, your schedule invocation gets skipped if the cron expression falls on a non-existent
 * date and time. When the time shifts back in the Fall, your schedule runs only once and doesn't repeat its
 * invocation." and, for rates, "days represents a 24-hour duration", so a zone does not move rate() fires.
 * Which of the two instants a repeated local time runs at is not documented: fire times here take the
 * first, and the longest interval (alarms, overdue checks) allows for either.
 */
import { ScheduleError } from './errors.js';
import { quote } from './text.js';
import { instantsOfLocal, localMinute, offsetChanges, offsetMinutes } from './timezone.js';

/** `rate(N unit)`: fires every `intervalSeconds`, counted from the Unix epoch (see `nextScheduledTimes`). */
export interface RateSchedule {
  kind: 'rate';
  expression: string;
  value: number;
  unit: 'minutes' | 'hours' | 'days';
  intervalSeconds: number;
  /** The IANA zone the schedule is deployed with; a rate's fires do not depend on it. */
  timeZone?: string;
}

/** Day-of-month field: `?` (`any`), a day list, `L`, `LW` or `nW`. */
export type DayOfMonthRule =
  | { kind: 'any' }
  | { kind: 'days'; days: number[] }
  | { kind: 'last' }
  | { kind: 'lastWeekday' }
  | { kind: 'nearestWeekday'; day: number };

/** Day-of-week field (1 = SUN … 7 = SAT): `?` (`any`), a day list, `nL` (last n-day) or `n#k` (k-th n-day). */
export type DayOfWeekRule =
  | { kind: 'any' }
  | { kind: 'days'; days: number[] }
  | { kind: 'last'; day: number }
  | { kind: 'nth'; day: number; nth: number };

/** `cron(minutes hours day-of-month month day-of-week year)` with every field expanded. */
export interface CronSchedule {
  kind: 'cron';
  expression: string;
  minutes: number[];
  hours: number[];
  daysOfMonth: DayOfMonthRule;
  months: number[];
  daysOfWeek: DayOfWeekRule;
  years: number[];
  /** The IANA zone whose wall clock the fields are read on (EventBridge Scheduler); UTC when absent. */
  timeZone?: string;
}

export type Schedule = RateSchedule | CronSchedule;

const MINUTE_MS = 60_000;
const MINUTES_PER_DAY = 1440;
/** How far ahead interval statistics look (plus the first fire after it). */
const LOOKAHEAD_DAYS = 400;
/** Cron years end in 2199; rate() schedules stop there too, so every loop ends. */
const MAX_MINUTE = Date.UTC(2200, 0, 1) / MINUTE_MS;

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldSpec {
  label: string;
  min: number;
  max: number;
  names?: string[];
  steps: boolean;
}

const FIELDS = {
  minutes: { label: 'minutes', min: 0, max: 59, steps: true },
  hours: { label: 'hours', min: 0, max: 23, steps: true },
  dayOfMonth: { label: 'day-of-month', min: 1, max: 31, steps: true },
  month: { label: 'month', min: 1, max: 12, names: MONTH_NAMES, steps: true },
  dayOfWeek: { label: 'day-of-week', min: 1, max: 7, names: DAY_NAMES, steps: false },
  year: { label: 'year', min: 1970, max: 2199, steps: true },
} satisfies Record<string, FieldSpec>;

const RATE_UNITS: Record<string, { unit: RateSchedule['unit']; seconds: number; singular: boolean }> = {
  minute: { unit: 'minutes', seconds: 60, singular: true },
  minutes: { unit: 'minutes', seconds: 60, singular: false },
  hour: { unit: 'hours', seconds: 3600, singular: true },
  hours: { unit: 'hours', seconds: 3600, singular: false },
  day: { unit: 'days', seconds: 86_400, singular: true },
  days: { unit: 'days', seconds: 86_400, singular: false },
};

/**
 * Parses an EventBridge schedule expression, or throws a `ScheduleError` saying what is wrong, including
 * schedules that can never fire. `timeZone` (an IANA name, checked by the policy validator) makes a cron
 * schedule fire on that zone's wall clock.
 * Example: `parseSchedule('cron(0 3 * * ? *)')` → `{ kind: 'cron', minutes: [0], hours: [3], … }`
 */
export function parseSchedule(expression: string, timeZone?: string): Schedule {
  const fail = (message: string): never => {
    throw new ScheduleError(expression, message);
  };
  const match = /^(rate|cron)\((.*)\)$/s.exec(expression.trim());
  if (!match) {
    return fail(`expected rate(<value> <unit>) or cron(<6 fields>), found ${quote(expression)}`);
  }
  const schedule =
    match[1] === 'rate'
      ? parseRate(expression, match[2] ?? '', fail)
      : parseCron(expression, match[2] ?? '', fail);
  return timeZone === undefined ? schedule : { ...schedule, timeZone };
}

/**
 * The schedule of a policy: its expression in its time zone (UTC when it has none).
 * Example: `scheduleOf({ schedule: 'cron(30 2 * * ? *)', timezone: 'Europe/Berlin' }).timeZone` → `'Europe/Berlin'`
 */
export function scheduleOf(policy: { schedule: string; timezone?: string }): Schedule {
  return parseSchedule(policy.schedule, policy.timezone);
}

function parseRate(expression: string, body: string, fail: (message: string) => never): RateSchedule {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 2 || parts[0] === '') {
    return fail(`rate(...) takes a value and a unit, e.g. rate(5 minutes), found ${quote(expression)}`);
  }
  const [valueText = '', unitText = ''] = parts;
  if (!/^[1-9][0-9]*$/.test(valueText)) {
    return fail(`rate value must be a positive whole number, found ${quote(valueText)}`);
  }
  const value = Number(valueText);
  const unit = RATE_UNITS[unitText];
  if (!unit) {
    return fail(`rate unit must be minute(s), hour(s) or day(s), found ${quote(unitText)}`);
  }
  if (value === 1 && !unit.singular) {
    return fail(
      `rate of 1 takes the singular unit: rate(1 ${unitText.slice(0, -1)}), found ${quote(expression)}`,
    );
  }
  if (value > 1 && unit.singular) {
    return fail(
      `rate of ${value} takes the plural unit: rate(${value} ${unitText}s), found ${quote(expression)}`,
    );
  }
  return { kind: 'rate', expression, value, unit: unit.unit, intervalSeconds: value * unit.seconds };
}

function parseCron(expression: string, body: string, fail: (message: string) => never): CronSchedule {
  const fields = body
    .trim()
    .split(/\s+/)
    .filter((f) => f !== '');
  if (fields.length !== 6) {
    const hint = fields.length === 5 ? ' (EventBridge cron has a year field: add " *" at the end)' : '';
    return fail(
      `cron(...) needs 6 fields (minutes hours day-of-month month day-of-week year), found ${fields.length}${hint}`,
    );
  }
  const [minuteText = '', hourText = '', domText = '', monthText = '', dowText = '', yearText = ''] = fields;
  if ((domText === '?') === (dowText === '?')) {
    return fail(
      domText === '?'
        ? 'day-of-month and day-of-week cannot both be "?": set one of them'
        : `exactly one of day-of-month and day-of-week must be "?", found ${quote(domText)} and ${quote(dowText)}: set the one you do not mean to "?"`,
    );
  }
  const schedule: CronSchedule = {
    kind: 'cron',
    expression,
    minutes: parseList(minuteText, FIELDS.minutes, fail),
    hours: parseList(hourText, FIELDS.hours, fail),
    daysOfMonth: parseDayOfMonth(domText, fail),
    months: parseList(monthText, FIELDS.month, fail),
    daysOfWeek: parseDayOfWeek(dowText, fail),
    years: parseList(yearText, FIELDS.year, fail),
  };
  if (
    !schedule.years.some((year) =>
      schedule.months.some((month) => matchingDays(schedule, year, month).length > 0),
    )
  ) {
    return fail(
      `never fires: no date matches day-of-month ${quote(domText)}, month ${quote(monthText)}, day-of-week ${quote(dowText)}, year ${quote(yearText)}`,
    );
  }
  return schedule;
}

function parseDayOfMonth(text: string, fail: (message: string) => never): DayOfMonthRule {
  if (text === '?') return { kind: 'any' };
  const upper = text.toUpperCase();
  if (/[LW]/.test(upper)) {
    if (upper === 'L') return { kind: 'last' };
    if (upper === 'LW') return { kind: 'lastWeekday' };
    const weekday = /^([0-9]+)W$/.exec(upper);
    if (weekday) {
      return { kind: 'nearestWeekday', day: parseValue(weekday[1] ?? '', FIELDS.dayOfMonth, fail) };
    }
    return fail(
      `day-of-month ${quote(text)}: L and W stand alone (L, LW or nW such as 15W) and cannot be combined with lists, ranges or increments`,
    );
  }
  return { kind: 'days', days: parseList(text, FIELDS.dayOfMonth, fail) };
}

function parseDayOfWeek(text: string, fail: (message: string) => never): DayOfWeekRule {
  if (text === '?') return { kind: 'any' };
  const upper = text.toUpperCase();
  if (upper.includes('#')) {
    const nth = /^([0-9A-Z]+)#([0-9]+)$/.exec(upper);
    if (!nth) {
      return fail(
        `day-of-week ${quote(text)}: # takes a single day and an instance, e.g. 3#2 (second Tuesday); no lists`,
      );
    }
    const instance = Number(nth[2]);
    if (!/^[1-5]$/.test(nth[2] ?? '')) {
      return fail(`day-of-week ${quote(text)}: the instance after # must be 1 to 5, found ${nth[2]}`);
    }
    return { kind: 'nth', day: parseValue(nth[1] ?? '', FIELDS.dayOfWeek, fail), nth: instance };
  }
  if (upper.includes('L')) {
    if (upper === 'L') return { kind: 'days', days: [7] };
    const last = /^([0-9A-Z]+)L$/.exec(upper);
    if (!last || /[,\-/*]/.test(upper)) {
      return fail(
        `day-of-week ${quote(text)}: L stands alone (L, or nL such as 6L for the last Friday); no lists or ranges`,
      );
    }
    return { kind: 'last', day: parseValue(last[1] ?? '', FIELDS.dayOfWeek, fail) };
  }
  return { kind: 'days', days: parseList(text, FIELDS.dayOfWeek, fail) };
}

/** Expands `*`, `a`, `a-b`, `a/s`, `*\/s`, `a-b/s` and comma lists into sorted distinct values. */
function parseList(text: string, field: FieldSpec, fail: (message: string) => never): number[] {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') return fail(`${field.label} ${quote(text)} has an empty list item`);
    const [rangeText = '', stepText, extra] = item.split('/');
    if (extra !== undefined) return fail(`${field.label} ${quote(item)} has more than one "/"`);
    let step = 1;
    if (stepText !== undefined) {
      if (!field.steps) return fail(`${field.label} does not take increments ("/"), found ${quote(item)}`);
      if (!/^[0-9]+$/.test(stepText) || Number(stepText) < 1 || Number(stepText) > field.max - field.min) {
        return fail(
          `${field.label} increment must be a whole number from 1 to ${field.max - field.min}, found ${quote(stepText)} in ${quote(item)}`,
        );
      }
      step = Number(stepText);
    }
    let start: number;
    let end: number;
    if (rangeText === '*') {
      start = field.min;
      end = field.max;
    } else if (rangeText.includes('-')) {
      const [fromText = '', toText = '', more] = rangeText.split('-');
      if (more !== undefined || fromText === '' || toText === '') {
        return fail(`${field.label} range ${quote(rangeText)} must look like a-b`);
      }
      start = parseValue(fromText, field, fail);
      end = parseValue(toText, field, fail);
      if (start > end) {
        return fail(
          `${field.label} range ${quote(rangeText)} runs backwards: its start must not be after its end`,
        );
      }
    } else {
      start = parseValue(rangeText, field, fail);
      end = stepText === undefined ? start : field.max;
    }
    for (let value = start; value <= end; value += step) values.add(value);
  }
  return [...values].sort((a, b) => a - b);
}

function parseValue(text: string, field: FieldSpec, fail: (message: string) => never): number {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + 1;
  if (!/^[0-9]+$/.test(text)) {
    const names = field.names ? ` or ${field.names[0]}-${field.names.at(-1)}` : '';
    return fail(`${field.label} value must be ${field.min}-${field.max}${names}, found ${quote(text)}`);
  }
  const value = Number(text);
  if (value < field.min || value > field.max) {
    return fail(`${field.label} value ${value} is out of range ${field.min}-${field.max}`);
  }
  return value;
}

// ---- evaluation -------------------------------------------------------------------------------------------

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 0 = Sunday … 6 = Saturday. */
function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** The days of `month` (1-12) in `year` on which the cron schedule fires, ascending. */
function matchingDays(schedule: CronSchedule, year: number, month: number): number[] {
  const last = daysInMonth(year, month);
  const dom = schedule.daysOfMonth;
  const dow = schedule.daysOfWeek;
  if (dom.kind !== 'any') {
    switch (dom.kind) {
      case 'days':
        return dom.days.filter((d) => d <= last);
      case 'last':
        return [last];
      case 'lastWeekday': {
        const wd = weekday(year, month, last);
        return [wd === 6 ? last - 1 : wd === 0 ? last - 2 : last];
      }
      case 'nearestWeekday': {
        if (dom.day > last) return [];
        const wd = weekday(year, month, dom.day);
        if (wd === 6) return [dom.day === 1 ? 3 : dom.day - 1];
        if (wd === 0) return [dom.day === last ? dom.day - 2 : dom.day + 1];
        return [dom.day];
      }
    }
  }
  const first = weekday(year, month, 1);
  /** Date of the first `day` (1 = SUN … 7 = SAT) in the month. */
  const firstOf = (day: number) => 1 + ((day - 1 - first + 7) % 7);
  switch (dow.kind) {
    case 'days': {
      const days: number[] = [];
      for (let d = 1; d <= last; d++) if (dow.days.includes(((first + d - 1) % 7) + 1)) days.push(d);
      return days;
    }
    case 'last': {
      const d = firstOf(dow.day);
      return [d + 7 * Math.floor((last - d) / 7)];
    }
    case 'nth': {
      const d = firstOf(dow.day) + 7 * (dow.nth - 1);
      return d <= last ? [d] : [];
    }
    case 'any':
      return [];
  }
}

/** Fire days (days since the epoch) of a cron schedule from `fromDay` on, ascending; ends after 2199. */
function* fireDays(schedule: CronSchedule, fromDay: number): Generator<number> {
  const from = new Date(fromDay * 86_400_000);
  const fromYear = from.getUTCFullYear();
  const fromMonth = from.getUTCMonth() + 1;
  for (const year of schedule.years) {
    if (year < fromYear) continue;
    for (const month of schedule.months) {
      if (year === fromYear && month < fromMonth) continue;
      for (const day of matchingDays(schedule, year, month)) {
        const epochDay = Date.UTC(year, month - 1, day) / 86_400_000;
        if (epochDay >= fromDay) yield epochDay;
      }
    }
  }
}

/** Minutes after midnight at which a cron schedule fires on a fire day, ascending. */
function timesOfDay(schedule: CronSchedule): number[] {
  return schedule.hours.flatMap((h) => schedule.minutes.map((m) => h * 60 + m));
}

/**
 * Fire times on the schedule's own clock, in minutes since the epoch, at or after `fromMinute`: UTC
 * instants for a UTC schedule, wall-clock minutes (the zone's calendar read as if it were UTC) for a zoned
 * cron schedule.
 */
function* wallFireMinutes(schedule: Schedule, fromMinute: number): Generator<number> {
  if (schedule.kind === 'rate') {
    const every = schedule.intervalSeconds / 60;
    for (let k = Math.ceil(fromMinute / every); k * every <= MAX_MINUTE; k++) yield k * every;
    return;
  }
  const times = timesOfDay(schedule);
  for (const day of fireDays(schedule, Math.floor(fromMinute / MINUTES_PER_DAY))) {
    for (const time of times) {
      const minute = day * MINUTES_PER_DAY + time;
      if (minute >= fromMinute) yield minute;
    }
  }
}

/** The zone whose wall clock moves the schedule's fires: cron schedules with a zone other than UTC. */
function zoneOf(schedule: Schedule): string | undefined {
  return schedule.kind === 'cron' && schedule.timeZone !== undefined && schedule.timeZone !== 'UTC'
    ? schedule.timeZone
    : undefined;
}

/** One fire of a zoned schedule: the instants (UTC minutes) its wall-clock time maps to. */
interface ZonedFire {
  /** The instant it runs at (the first one when the clocks show its time twice). */
  first: number;
  /** The other instant of a repeated local time, else `first`. */
  last: number;
}

/** The fires of a zoned cron schedule whose (first) instant is at or after `fromMinute`, ascending. */
function* zonedFires(schedule: CronSchedule, zone: string, fromMinute: number): Generator<ZonedFire> {
  // A local time maps to instants at most a day away; mapping keeps the order (first instants only).
  for (const local of wallFireMinutes(schedule, localMinute(zone, fromMinute) - MINUTES_PER_DAY)) {
    const instants = instantsOfLocal(zone, local);
    const first = instants[0];
    if (first === undefined || first < fromMinute) continue;
    yield { first, last: instants.at(-1) ?? first };
  }
}

/** Fire times, in UTC minutes since the epoch, at or after `fromMinute`. */
function* fireMinutes(schedule: Schedule, fromMinute: number): Generator<number> {
  const zone = zoneOf(schedule);
  if (zone === undefined || schedule.kind !== 'cron') {
    yield* wallFireMinutes(schedule, fromMinute);
    return;
  }
  for (const fire of zonedFires(schedule, zone, fromMinute)) yield fire.first;
}

function toSchedule(expression: string | Schedule): Schedule {
  return typeof expression === 'string' ? parseSchedule(expression) : expression;
}

/**
 * The next `count` fire times strictly after `after`, in UTC at whole minutes (fewer when the schedule's
 * years run out, or when `until` is given and comes first: no fire time is later than `until`).
 * `rate(N unit)` fires every N units counted from 1970-01-01T00:00Z, so the answer is deterministic
 * (EventBridge itself counts from when the rule was created). A zoned cron schedule skips local times the
 * clocks jump over and runs a repeated local time once, at its first instant (see the top of this file).
 * Example: `nextScheduledTimes('cron(0 3 * * ? *)', new Date('2025-01-01T05:00Z'), 1)` → `[2025-01-02T03:00Z]`
 */
export function nextScheduledTimes(
  expression: string | Schedule,
  after: Date,
  count: number,
  until?: Date,
): Date[] {
  const schedule = toSchedule(expression);
  if (Number.isNaN(after.getTime())) throw new RangeError('nextScheduledTimes: "after" is an invalid Date');
  if (until !== undefined && Number.isNaN(until.getTime()))
    throw new RangeError('nextScheduledTimes: "until" is an invalid Date');
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`nextScheduledTimes: count must be a whole number >= 0, found ${count}`);
  }
  const result: Date[] = [];
  if (count === 0) return result;
  const lastMinute = until === undefined ? Number.POSITIVE_INFINITY : Math.floor(until.getTime() / MINUTE_MS);
  for (const minute of fireMinutes(schedule, Math.floor(after.getTime() / MINUTE_MS) + 1)) {
    if (minute > lastMinute) break;
    result.push(new Date(minute * MINUTE_MS));
    if (result.length === count) break;
  }
  return result;
}

/** Shortest and longest gap, in minutes, between consecutive times of one day (`Infinity` and 0 for one time). */
function gapsWithinDay(times: readonly number[]): { shortest: number; longest: number } {
  let shortest = Number.POSITIVE_INFINITY;
  let longest = 0;
  for (let i = 1; i < times.length; i++) {
    const gap = (times[i] ?? 0) - (times[i - 1] ?? 0);
    shortest = Math.min(shortest, gap);
    longest = Math.max(longest, gap);
  }
  return { shortest, longest };
}

/** Shortest and longest gap between consecutive fires, in seconds (`Infinity` when it fires fewer than twice). */
function intervalStats(schedule: Schedule, from: Date): { shortest: number; longest: number } {
  if (schedule.kind === 'rate')
    return { shortest: schedule.intervalSeconds, longest: schedule.intervalSeconds };
  const zone = zoneOf(schedule);
  if (zone !== undefined) return zonedIntervalStats(schedule, zone, from);
  // Every fire day has the same times of day, so gaps are either within a day or from the last time of
  // one fire day to the first time of the next: the work is bounded by days, not by fires.
  const times = timesOfDay(schedule);
  const firstTime = times[0] ?? 0;
  const lastTime = times.at(-1) ?? 0;
  let { shortest, longest } = gapsWithinDay(times);
  const fromDay = Math.floor(from.getTime() / 86_400_000);
  let previous: number | undefined;
  let fires = 0;
  let fireDayCount = 0;
  for (const day of fireDays(schedule, fromDay)) {
    fires += times.length;
    if (previous !== undefined) {
      const gap = (day - previous) * MINUTES_PER_DAY + firstTime - lastTime;
      shortest = Math.min(shortest, gap);
      longest = Math.max(longest, gap);
    }
    previous = day;
    fireDayCount++;
    if (day > fromDay + LOOKAHEAD_DAYS && fireDayCount >= 2) break;
  }
  if (fires < 2) return { shortest: Number.POSITIVE_INFINITY, longest: Number.POSITIVE_INFINITY };
  return { shortest: shortest * 60, longest: longest * 60 };
}

/** Whether the zone's offset changes anywhere near local day `day` (its instants lie within 14 hours of it). */
function offsetChangesNear(zone: string, day: number): boolean {
  const start = day * MINUTES_PER_DAY;
  return offsetChanges(zone, start - MINUTES_PER_DAY, start + 2 * MINUTES_PER_DAY).length > 0;
}

/**
 * `intervalStats` of a zoned cron schedule, over real instants: a day without an offset change has the
 * same gaps as its times of day, so only those days' first and last fires and the days around an offset
 * change are mapped one by one. A repeated local time may run at either of its instants (Scheduler does
 * not say which): the longest gap allows for both, the shortest takes the first.
 */
function zonedIntervalStats(
  schedule: CronSchedule,
  zone: string,
  from: Date,
): { shortest: number; longest: number } {
  const times = timesOfDay(schedule);
  const { shortest: withinShortest, longest: withinLongest } = gapsWithinDay(times);
  let shortest = Number.POSITIVE_INFINITY;
  let longest = 0;
  let plainDays = 0;
  const between = (a: ZonedFire, b: ZonedFire) => {
    shortest = Math.min(shortest, b.first - a.first);
    longest = Math.max(longest, b.last - a.first);
  };
  const fromDay = Math.floor(localMinute(zone, Math.floor(from.getTime() / MINUTE_MS)) / MINUTES_PER_DAY);
  let previous: ZonedFire | undefined;
  let fires = 0;
  let fireDayCount = 0;
  for (const day of fireDays(schedule, fromDay)) {
    const start = day * MINUTES_PER_DAY;
    let dayFires: ZonedFire[];
    if (!offsetChangesNear(zone, day)) {
      const offset = offsetMinutes(zone, start);
      const at = (time: number) => ({ first: start + time - offset, last: start + time - offset });
      dayFires = [at(times[0] ?? 0), at(times.at(-1) ?? 0)];
      fires += times.length;
      plainDays++;
    } else {
      dayFires = [];
      for (const time of times) {
        const instants = instantsOfLocal(zone, start + time);
        const first = instants[0];
        if (first === undefined) continue;
        const fire = { first, last: instants.at(-1) ?? first };
        const last = dayFires.at(-1);
        if (last) between(last, fire);
        dayFires.push(fire);
      }
      fires += dayFires.length;
    }
    const [firstFire] = dayFires;
    if (firstFire === undefined) continue;
    if (previous !== undefined) between(previous, firstFire);
    previous = dayFires.at(-1);
    fireDayCount++;
    if (day > fromDay + LOOKAHEAD_DAYS && fireDayCount >= 2) break;
  }
  if (plainDays > 0 && times.length > 1) {
    shortest = Math.min(shortest, withinShortest);
    longest = Math.max(longest, withinLongest);
  }
  if (fires < 2) return { shortest: Number.POSITIVE_INFINITY, longest: Number.POSITIVE_INFINITY };
  return { shortest: shortest * 60, longest: longest * 60 };
}

/**
 * The longest gap between consecutive fires over the ~400 days from `from` (and up to the first fire after
 * them, however far: `cron(0 0 29 2 ? *)` gives 4 years), in seconds; `Infinity` when the schedule fires
 * fewer than twice from then on. For "overdue" checks and alarms.
 * Example: `longestIntervalSeconds('cron(0 3 ? * MON-FRI *)')` → `259200` (Friday 03:00 to Monday 03:00)
 */
export function longestIntervalSeconds(expression: string | Schedule, from: Date = new Date()): number {
  return intervalStats(toSchedule(expression), from).longest;
}

/**
 * The shortest gap between consecutive fires over the same window as `longestIntervalSeconds`, in seconds.
 * Example: `shortestIntervalSeconds('cron(0,30 3 * * ? *)')` → `1800`
 */
export function shortestIntervalSeconds(expression: string | Schedule, from: Date = new Date()): number {
  return intervalStats(toSchedule(expression), from).shortest;
}

/** A change of a schedule's zone offset and the fires it moves off the clock. */
export interface DaylightSavingChange {
  /** The first instant of the new offset. */
  at: Date;
  /** The zone's UTC offset before and after, in minutes. */
  offsetBefore: number;
  offsetAfter: number;
  /**
   * Local fire times (`yyyy-mm-ddThh:mm`) the clocks jump over: EventBridge Scheduler skips these runs
   * ("your schedule invocation gets skipped").
   */
  skipped: string[];
  /**
   * Local fire times the clocks show twice: EventBridge Scheduler runs each once ("runs only once and
   * doesn't repeat its invocation"), at one of its two instants.
   */
  repeated: string[];
}

/**
 * The offset changes of a zoned cron schedule's zone from `from` up to `until`, each with the schedule's
 * local fire times that do not exist that day (skipped) or happen twice (run once). Empty for a UTC or
 * rate() schedule.
 * Example: `daylightSavingChanges(parseSchedule('cron(30 2 * * ? *)', 'Europe/Berlin'), new Date('2026-03-28Z'), new Date('2026-03-31Z'))`
 *   → `[{ at: 2026-03-29T01:00Z, offsetBefore: 60, offsetAfter: 120, skipped: ['2026-03-29T02:30'], repeated: [] }]`
 */
export function daylightSavingChanges(
  expression: string | Schedule,
  from: Date,
  until: Date,
): DaylightSavingChange[] {
  const schedule = toSchedule(expression);
  const zone = zoneOf(schedule);
  if (zone === undefined) return [];
  const fromMinute = Math.floor(from.getTime() / MINUTE_MS);
  const untilMinute = Math.floor(until.getTime() / MINUTE_MS);
  const local = (minute: number) => new Date(minute * MINUTE_MS).toISOString().slice(0, 16);
  return offsetChanges(zone, fromMinute, untilMinute).map((change) => {
    // Spring forward: local [at + before, at + after) never shows. Fall back: [at + after, at + before) twice.
    const low = change.at + Math.min(change.before, change.after);
    const high = change.at + Math.max(change.before, change.after);
    const affected: string[] = [];
    for (const minute of wallFireMinutes(schedule, low)) {
      if (minute >= high) break;
      affected.push(local(minute));
    }
    const forward = change.after > change.before;
    return {
      at: new Date(change.at * MINUTE_MS),
      offsetBefore: change.before,
      offsetAfter: change.after,
      skipped: forward ? affected : [],
      repeated: forward ? [] : affected,
    };
  });
}
