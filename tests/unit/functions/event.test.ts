// Seam: the backup function's event contract (functions/backup/event.ts) and its environment
// (shared/env.ts): plain data in, a request or a clear error out.
import { describe, expect, it } from 'vitest';
import { InvalidEventError, parseBackupEvent, policyFromRule } from '../../../functions/backup/event.js';
import { EnvError, readBackupEnv } from '../../../shared/env.js';

const known = ['nightly', 'nightly-prod', 'weekly'];
const now = new Date('2026-11-28T03:01:00Z');

describe('backup event', () => {
  it('reads the generated rules input and truncates the time to the slot', () => {
    const request = parseBackupEvent({ policy: 'nightly', time: '2026-11-28T03:00:41Z' }, known, now);
    expect(request).toEqual({ policy: 'nightly', slot: new Date('2026-11-28T03:00:00Z') });
  });

  it('reads a raw EventBridge Scheduled Event, taking the policy from the rule name', () => {
    const event = {
      version: '0',
      id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: '2026-11-28T03:00:00Z',
      region: 'us-east-1',
      resources: ['arn:aws:events:us-east-1:123456789012:rule/docdb-backup-prod.nightly-prod'],
      detail: {},
    };
    expect(parseBackupEvent(event, known, now)).toEqual({
      policy: 'nightly-prod',
      slot: new Date('2026-11-28T03:00:00Z'),
    });
  });

  it('reads the input a generated EventBridge Scheduler schedule sends, its scheduled time as the slot', () => {
    // Scheduler replaces <aws.scheduler.scheduled-time> with the due time, e.g. 2026-03-30T00:30:00Z.
    const input = '{"policy": "nightly", "time": "<aws.scheduler.scheduled-time>"}';
    const event = JSON.parse(input.replace('<aws.scheduler.scheduled-time>', '2026-11-28T03:00:00Z'));

    expect(parseBackupEvent(event, known, now)).toEqual({
      policy: 'nightly',
      slot: new Date('2026-11-28T03:00:00Z'),
    });
  });

  it('reads the raw event EventBridge Scheduler sends without an input, the policy from the schedule name', () => {
    const event = {
      version: '0',
      id: '37666ae6-48cf-4285-b4c6-a3320b38824a',
      'detail-type': 'Scheduled Event',
      source: 'aws.scheduler',
      account: '123456789012',
      time: '2026-11-28T03:00:00Z',
      region: 'eu-central-1',
      resources: [
        'arn:aws:scheduler:eu-central-1:123456789012:schedule/docdb-backup-prod/docdb-backup-prod.nightly-prod',
      ],
      detail: '{}',
    };

    expect(parseBackupEvent(event, known, now)).toEqual({
      policy: 'nightly-prod',
      slot: new Date('2026-11-28T03:00:00Z'),
    });
  });

  it('refuses a raw Scheduler event whose schedule names no known policy, or whose slot is ahead of the clock', () => {
    const base = {
      'detail-type': 'Scheduled Event',
      source: 'aws.scheduler',
      time: '2026-11-28T03:00:00Z',
      resources: ['arn:aws:scheduler:eu-central-1:123456789012:schedule/default/backups'],
      detail: '{}',
    };
    const ahead = {
      ...base,
      time: '2026-11-28T04:00:00Z',
      resources: ['arn:aws:scheduler:eu-central-1:123456789012:schedule/default/weekly'],
    };

    expect(() => parseBackupEvent(base, known, now)).toThrow(
      /^the schedule "arn:aws:scheduler:eu-central-1:123456789012:schedule\/default\/backups" does not name a known policy/,
    );
    expect(() => parseBackupEvent(ahead, known, now)).toThrow(/59 minutes ahead of the clock/);
  });

  it('prefers the longest policy name a rule name ends with', () => {
    expect(policyFromRule('arn:aws:events:us-east-1:1:rule/stack-nightly-prod', known)).toBe('nightly-prod');
    expect(policyFromRule('arn:aws:events:us-east-1:1:rule/stack-other', known)).toBeUndefined();
  });

  it.each([
    [null, /not an object/],
    [[], /not an object/],
    [{ time: '2026-11-28T03:00:00Z' }, /"policy" is missing/],
    [
      { policy: 'monthly', time: '2026-11-28T03:00:00Z' },
      /unknown policy "monthly"; the policy file defines: nightly, nightly-prod, weekly/,
    ],
    [{ policy: 'nightly' }, /"time" must be an ISO-8601 time/],
    [{ policy: 'nightly', time: '2026-11-28 03:00' }, /found "2026-11-28 03:00"/],
    [{ policy: 'nightly', time: '2026-11-28T03:00:00' }, /with a zone/],
    [
      { 'detail-type': 'Scheduled Event', time: '2026-11-28T03:00:00Z', resources: [] },
      /names no rule or schedule/,
    ],
  ])('rejects %j with a clear error', (event, message) => {
    expect(() => parseBackupEvent(event, known, now)).toThrow(InvalidEventError);
    expect(() => parseBackupEvent(event, known, now)).toThrow(message);
  });

  it.each([
    ['2026-02-30T03:00:00Z', 'February 30'],
    ['2026-11-28T24:00:00Z', 'hour 24'],
    ['2026-11-28T03:60:00Z', 'minute 60'],
    ['0000-11-28T03:00:00Z', 'year 0000'],
    ['2026-13-01T03:00:00Z', 'month 13'],
    ['2026-11-28T03:00:00+15:00', 'an offset past 14 hours'],
  ])('refuses the impossible time %s (%s) instead of rolling it over', (time) => {
    expect(() => parseBackupEvent({ policy: 'nightly', time }, known, now)).toThrow(/on a real calendar day/);
  });

  it('refuses a slot more than 5 minutes ahead of the clock, and accepts one just inside', () => {
    const future = { policy: 'nightly', time: '2026-11-30T03:00:00Z' };
    expect(() => parseBackupEvent(future, known, now)).toThrow(/2879 minutes ahead of the clock/);
    const early = { policy: 'nightly', time: '2026-11-28T03:06:00Z' };
    expect(parseBackupEvent(early, known, now).slot).toEqual(new Date('2026-11-28T03:06:00Z'));
    const tooEarly = { policy: 'nightly', time: '2026-11-28T03:07:00Z' };
    expect(() => parseBackupEvent(tooEarly, known, now)).toThrow(InvalidEventError);
  });

  it('accepts an old slot (a dead-letter redrive): retention is measured from the run, not the slot', () => {
    const late = { policy: 'nightly', time: '2026-11-24T03:00:00Z' };
    expect(parseBackupEvent(late, known, now).slot).toEqual(new Date('2026-11-24T03:00:00Z'));
  });

  it('caps what it echoes of an unknown policy name', () => {
    const huge = { policy: 'x'.repeat(100_000), time: '2026-11-28T03:00:00Z' };
    let message = '';
    try {
      parseBackupEvent(huge, known, now);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/unknown policy "x+… \(100002 characters\)/);
    expect(message.length).toBeLessThan(300);
  });
});

describe('environment', () => {
  const good = {
    ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:docdb-backup-alerts',
    RESULTS_TABLE: 'docdb-backup-results',
  };

  it('applies defaults and resolves the policy file against the task root', () => {
    expect(readBackupEnv({ ...good, LAMBDA_TASK_ROOT: '/var/task' })).toEqual({
      alertTopicArn: good.ALERT_TOPIC_ARN,
      resultsTable: good.RESULTS_TABLE,
      eventBusName: 'default',
      policiesFile: '/var/task/.build/policies.compiled.json',
      concurrency: 10,
    });
  });

  it('names every unusable variable at once', () => {
    expect(() => readBackupEnv({ ALERT_TOPIC_ARN: 'alerts', BACKUP_CONCURRENCY: '0' })).toThrow(EnvError);
    try {
      readBackupEnv({ ALERT_TOPIC_ARN: 'alerts', BACKUP_CONCURRENCY: '0' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('ALERT_TOPIC_ARN must be an SNS topic ARN');
      expect(message).toContain('RESULTS_TABLE must be a DynamoDB table name');
      expect(message).toContain('BACKUP_CONCURRENCY must be a whole number from 1 to 100, found "0"');
    }
  });
});
