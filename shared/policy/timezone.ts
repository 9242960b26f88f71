/**
 * IANA time zones for schedules, read from Node's own ICU data through `Intl` (Node 20 and Lambda's
 * nodejs22.x both ship full ICU): which names are valid, the closest valid names to a typo, the UTC offset
 * of a zone at an instant, and the UTC instants of a local wall-clock time (none in a daylight-saving gap,
 * two in an overlap). Times are whole minutes since the Unix epoch; a "local minute" counts the zone's wall
 * clock the same way (its calendar read as if it were UTC).
 *
 * Assumption, true of every zone since 1970: a zone changes its offset at most once within 28 hours.
 */
import { editDistance } from './text.js';

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;
/** Wider than any UTC offset (−12 h … +14 h) plus a transition's shift, so a local time's instants lie inside. */
const SEARCH_MINUTES = 28 * 60;

/** Names written the way the IANA database writes them: `Area/Location[/More]`, each part capitalised. */
const AREA_LOCATION = /^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)+$/;

let knownNames: readonly string[] | undefined;
let knownSet: ReadonlySet<string> | undefined;

/**
 * Every time zone name ICU lists (`Intl.supportedValuesOf('timeZone')`) plus `UTC`, sorted. ICU lists each
 * zone once under its own canonical name (`Asia/Calcutta`, `Europe/Kiev`); newer IANA names of the same
 * zones (`Asia/Kolkata`, `Europe/Kyiv`) are valid too (see `timeZoneProblem`).
 * Example: `timeZoneNames().includes('Europe/Berlin')` → `true`
 */
export function timeZoneNames(): readonly string[] {
  knownNames ??= [...new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])].sort();
  return knownNames;
}

function isListed(name: string): boolean {
  knownSet ??= new Set(timeZoneNames());
  return knownSet.has(name);
}

/** The zone `Intl` resolves `name` to, or undefined when it knows no such zone. */
function resolvedZone(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** What is wrong with a time zone name, for a policy error; undefined when it is valid. */
export interface TimeZoneProblem {
  /** Why it is refused, completing "expected an IANA time zone name such as Europe/Berlin, found X …". */
  reason: string;
  /** The closest valid names, best first (at most three; may be empty). */
  suggestions: string[];
}

/**
 * Why `name` is not a time zone a schedule can use, or undefined when it is: `UTC`, or an IANA
 * `Area/Location` name ICU knows (its own or a link to it: `Asia/Kolkata`), spelt with the IANA capitals.
 * Abbreviations and legacy names (`CET`, `EST`, `GMT`) are refused: they do not say which region's
 * daylight-saving rules apply.
 * Example: `timeZoneProblem('Europe/Berln')` → `{ reason: 'an unknown zone', suggestions: ['Europe/Berlin'] }`
 */
export function timeZoneProblem(name: string): TimeZoneProblem | undefined {
  if (name === 'UTC' || isListed(name)) return undefined;
  const resolved = resolvedZone(name);
  if (resolved === undefined) return { reason: 'an unknown zone', suggestions: suggestTimeZones(name) };
  const capitals = { reason: 'a zone written with other capitals than IANA uses', suggestions: [resolved] };
  if (resolved !== name && resolved.toLowerCase() === name.toLowerCase()) return capitals;
  if (AREA_LOCATION.test(name)) return undefined;
  if (name.includes('/')) return capitals;
  return {
    reason: 'an abbreviation or legacy name, which does not say which region’s daylight-saving rules apply',
    suggestions: resolved === 'UTC' ? ['UTC'] : [],
  };
}

/** Comparable text: lowercase, spaces as the database's underscores. */
function normal(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, '_');
}

function lastPart(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/**
 * Up to `max` valid names closest to a mistyped one, best first: by the whole name, or by its city alone
 * (`Berlin` and `America/Berlin` both find `Europe/Berlin`).
 * Example: `suggestTimeZones('America/New York')` → `['America/New_York']`
 */
export function suggestTimeZones(name: string, max = 3): string[] {
  const wanted = normal(name);
  const wantedCity = lastPart(wanted);
  const allowed = Math.max(2, Math.floor(wantedCity.length / 4));
  const scored: { name: string; distance: number }[] = [];
  for (const candidate of timeZoneNames()) {
    const whole = editDistance(wanted, candidate.toLowerCase());
    const city = editDistance(wantedCity, lastPart(candidate).toLowerCase()) + (wanted.includes('/') ? 1 : 0);
    const distance = Math.min(whole, city);
    if (distance <= allowed) scored.push({ name: candidate, distance });
  }
  return scored
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, max)
    .map((s) => s.name);
}

// ---- offsets ------------------------------------------------------------------------------------------------

interface ZoneClock {
  format: Intl.DateTimeFormat;
  /** Offset (minutes) at the start of each UTC day looked at, by day number. */
  dayStart: Map<number, number>;
  /** The first minute of the new offset, for UTC days in which the offset changes. */
  change: Map<number, number>;
}

