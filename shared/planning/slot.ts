/**
 * Slots: the whole-minute UTC instants a run is for. One rule for every entry point (the function's event,
 * the CLI's `--at`): a slot is a real calendar instant, and never more than five minutes ahead of the
 * clock, because retention and snapshot names are derived from it. Pure.
 */

/** How far ahead of the clock a slot may be (EventBridge can deliver a little early; clocks drift). */
export const MAX_SLOT_LEAD_MS = 5 * 60_000;

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|z|([+-])(\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Reads an ISO-8601 instant with a zone, refusing what `Date` would silently roll over: February 30,
 * `T24:00`, minute 60, year 0000, offsets past ±14:00. Undefined when it is not such an instant.
 * @example parseInstant('2026-11-28T04:00+01:00')?.toISOString() // '2026-11-28T03:00:00.000Z'
 * @example parseInstant('2026-02-30T03:00Z') // undefined
 */
export function parseInstant(text: string): Date | undefined {
  const m = ISO_INSTANT.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as number[];
  const second = Number(m[6] ?? 0);
  const offsetHours = Number(m[10] ?? 0);
  const offsetMinutes = Number(m[11] ?? 0);
  const valid =
    year! >= 1 &&
    month! >= 1 &&
    month! <= 12 &&
    day! >= 1 &&
    day! <= daysInMonth(year!, month!) &&
    hour! <= 23 &&
    minute! <= 59 &&
    second <= 59 &&
    offsetMinutes <= 59 &&
    offsetHours * 60 + offsetMinutes <= 14 * 60; // real offsets run from -12:00 to +14:00
  if (!valid) return undefined;
  const time = new Date(text.replace(' ', 'T').toUpperCase());
  return Number.isNaN(time.getTime()) ? undefined : time;
}

/**
 * Why `slot` cannot be run at `now`, or undefined when it can: a slot more than five minutes ahead of the
 * clock would name a snapshot for the future and age older snapshots out of retention.
 * @example slotProblem(new Date('2026-11-30T03:00Z'), new Date('2026-11-28T03:00Z')) // 'the slot 2026-11-30T03:00:00.000Z is 2880 minutes ahead …'
 */
export function slotProblem(slot: Date, now: Date): string | undefined {
  const lead = slot.getTime() - now.getTime();
  if (lead <= MAX_SLOT_LEAD_MS) return undefined;
  return (
    `the slot ${slot.toISOString()} is ${Math.ceil(lead / 60_000)} minutes ahead of the clock ` +
    `(${now.toISOString()}); a run may be at most ${MAX_SLOT_LEAD_MS / 60_000} minutes early: ` +
    'check the event time, or the clock of the machine that sent it'
  );
}
