// Seam: shared/policy's loader (schema.ts, validate.ts, resolve.ts) for the backup lifecycle — each
// policy's start and completion windows and the file's reconcile schedule: policy text in, resolved
// `windows` and `reconcile`, or problems at file:line:column, out.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RECONCILE,
  DEFAULT_WINDOWS,
  type PolicyProblem,
  parsePolicyFile,
  resolvePolicies,
  resolveReconcile,
  validatePolicyFile,
} from '../../../shared/policy/index.js';
import { defaultStartWindowMinutes } from '../../../shared/policy/limits.js';

const FILE = 'config/policies.yml';
const NOW = new Date('2025-06-01T00:00:00Z');

/** The file's lines joined; line N of the file is argument N. */
const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

/** Lines 1–4 of most files below; the first policy starts on line 5. */
const HEAD = ['version: 1', 'defaults:', '  regions: [us-east-1]', 'policies:'];

/** A valid policy, 3 lines: name, schedule, clusters; `extra` lines follow. */
const policy = (name: string, schedule: string, ...extra: string[]) => [
  `  - name: ${name}`,
  `    schedule: ${schedule}`,
  `    clusters: { identifiers: [${name}-db] }`,
  ...extra,
];

const check = (text: string) => validatePolicyFile(text, FILE, { now: NOW });
const errorsOf = (text: string): PolicyProblem[] =>
  check(text).problems.filter((p) => p.severity === 'error');
const windowsOf = (text: string) =>
  Object.fromEntries(parsePolicyFile(text, FILE, { now: NOW }).map((p) => [p.name, p.windows]));

describe('windows: resolution', () => {
  it('takes each window from the policy, then defaults, then the built-in default', () => {
    const text = yaml(
      'version: 1',
      'defaults:',
      '  regions: [us-east-1]',
      '  startWindowMinutes: 120',
      '  completionWindowMinutes: 600',
      'policies:',
      ...policy('own', 'cron(0 3 * * ? *)', '    startWindowMinutes: 30', '    completionWindowMinutes: 90'),
      ...policy('start-only', 'cron(0 4 * * ? *)', '    startWindowMinutes: 45'),
      ...policy('inherits', 'cron(0 5 * * ? *)'),
    );

    expect(windowsOf(text)).toEqual({
      own: { startMinutes: 30, completionMinutes: 90 },
      'start-only': { startMinutes: 45, completionMinutes: 600 },
      inherits: { startMinutes: 120, completionMinutes: 600 },
    });
    expect(windowsOf(yaml(...HEAD, ...policy('nightly', 'cron(0 3 * * ? *)')))).toEqual({
      nightly: { startMinutes: 480, completionMinutes: 1440 },
    });
    expect(DEFAULT_WINDOWS).toEqual({ startMinutes: 480, completionMinutes: 1440 });
  });

  it('defaults the start window to the shortest interval between runs when that is under 8 hours', () => {
    const text = yaml(
      ...HEAD,
      ...policy('hourly', 'rate(1 hour)'),
      ...policy('six-hourly', 'cron(15 0/6 * * ? *)'),
      ...policy('twice', 'cron(0,30 3 * * ? *)'),
      ...policy('minutely', 'rate(1 minute)'),
      ...policy('daily', 'rate(1 day)'),
      ...policy('weekdays', 'cron(0 3 ? * MON-FRI *)'),
    );

    expect(windowsOf(text)).toEqual({
      hourly: { startMinutes: 60, completionMinutes: 1440 },
      'six-hourly': { startMinutes: 360, completionMinutes: 1440 },
      twice: { startMinutes: 30, completionMinutes: 1440 },
      minutely: { startMinutes: 1, completionMinutes: 1440 },
      daily: { startMinutes: 480, completionMinutes: 1440 },
      weekdays: { startMinutes: 480, completionMinutes: 1440 },
    });
  });

  it("measures the shortest interval in the policy's time zone (a daylight-saving day brings runs closer)", () => {
    // 01:30 and 03:30 are 2 hours apart, but on the day Berlin skips 02:00–03:00 they are 1 hour apart.
    const text = yaml(
      'version: 1',
      'defaults:',
      '  regions: [us-east-1]',
      '  timezone: Europe/Berlin',
      'policies:',
      ...policy('berlin', 'cron(30 1,3 * * ? *)'),
      ...policy('utc', 'cron(30 1,3 * * ? *)', '    timezone: UTC'),
    );

    expect(windowsOf(text)).toEqual({
      berlin: { startMinutes: 60, completionMinutes: 1440 },
      utc: { startMinutes: 120, completionMinutes: 1440 },
    });
  });

  it('floors the shortest interval to whole minutes, at least 1, and keeps 480 for a schedule with no next run', () => {
    expect(defaultStartWindowMinutes(3600)).toBe(60);
    expect(defaultStartWindowMinutes(90)).toBe(1);
    expect(defaultStartWindowMinutes(30)).toBe(1);
    expect(defaultStartWindowMinutes(86_400)).toBe(480);
    expect(defaultStartWindowMinutes(Number.POSITIVE_INFINITY)).toBe(480);
  });

  it('resolves plain data the same way, at the reference time given', () => {
    const [resolved] = resolvePolicies(
      {
        version: 1,
        policies: [
          { name: 'a', schedule: 'rate(2 hours)', regions: ['us-east-1'], clusters: { identifiers: ['x'] } },
        ],
      },
      { now: NOW },
    );

    expect(resolved?.windows).toEqual({ startMinutes: 120, completionMinutes: 1440 });
  });
});