const clocks = new Map<string, ZoneClock>();
/** A bound on what one zone's caches may hold (a lookahead of a few years is a few thousand entries). */
const MAX_CACHED_DAYS = 200_000;

function clockOf(zone: string): ZoneClock {
  let clock = clocks.get(zone);
  if (!clock) {
    clock = {
      format: new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
      }),
      dayStart: new Map(),
      change: new Map(),
    };
    clocks.set(zone, clock);
  }
  if (clock.dayStart.size > MAX_CACHED_DAYS) {
    clock.dayStart.clear();
    clock.change.clear();
  }
  return clock;
}

/** The offset at one minute, asked of ICU (a few microseconds). */
function exactOffset(clock: ZoneClock, minute: number): number {
  const parts: Record<string, string> = {};
  for (const part of clock.format.formatToParts(minute * MINUTE_MS)) parts[part.type] = part.value;
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
  );
  return Math.round(wall / MINUTE_MS) - minute;
}

function offsetAtDayStart(clock: ZoneClock, day: number): number {
  let offset = clock.dayStart.get(day);
  if (offset === undefined) {
    offset = exactOffset(clock, day * DAY_MINUTES);
    clock.dayStart.set(day, offset);
  }
  return offset;
}

/** The first minute of `day` with the next day's offset (binary search; the offset changes once at most). */
function changeMinute(clock: ZoneClock, day: number, after: number): number {
  let change = clock.change.get(day);
  if (change === undefined) {
    let low = day * DAY_MINUTES;
    let high = low + DAY_MINUTES;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (exactOffset(clock, middle) === after) high = middle;
      else low = middle;
    }
    change = high;
    clock.change.set(day, change);
  }
  return change;
}

/**
 * The UTC offset of `zone` at an instant, in minutes (local = UTC + offset).
 * Example: `offsetMinutes('Europe/Berlin', Date.UTC(2026, 6, 1) / 60_000)` → `120`
 */
export function offsetMinutes(zone: string, minute: number): number {
  const clock = clockOf(zone);
  const day = Math.floor(minute / DAY_MINUTES);
  const start = offsetAtDayStart(clock, day);
  const next = offsetAtDayStart(clock, day + 1);
  if (start === next) return start;
  return minute < changeMinute(clock, day, next) ? start : next;
}

/**
 * The zone's wall-clock minute at an instant.
 * Example: `localMinute('Europe/Berlin', Date.UTC(2026, 0, 1) / 60_000)` → the minute of 2026-01-01T01:00 "as UTC"
 */
export function localMinute(zone: string, minute: number): number {
  return minute + offsetMinutes(zone, minute);
}

/**
 * The instants (UTC minutes, ascending) at which the zone's clock shows `local`: one; none when the clocks
 * skip that time (spring forward); two when they show it twice (fall back).
 * Example: `instantsOfLocal('Europe/Berlin', <2026-03-29T02:30 as UTC>)` → `[]`
 */
export function instantsOfLocal(zone: string, local: number): number[] {
  const before = offsetMinutes(zone, local - SEARCH_MINUTES);
  const after = offsetMinutes(zone, local + SEARCH_MINUTES);
  const found: number[] = [];
  for (const offset of before === after ? [before] : [before, after]) {
    const instant = local - offset;
    if (offsetMinutes(zone, instant) === offset && !found.includes(instant)) found.push(instant);
  }
  return found.sort((a, b) => a - b);
}

/** A change of a zone's UTC offset. */
export interface OffsetChange {
  /** The first instant (UTC minute) of the new offset. */
  at: number;
  before: number;
  after: number;
}

/**
 * Every offset change of `zone` from instant `from` up to `to` (UTC minutes), in order.
 * Example: `offsetChanges('Europe/Berlin', <2026-01-01>, <2027-01-01>)` → the March and October changes
 */
export function offsetChanges(zone: string, from: number, to: number): OffsetChange[] {
  const clock = clockOf(zone);
  const changes: OffsetChange[] = [];
  for (let day = Math.floor(from / DAY_MINUTES); day * DAY_MINUTES <= to; day++) {
    const before = offsetAtDayStart(clock, day);
    const after = offsetAtDayStart(clock, day + 1);
    if (before === after) continue;
    const at = changeMinute(clock, day, after);
    if (at >= from && at <= to) changes.push({ at, before, after });
  }
  return changes;
}

/**
 * An offset as text: `+01:00`, `-03:30`, `+00:00`.
 * Example: `formatOffset(-210)` → `'-03:30'`
 */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * An instant as the zone's local time with its offset, to the minute: `2026-03-29T03:30+02:00`.
 * Example: `formatLocal('Europe/Berlin', new Date('2026-03-29T01:30Z'))` → `'2026-03-29T03:30+02:00'`
 */
export function formatLocal(zone: string, time: Date): string {
  const minute = Math.floor(time.getTime() / MINUTE_MS);
  const offset = offsetMinutes(zone, minute);
  return `${new Date((minute + offset) * MINUTE_MS).toISOString().slice(0, 16)}${formatOffset(offset)}`;
}
