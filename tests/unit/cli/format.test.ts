// Seam: the CLI's pure text helpers (cli/table.ts, style.ts, time.ts, output.ts): aligned tables,
// when to colour, times and durations on the command line and on screen.
import { describe, expect, it } from 'vitest';
import { bufferedOutput } from '../../../cli/io.js';
import { counted } from '../../../cli/output.js';
import { createStyle, stripAnsi, useColor, visibleWidth } from '../../../cli/style.js';
import { renderTable } from '../../../cli/table.js';
import {
  formatDuration,
  formatSpan,
  formatUtc,
  parseDurationFlag,
  parseTimeFlag,
} from '../../../cli/time.js';

const NOW = new Date('2026-11-28T09:15:30Z');

describe('renderTable', () => {
  it('aligns columns to their widest cell, two spaces apart, with no trailing spaces', () => {
    const lines = renderTable(
      [{ header: 'REGION' }, { header: 'CLUSTER' }, { header: 'AGE', align: 'right' }, { header: 'NOTE' }],
      [
        ['us-east-1', 'orders', '5h', ''],
        ['eu-west-1', 'customers-eu-prod', '1d 2h', 'fine'],
      ],
      { indent: '  ' },
    );

    expect(lines).toEqual([
      '  REGION     CLUSTER              AGE  NOTE',
      '  us-east-1  orders                5h',
      '  eu-west-1  customers-eu-prod  1d 2h  fine',
    ]);
  });

  it('does not count colour codes as width, and dims the header only when styled', () => {
    const style = createStyle(true);
    const lines = renderTable(
      [{ header: 'STATE' }, { header: 'CLUSTER' }],
      [
        [style.red('OVERDUE'), 'a'],
        ['ok', 'b'],
      ],
      {
        style,
      },
    );

    expect(lines.map(stripAnsi)).toEqual(['STATE    CLUSTER', 'OVERDUE  a', 'ok       b']);
    expect(lines[0]).toBe('\u001b[2mSTATE    CLUSTER\u001b[22m');
    expect(visibleWidth(lines[1] ?? '')).toBe(10);
  });

  it('leaves the header out when asked', () => {
    expect(renderTable([{ header: 'A' }, { header: 'B' }], [['1', '2']], { noHeader: true })).toEqual([
      '1  2',
    ]);
  });
});

describe('useColor', () => {
  const tty = bufferedOutput({ isTTY: true });
  const pipe = bufferedOutput({ isTTY: false });

  it('colours a terminal, not a pipe', () => {
    expect(useColor(tty, {})).toBe(true);
    expect(useColor(pipe, {})).toBe(false);
  });

  it('respects NO_COLOR, FORCE_COLOR and TERM=dumb', () => {
    expect(useColor(tty, { NO_COLOR: '1' })).toBe(false);
    expect(useColor(tty, { NO_COLOR: '' })).toBe(true);
    expect(useColor(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(useColor(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(useColor(tty, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
    expect(useColor(tty, { TERM: 'dumb' })).toBe(false);
  });

  it('leaves text alone when disabled', () => {
    expect(createStyle(false).red('failed')).toBe('failed');
    expect(createStyle(true).green('')).toBe('');
  });
});

describe('times', () => {
  it('reads --at as ISO-8601 with a zone, or "now"', () => {
    expect(parseTimeFlag('2026-11-28T03:00Z', '--at', NOW).toISOString()).toBe('2026-11-28T03:00:00.000Z');
    expect(parseTimeFlag('2026-11-28 04:00:30+01:00', '--at', NOW).toISOString()).toBe(
      '2026-11-28T03:00:30.000Z',
    );
    expect(parseTimeFlag('now', '--at', NOW)).toBe(NOW);
  });

  it('refuses a time without a zone rather than guessing, and nonsense', () => {
    expect(() => parseTimeFlag('2026-11-28T03:00', '--at', NOW)).toThrow(
      '--at needs a time zone: write 2026-11-28T03:00Z for UTC, or its offset such as 2026-11-28T03:00+01:00, found "2026-11-28T03:00"',
    );
    expect(() => parseTimeFlag('tomorrow', '--at', NOW)).toThrow(
      '--at expects an ISO-8601 time on a real calendar day such as 2026-11-28T03:00Z (or "now"), found "tomorrow"',
    );
    expect(() => parseTimeFlag('2026-02-30T03:00Z', '--at', NOW)).toThrow('--at expects an ISO-8601 time');
    expect(() => parseTimeFlag('2026-11-28T24:00Z', '--at', NOW)).toThrow('on a real calendar day');
    expect(() => parseTimeFlag('0000-11-28T03:00Z', '--at', NOW)).toThrow('on a real calendar day');
  });

  it('reads durations in seconds, minutes (the default unit) or hours', () => {
    expect(['90s', '15m', '15', '1h', '1.5h'].map((d) => parseDurationFlag(d, '--timeout'))).toEqual([
      90, 900, 900, 3600, 5400,
    ]);
    expect(() => parseDurationFlag('0m', '--timeout')).toThrow('--timeout expects a duration');
  });

  it('shows spans in their two largest units, durations to a tenth of a second, UTC to the minute', () => {
    expect([0, 59, 60, 3_600, 22_440, 86_400, 93_600, 108_000].map(formatSpan)).toEqual([
      '0s',
      '59s',
      '1m',
      '1h',
      '6h 14m',
      '1d',
      '1d 2h',
      '1d 6h',
    ]);
    expect(formatSpan(Number.POSITIVE_INFINITY)).toBe('never');
    expect([310, 12_345, 125_000].map(formatDuration)).toEqual(['0.3s', '12.3s', '2m 5s']);
    expect(formatUtc(NOW)).toBe('2026-11-28 09:15');
  });
});

describe('counted', () => {
  it('puts the noun in the plural unless there is exactly one', () => {
    expect([counted(0, 'error'), counted(1, 'error'), counted(2, 'policy', 'policies')]).toEqual([
      '0 errors',
      '1 error',
      '2 policies',
    ]);
  });
});