describe('windows: a start window longer than the shortest interval between runs', () => {
  it('is an error at the policy’s own value, naming the interval and what to do', () => {
    const text = yaml(...HEAD, ...policy('hourly', 'rate(1 hour)', '    startWindowMinutes: 90'));

    expect(errorsOf(text)).toEqual([
      {
        file: FILE,
        line: 8,
        column: 25,
        policy: 'hourly',
        path: 'startWindowMinutes',
        severity: 'error',
        message:
          "expected a start window no longer than the shortest interval between the policy's runs (60 minutes, " +
          'rate(1 hour)), found 90 minutes: a pending job would still be retried when the next run starts; set ' +
          'startWindowMinutes to 60 or less (or remove it: the built-in default is then 60)',
      },
    ]);
    expect(check(text).policies).toBeUndefined();
  });

  it('accepts a start window equal to the shortest interval', () => {
    expect(
      errorsOf(yaml(...HEAD, ...policy('hourly', 'rate(1 hour)', '    startWindowMinutes: 60'))),
    ).toEqual([]);
  });

  it('names the zone of a zoned schedule, and does not offer the built-in default when defaults set one', () => {
    const text = yaml(
      'version: 1',
      'defaults:',
      '  regions: [us-east-1]',
      '  startWindowMinutes: 30',
      'policies:',
      ...policy(
        'berlin',
        'cron(30 1,3 * * ? *)',
        '    timezone: Europe/Berlin',
        '    startWindowMinutes: 90',
      ),
    );

    expect(errorsOf(text)).toEqual([
      expect.objectContaining({
        line: 10,
        column: 25,
        policy: 'berlin',
        path: 'startWindowMinutes',
        message:
          "expected a start window no longer than the shortest interval between the policy's runs (60 minutes, " +
          'cron(30 1,3 * * ? *) in Europe/Berlin), found 90 minutes: a pending job would still be retried when ' +
          'the next run starts; set startWindowMinutes to 60 or less',
      }),
    ]);
  });

  it('is one error at defaults.startWindowMinutes naming every policy that inherits it and is too frequent', () => {
    const text = yaml(
      'version: 1',
      'defaults:',
      '  regions: [us-east-1]',
      '  startWindowMinutes: 120',
      'policies:',
      ...policy('hourly', 'rate(1 hour)'),
      ...policy('nightly', 'cron(0 3 * * ? *)'),
      ...policy('own-window', 'rate(30 minutes)', '    startWindowMinutes: 20'),
      ...policy('quarter', 'rate(15 minutes)'),
    );

    expect(errorsOf(text)).toEqual([
      {
        file: FILE,
        line: 4,
        column: 23,
        path: 'defaults.startWindowMinutes',
        severity: 'error',
        message:
          'expected a start window no longer than the shortest interval between the runs of each policy that ' +
          'inherits it, found 120 minutes, longer than that of policy "hourly" (60 minutes, rate(1 hour)), ' +
          '"quarter" (15 minutes, rate(15 minutes)): a pending job would still be retried when the policy\'s ' +
          'next run starts; set defaults.startWindowMinutes to 15 or less, or set startWindowMinutes in those ' +
          'policies',
      },
    ]);
  });

  it('names at most three policies of a defaults error, then counts the rest', () => {
    const text = yaml(
      'version: 1',
      'defaults:',
      '  regions: [us-east-1]',
      '  startWindowMinutes: 480',
      'policies:',
      ...['a', 'b', 'c', 'd', 'e'].flatMap((name) => policy(name, 'rate(1 hour)')),
    );

    const [error] = errorsOf(text);

    expect(error?.message).toContain('"c" (60 minutes, rate(1 hour)) and 2 more: ');
  });
});

