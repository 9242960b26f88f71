/**
 * Times on the command line and on screen: `--at` values, UTC timestamps, ages and durations. Pure.
 */
import { parseInstant } from '../shared/planning/slot.js';
import { clip } from '../shared/policy/text.js';
import { UsageError } from './errors.js';

const ISO_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:\d{2})?$/i;

/**
 * Reads a `--at` value: an ISO-8601 time with a zone (`2026-11-28T03:00Z`, `…T04:00+01:00`); `now` for
 * the current time. A time without a zone is refused rather than guessed.
 * Example: `parseTimeFlag('2026-11-28T03:00Z', '--at', now).toISOString()` → `'2026-11-28T03:00:00.000Z'`
 */
export function parseTimeFlag(text: string, flag: string, now: Date, command?: string): Date {
  if (text.toLowerCase() === 'now') return now;
  const match = ISO_TIME.exec(text.trim());
  if (match && !match[3]) {
    throw new UsageError(
      `${flag} needs a time zone: write ${match[1]}T${match[2]}Z for UTC, or its offset such as ${match[1]}T${match[2]}+01:00, found "${clip(text)}"`,
      { command },
    );
  }
  // Refuses what Date would roll over (2026-02-30, T24:00, year 0000), like the function's event.
  const time = match ? parseInstant(`${match[1]}T${match[2]}${match[3]}`) : undefined;
  if (!time) {
    throw new UsageError(
      `${flag} expects an ISO-8601 time on a real calendar day such as 2026-11-28T03:00Z (or "now"), found "${clip(text)}"`,
      { command },
    );
  }
  return time;
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(s|sec|m|min|h)?$/i;

/**
 * Reads a duration flag in seconds: `90s`, `15m`, `1h`, or a bare number of minutes.
 * Example: `parseDurationFlag('90s', '--timeout')` → `90`
 */
export function parseDurationFlag(text: string, flag: string, command?: string): number {
  const match = DURATION.exec(text.trim());
  const value = Number(match?.[1]);
  if (!match || !Number.isFinite(value) || value <= 0) {
    throw new UsageError(`${flag} expects a duration such as 90s, 15m or 1h, found "${clip(text)}"`, {
      command,
    });
  }
  const unit = (match[2] ?? 'm').toLowerCase();
  return Math.round(value * (unit.startsWith('s') ? 1 : unit === 'h' ? 3600 : 60));
}

/**
 * A UTC time to the minute, for tables: `2026-11-28 03:00`.
 * Example: `formatUtc(new Date('2026-11-28T03:00:41Z'))` → `'2026-11-28 03:00'`
 */
export function formatUtc(time: Date): string {
  return time.toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * A length of time in its two largest units: `45s`, `12m`, `6h 14m`, `3d 2h`.
 * Example: `formatSpan(93_600)` → `'1d 2h'`
 */
export function formatSpan(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'never';
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours}h ${minutes % 60}m` : `${hours}h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days}d ${hours % 24}h` : `${days}d`;
}

/**
 * A short duration for progress lines: `0.3s`, `12.4s`, `2m 5s`.
 * Example: `formatDuration(2_345)` → `'2.3s'`
 */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}
