// Seam: `docdb-backup plan --offline` in-process (cli/commands/plan.ts) for policies with a
// `timezone`: next runs in the zone and in UTC, and the daylight-saving changes among them said the way
// EventBridge Scheduler handles them (a local time that does not exist is skipped, a repeated one runs
// once). Europe/Berlin springs forward on 2026-03-29 and falls back on 2026-10-25.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, tempDir } from './support.js';

const POLICIES = `version: 1
defaults:
  regions: [eu-central-1]
policies:
  - name: berlin
    schedule: cron(30 2 * * ? *)
    timezone: Europe/Berlin
    clusters: { identifiers: [orders] }
  - name: four-am
    schedule: cron(0 4 * * ? *)
    timezone: Europe/Berlin
    clusters: { identifiers: [orders] }
  - name: utc
    schedule: cron(30 2 * * ? *)
    clusters: { identifiers: [orders] }
`;

const file = join(tempDir({ 'policies.yml': POLICIES }), 'policies.yml');
const plan = (at: string, ...more: string[]) =>
  run(['plan', '--offline', '--file', file, '--at', at, ...more]);

describe('plan: policies in a time zone', () => {
  it('shows the next runs in the zone and in UTC, and flags a local time that does not exist (skipped)', async () => {
    const out = await plan('2026-03-28T00:00Z', '--policy', 'berlin');

    expect(out.code).toBe(0);
    expect(out.stdout).toBe(
      [
        'berlin  cron(30 2 * * ? *)  Europe/Berlin  eu-central-1',
        '  windows  start within 8h of the slot, available within 1d of the start',
        '  next runs (Europe/Berlin)  2026-03-28 02:30 +01:00  2026-03-30 02:30 +02:00  2026-03-31 02:30 +02:00',
        '  next runs (UTC)            2026-03-28 01:30  2026-03-30 00:30  2026-03-31 00:30',
        '  daylight saving  2026-03-29: the clocks go forward from 02:00 to 03:00 (UTC+01:00 to UTC+02:00): ' +
          '02:30 does not exist that day, EventBridge Scheduler skips that run',
        '  clusters: not read (--offline)',
        '',
      ].join('\n'),
    );
  });

  it('flags a local time that happens twice on a fall-back day: Scheduler runs it once', async () => {
    const out = await plan('2026-10-24T00:00Z', '--policy', 'berlin');

    expect(out.stdout).toContain(
      '  next runs (Europe/Berlin)  2026-10-24 02:30 +02:00  2026-10-25 02:30 +02:00  2026-10-26 02:30 +01:00\n' +
        '  next runs (UTC)            2026-10-24 00:30  2026-10-25 00:30  2026-10-26 01:30\n',
    );
    expect(out.stdout).toContain(
      '  daylight saving  2026-10-25: the clocks go back from 03:00 to 02:00 (UTC+02:00 to UTC+01:00): 02:30 ' +
        'happens twice (UTC+02:00, then UTC+01:00), EventBridge Scheduler runs it once',
    );
  });

  it('flags a change no run falls into, since it moves the runs in UTC', async () => {
    const out = await plan('2026-03-28T00:00Z', '--policy', 'four-am');

    expect(out.stdout).toContain(
      '  next runs (UTC)            2026-03-28 03:00  2026-03-29 02:00  2026-03-30 02:00\n',
    );
    expect(out.stdout).toContain(
      '  daylight saving  2026-03-29: the clocks go forward from 02:00 to 03:00 (UTC+01:00 to UTC+02:00); no run ' +
        'falls into the change\n',
    );
  });

  it('shows no change when none lies among the next runs, and a UTC policy as before', async () => {
    const out = await plan('2026-06-01T00:00Z');

    expect(out.stdout).not.toContain('daylight saving');
    expect(out.stdout).toContain(
      'utc  cron(30 2 * * ? *)  eu-central-1\n  windows  start within 8h of the slot, available within 1d of the start\n' +
        '  next runs (UTC)  2026-06-01 02:30  2026-06-02 02:30  2026-06-03 02:30\n',
    );
  });

  it('gives the zone, local times and changes in --json, with the slot in UTC', async () => {
    const out = await plan('2026-03-28T00:00Z', '--json');
    const policies = JSON.parse(out.stdout).policies as Record<string, unknown>[];

    expect(policies[0]).toMatchObject({
      name: 'berlin',
      timezone: 'Europe/Berlin',
      nextRuns: ['2026-03-28T01:30:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z'],
      nextRunsLocal: ['2026-03-28T02:30+01:00', '2026-03-30T02:30+02:00', '2026-03-31T02:30+02:00'],
      daylightSaving: [
        {
          at: '2026-03-29T01:00:00.000Z',
          offsetBefore: '+01:00',
          offsetAfter: '+02:00',
          skipped: ['2026-03-29T02:30'],
          repeated: [],
        },
      ],
      slot: '2026-03-28T01:30:00.000Z',
    });
    expect(policies[2]).toMatchObject({
      name: 'utc',
      timezone: null,
      nextRunsLocal: null,
      daylightSaving: [],
    });
  });
});