describe('windows: bounds', () => {
  it('refuses 0, more than 7 days and fractions, in a policy and in defaults, at the value', () => {
    const text = yaml(
      'version: 1',
      'defaults:',
      '  regions: [us-east-1]',
      '  completionWindowMinutes: 0',
      'policies:',
      ...policy('a', 'rate(1 day)', '    startWindowMinutes: 1.5', '    completionWindowMinutes: 10081'),
      ...policy('b', 'rate(1 day)', '    startWindowMinutes: "60"'),
    );

    expect(errorsOf(text).map((p) => [p.line, p.column, p.policy, p.path, p.message])).toEqual([
      [4, 28, undefined, 'defaults.completionWindowMinutes', 'expected 1 to 10080 minutes (7 days), found 0'],
      [9, 25, 'a', 'startWindowMinutes', 'expected a whole number of minutes, found 1.5'],
      [10, 30, 'a', 'completionWindowMinutes', 'expected 1 to 10080 minutes (7 days), found 10081'],
      [14, 25, 'b', 'startWindowMinutes', 'expected a number, found "60"'],
    ]);
  });

  it('accepts 1 and 10080', () => {
    const text = yaml(
      ...HEAD,
      ...policy(
        'weekly',
        'rate(7 days)',
        '    startWindowMinutes: 10080',
        '    completionWindowMinutes: 10080',
      ),
      ...policy('quick', 'rate(1 day)', '    startWindowMinutes: 1', '    completionWindowMinutes: 10'),
    );

    expect(windowsOf(text)).toEqual({
      weekly: { startMinutes: 10080, completionMinutes: 10080 },
      quick: { startMinutes: 1, completionMinutes: 10 },
    });
  });
});

describe('reconcile: the schedule', () => {
  it('defaults to rate(10 minutes), on the loaded list and in the validation result', () => {
    const text = yaml(...HEAD, ...policy('nightly', 'cron(0 3 * * ? *)'));

    expect(parsePolicyFile(text, FILE).reconcile).toEqual({
      schedule: 'rate(10 minutes)',
      maxCopiesInFlight: 5,
    });
    expect(check(text).reconcile).toEqual({ schedule: 'rate(10 minutes)', maxCopiesInFlight: 5 });
    expect(resolveReconcile({ reconcile: {} })).toEqual(DEFAULT_RECONCILE);
  });

  it('takes the file’s reconcile.schedule, and keeps the list a plain list', () => {
    const text = yaml(
      'version: 1',
      'defaults: { regions: [us-east-1] }',
      'reconcile:',
      '  schedule: rate(5 minutes)',
      'policies:',
      ...policy('nightly', 'cron(0 3 * * ? *)'),
    );

    const policies = parsePolicyFile(text, FILE);

    expect(policies.reconcile).toEqual({ schedule: 'rate(5 minutes)', maxCopiesInFlight: 5 });
    expect(Object.keys(policies)).toEqual(['0']);
    expect(JSON.parse(JSON.stringify(policies))).toHaveLength(1);
  });

  it('reports a schedule EventBridge would refuse at its value', () => {
    const text = yaml(
      ...HEAD.slice(0, 3),
      'reconcile:',
      '  schedule: cron(0 3 * * * *)',
      'policies:',
      ...policy('nightly', 'cron(0 3 * * ? *)'),
    );

    expect(errorsOf(text)).toEqual([
      {
        file: FILE,
        line: 5,
        column: 13,
        path: 'reconcile.schedule',
        severity: 'error',
        message:
          'exactly one of day-of-month and day-of-week must be "?", found "*" and "*": set the one you do not mean to "?"',
      },
    ]);
  });

  it('refuses text that is not a schedule, a timezone (it runs in UTC) and a schedule that never fires again', () => {
    const text = yaml(
      ...HEAD.slice(0, 3),
      'reconcile:',
      '  schedule: every 10 minutes',
      '  timezone: Europe/Berlin',
      'policies:',
      ...policy('nightly', 'cron(0 3 * * ? *)'),
    );
    const over = yaml(
      ...HEAD.slice(0, 3),
      'reconcile: { schedule: cron(0 3 1 1 ? 2020) }',
      'policies:',
      ...policy('nightly', 'cron(0 3 * * ? *)'),
    );

    expect(errorsOf(text).map((p) => [p.line, p.column, p.path, p.message])).toEqual([
      [
        5,
        13,
        'reconcile.schedule',
        'expected an EventBridge schedule: rate(<value> <unit>) or cron(<6 fields>), found "every 10 minutes"',
      ],
      [6, 3, 'reconcile.timezone', 'unknown key "timezone": expected one of schedule, maxCopiesInFlight'],
    ]);
    expect(errorsOf(over)).toEqual([
      expect.objectContaining({
        line: 4,
        column: 24,
        path: 'reconcile.schedule',
        message:
          'expected a reconcile schedule that keeps firing, found "cron(0 3 1 1 ? 2020)", which never fires after ' +
          '2025-06-01T00:00:00.000Z (all its years are over): no job would be followed to the end; use a rate(), ' +
          'e.g. rate(10 minutes)',
      }),
    ]);
  });
});

