// Seam: `timezone` in a policy file through shared/policy's loader (schema.ts, validate.ts, resolve.ts,
// timezone.ts): which names are accepted, how a refused one is reported (file:line:column, policy, key
// path, the closest valid names), how defaults apply, and the warnings a zone brings.
import { describe, expect, it } from 'vitest';
import {
  type PolicyProblem,
  suggestTimeZones,
  timeZoneProblem,
  validatePolicyFile,
} from '../../../shared/policy/index.js';

const FILE = 'config/policies.yml';
/** Before the 2026 changes of Europe/Berlin (March 29 and October 25). */
const NOW = new Date('2026-01-01T00:00:00Z');

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

/** Lines 1–4; the first policy starts on line 5. */
const HEAD = ['version: 1', 'defaults:', '  regions: [us-east-1]', 'policies:'];

/** A policy: name (line +0), schedule (+1, value at column 15), clusters (+2, +3), then `extra`. */
const policy = (name: string, schedule: string, ...extra: string[]) => [
  `  - name: ${name}`,
  `    schedule: ${schedule}`,
  '    clusters:',
  '      identifiers: [orders]',
  ...extra,
];

const check = (text: string) => validatePolicyFile(text, FILE, { now: NOW });

function onlyProblem(text: string): PolicyProblem {
  const { problems } = check(text);
  expect(problems, JSON.stringify(problems, null, 2)).toHaveLength(1);
  return problems[0]!;
}

describe('timezone: accepted names', () => {
  it.each([
    'Europe/Berlin',
    'America/New_York',
    'America/Argentina/Buenos_Aires',
    'Asia/Kolkata',
    'Europe/Kyiv',
    'UTC',
    'Etc/UTC',
  ])('accepts the IANA name %s', (zone) => {
    const result = check(yaml(...HEAD, ...policy('nightly', 'cron(0 4 * * ? *)', `    timezone: ${zone}`)));

    expect(result.problems).toEqual([]);
    expect(result.policies?.[0]?.timezone).toBe(zone);
  });

  it('resolves a policy without a zone to no zone at all (UTC, an EventBridge rule, as before)', () => {
    const result = check(yaml(...HEAD, ...policy('nightly', 'cron(0 3 * * ? *)')));

    expect(result.policies?.[0]).not.toHaveProperty('timezone');
  });

  it('takes defaults.timezone for policies without their own, and the policy’s own over it', () => {
    const text = yaml(
      'version: 1',
      'defaults:',
      '  regions: [us-east-1]',
      '  timezone: Europe/Berlin',
      'policies:',
      ...policy('inherits', 'cron(0 4 * * ? *)'),
      ...policy('own', 'cron(0 4 * * ? *)', '    timezone: America/New_York'),
    );

    const result = check(text);

    expect(result.problems).toEqual([]);
    expect(result.policies?.map((p) => [p.name, p.timezone])).toEqual([
      ['inherits', 'Europe/Berlin'],
      ['own', 'America/New_York'],
    ]);
  });
});

describe('timezone: refused names', () => {
  it('refuses a misspelt zone at its line and column, naming the policy and the closest valid name', () => {
    const problem = onlyProblem(
      yaml(...HEAD, ...policy('nightly', 'cron(0 4 * * ? *)', '    timezone: Europe/Berln')),
    );

    expect(problem).toMatchObject({
      file: FILE,
      line: 9,
      column: 15,
      policy: 'nightly',
      path: 'timezone',
      severity: 'error',
    });
    expect(problem.message).toBe(
      'expected an IANA time zone name such as Europe/Berlin or America/New_York, found "Europe/Berln": ' +
        'an unknown zone (did you mean "Europe/Berlin"?)',
    );
  });

  it('refuses a misspelt defaults.timezone at its own line, and its policies are not deployed in UTC silently', () => {
    const text = yaml(
      'version: 1',
      'defaults:',
      '  regions: [us-east-1]',
      '  timezone: Europe/Paaris',
      'policies:',
      ...policy('nightly', 'cron(0 4 * * ? *)'),
    );

    const result = check(text);

    expect(result.policies).toBeUndefined();
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ line: 4, column: 13, path: 'defaults.timezone' });
    expect(result.problems[0]!.message).toContain('(did you mean "Europe/Paris"?)');
  });

  it('suggests the zone of a city given alone, with spaces, or under the wrong area', () => {
    expect(suggestTimeZones('Berlin')).toEqual(['Europe/Berlin']);
    expect(suggestTimeZones('America/New York')).toEqual(['America/New_York']);
    expect(suggestTimeZones('America/Berlin')).toEqual(['Europe/Berlin']);
    expect(suggestTimeZones('Mars/Olympus_Mons')).toEqual([]);
  });

  it('lists several close names when more than one is close', () => {
    const problem = timeZoneProblem('Europe/Vienn');

    expect(problem?.suggestions[0]).toBe('Europe/Vienna');
    expect(problem?.suggestions.length).toBeLessThanOrEqual(3);
  });

  it.each([
    ['europe/berlin', 'other capitals', 'Europe/Berlin'],
    ['Europe/BERLIN', 'other capitals', 'Europe/Berlin'],
    ['utc', 'other capitals', 'UTC'],
    ['GMT', 'abbreviation', 'UTC'],
  ])('refuses %s (%s) and names the zone to write instead', (zone, why, instead) => {
    const problem = onlyProblem(
      yaml(...HEAD, ...policy('nightly', 'cron(0 4 * * ? *)', `    timezone: ${zone}`)),
    );

    expect(problem.path).toBe('timezone');
    expect(problem.message).toContain(why);
    expect(problem.message).toContain(`(did you mean "${instead}"?)`);
  });

  it('refuses an abbreviation whose daylight-saving rules are unknown, without guessing a region', () => {
    const problem = onlyProblem(
      yaml(...HEAD, ...policy('nightly', 'cron(0 4 * * ? *)', '    timezone: CET')),
    );

    expect(problem.message).toBe(
      'expected an IANA time zone name such as Europe/Berlin or America/New_York, found "CET": an ' +
        'abbreviation or legacy name, which does not say which region’s daylight-saving rules apply',
    );
  });

  it('refuses an empty zone and one that is not text, like any other key', () => {
    const empty = onlyProblem(yaml(...HEAD, ...policy('nightly', 'cron(0 4 * * ? *)', '    timezone: ""')));
    const number = onlyProblem(yaml(...HEAD, ...policy('nightly', 'cron(0 4 * * ? *)', '    timezone: 1')));

    expect(empty.message).toBe(
      'expected an IANA time zone name such as Europe/Berlin, found "" (0 characters)',
    );
    expect(number.message).toMatch(/^expected text, found 1/);
  });

  it('reports a misspelt key next to timezone as unknown, suggesting timezone', () => {
    const problem = onlyProblem(
      yaml(...HEAD, ...policy('nightly', 'cron(0 4 * * ? *)', '    timezon: Europe/Berlin')),
    );

    expect(problem.message).toMatch(/^unknown key "timezon" \(did you mean "timezone"\?\)/);
  });
});

describe('timezone: warnings', () => {
  it('warns when a local time does not exist on a spring-forward day, saying that Scheduler skips that run', () => {
    const problem = onlyProblem(
      yaml(...HEAD, ...policy('nightly', 'cron(30 2 * * ? *)', '    timezone: Europe/Berlin')),
    );

    expect(problem).toMatchObject({ line: 6, column: 15, path: 'schedule', severity: 'warning' });
    expect(problem.message).toBe(
      'on 2026-03-29 the clocks in Europe/Berlin go from 02:00 to 03:00 (UTC+01:00 to UTC+02:00), so 02:30 ' +
        'does not exist that day and EventBridge Scheduler skips that run: choose a time outside the change, ' +
        'or accept the missed run',
    );
  });

  it('does not warn for a time that exists every day, nor for one repeated on a fall-back day (it runs once)', () => {
    const clear = check(yaml(...HEAD, ...policy('a', 'cron(0 4 * * ? *)', '    timezone: Europe/Berlin')));
    // 02:30 on October 25 happens twice in Berlin in 2026 (the fall-back day): Scheduler runs it once.
    const repeated = check(
      yaml(...HEAD, ...policy('b', 'cron(30 2 25 10 ? *)', '    timezone: Europe/Berlin')),
    );

    expect(clear.problems).toEqual([]);
    expect(repeated.problems).toEqual([]);
  });

  it('warns when a zone is given to a rate() schedule, which it does not move', () => {
    const problem = onlyProblem(
      yaml(...HEAD, ...policy('often', 'rate(6 hours)', '    timezone: Europe/Berlin')),
    );

    expect(problem).toMatchObject({ path: 'timezone', severity: 'warning' });
    expect(problem.message).toMatch(/^rate\(6 hours\) fires at fixed intervals whatever the time zone/);
  });

  it('does not warn about a rate() policy that only inherits defaults.timezone', () => {
    const text = yaml(
      'version: 1',
      'defaults:',
      '  regions: [us-east-1]',
      '  timezone: Europe/Berlin',
      'policies:',
      ...policy('often', 'rate(6 hours)'),
    );

    expect(check(text).problems).toEqual([]);
  });
});