describe('reconcile: passes further apart than a completion window', () => {
  it('is an error at reconcile.schedule naming the enabled policy with the shortest window', () => {
    const text = yaml(
      ...HEAD.slice(0, 3),
      'reconcile:',
      '  schedule: rate(2 hours)',
      'policies:',
      ...policy('a', 'rate(1 day)', '    completionWindowMinutes: 90'),
      ...policy('b', 'rate(1 day)', '    completionWindowMinutes: 60'),
      ...policy('off', 'rate(1 day)', '    enabled: false', '    completionWindowMinutes: 30'),
      ...policy('long', 'rate(1 day)'),
    );

    expect(errorsOf(text)).toEqual([
      {
        file: FILE,
        line: 5,
        column: 13,
        path: 'reconcile.schedule',
        severity: 'error',
        message:
          "expected a reconcile schedule that runs at least once within every enabled policy's completion window, " +
          'found rate(2 hours), up to 120 minutes between passes, longer than the completion window of policy "b" ' +
          '(60 minutes, line 14) and of 1 more policy: a snapshot could reach the end of its completion window ' +
          'without a pass seeing it; run the reconciler at least every 60 minutes, or lengthen ' +
          'completionWindowMinutes',
      },
    ]);
  });

  it('measures a cron schedule by its longest gap, and accepts passes exactly one window apart', () => {
    const head = (schedule: string) => [
      ...HEAD.slice(0, 3),
      `reconcile: { schedule: ${schedule} }`,
      'policies:',
    ];
    const window = '    completionWindowMinutes: 60';

    expect(errorsOf(yaml(...head('rate(1 hour)'), ...policy('a', 'rate(1 day)', window)))).toEqual([]);
    // Every 30 minutes from 08:00 to 17:30, then nothing until 08:00: 870 minutes apart at night.
    const [error] = errorsOf(yaml(...head('cron(0/30 8-17 * * ? *)'), ...policy('a', 'rate(1 day)', window)));
    expect(error).toMatchObject({ line: 4, column: 24, path: 'reconcile.schedule' });
    expect(error?.message).toContain('up to 870 minutes between passes');
  });

  it('blames a too-short completion window (own or in defaults) when reconcile.schedule is the default', () => {
    const text = yaml(
      'version: 1',
      'defaults:',
      '  regions: [us-east-1]',
      '  completionWindowMinutes: 5',
      'policies:',
      ...policy('a', 'rate(1 day)'),
      ...policy('b', 'rate(1 day)'),
      ...policy('c', 'rate(1 day)', '    completionWindowMinutes: 8'),
      ...policy('d', 'rate(1 day)', '    completionWindowMinutes: 10'),
    );

    expect(errorsOf(text)).toEqual([
      {
        file: FILE,
        line: 4,
        column: 28,
        path: 'defaults.completionWindowMinutes',
        severity: 'error',
        message:
          'expected a completion window at least as long as the longest interval between reconcile passes ' +
          '(rate(10 minutes), the default reconcile.schedule: up to 10 minutes between passes), found 5 minutes, ' +
          'inherited by policy "a" and 1 more: a snapshot could reach the end of its completion window without a ' +
          'pass seeing it; set defaults.completionWindowMinutes to 10 or more, or set reconcile.schedule to run ' +
          'more often',
      },
      {
        file: FILE,
        line: 15,
        column: 30,
        policy: 'c',
        path: 'completionWindowMinutes',
        severity: 'error',
        message:
          'expected a completion window at least as long as the longest interval between reconcile passes ' +
          '(rate(10 minutes), the default reconcile.schedule: up to 10 minutes between passes), found 8 minutes: ' +
          'a snapshot could reach the end of its completion window without a pass seeing it; set ' +
          'completionWindowMinutes to 10 or more, or set reconcile.schedule to run more often',
      },
    ]);
  });

  it('ignores disabled policies', () => {
    const text = yaml(
      ...HEAD.slice(0, 3),
      'reconcile: { schedule: rate(1 day) }',
      'policies:',
      ...policy('off', 'rate(1 day)', '    enabled: false', '    completionWindowMinutes: 30'),
      ...policy('on', 'rate(1 day)'),
    );

    expect(errorsOf(text)).toEqual([]);
  });
});
