// Seam: the page for a policy's failed copies (shared/lifecycle/copy-alert.ts) with plain copy jobs: what the
// subject names, when it is critical, which next steps it gives, and that nothing secret reaches it.
import { describe, expect, it } from 'vitest';
import { copyJobFromItem, copyJobItem } from '../../../shared/aws/results-table/copy-codec.js';
import { MAX_SUBJECT, PAGE_DETAILS_MAX } from '../../../shared/backup/alert.js';
import { NEXT_STEP } from '../../../shared/backup/failures.js';
import { composeCopyAlert } from '../../../shared/lifecycle/copy-alert.js';
import { type CopyJob, copyJobsFor, movedCopy } from '../../../shared/planning/copies.js';
import type { Failure } from '../../../shared/planning/failure.js';
import type { CopySettings } from '../../../shared/policy/resolved.js';

const DR = '444455556666';
const EXTERNAL_ID = 'docdb-backup-7f3a9c-secret';
const ROLE = `arn:aws:iam::${DR}:role/docdb-backup-copier`;

function failed(clusterId: string, destination: CopyJob['destination'], error?: Failure): CopyJob {
  return {
    policy: 'nightly',
    scheduledAt: '2026-11-28T03:00:00.000Z',
    clusterId,
    source: { region: 'us-east-1' },
    snapshotId: `nightly-${clusterId}-20261128-0300`,
    destination,
    state: 'failed',
    step: 0,
    requestedAt: '2026-11-28T03:20:00.000Z',
    ...(error ? { error } : {}),
  };
}

const kms: Failure = { code: 'kms-misconfigured', message: 'Must specify new KMS key' };
const unreachable: Failure = { code: 'destination-unreachable', message: `cannot assume ${ROLE}` };
const quota: Failure = {
  code: 'quota-exceeded',
  message: 'the manual cluster snapshot quota of us-west-2 is used up',
};

/** The machine-readable end of a page. */
function details(body: string): { policy: string; failedCount: number; failed: CopyJob[] } {
  return JSON.parse(body.slice(body.indexOf('Details (JSON):') + 'Details (JSON):'.length));
}

describe('composeCopyAlert', () => {
  it('names the cluster and the destination of one failed copy in the subject', () => {
    const alert = composeCopyAlert('nightly', [failed('orders', { region: 'us-west-2' }, kms)]);

    expect(alert).toMatchObject({
      policy: 'nightly',
      severity: 'error',
      subject: '[docdb-backup] ERROR nightly: 1 copy failed (orders → us-west-2)',
    });
  });

  it('names every cluster and destination once, another account with its account', () => {
    const alert = composeCopyAlert('dr', [
      failed('a', { region: 'us-west-2' }, kms),
      failed('b', { region: 'eu-west-1', account: DR }, unreachable),
      { ...failed('a', { region: 'us-west-2' }, kms), scheduledAt: '2026-11-27T03:00:00.000Z' },
    ]);

    expect(alert.subject).toBe(
      `[docdb-backup] ERROR dr: 3 copies failed (a → us-west-2, b → eu-west-1 of account ${DR})`,
    );
  });

  it('keeps the subject within what SNS takes', () => {
    const many = Array.from({ length: 12 }, (_, i) => failed(`cluster-${i}`, { region: 'us-west-2' }, kms));
    const alert = composeCopyAlert('nightly', many);
    expect(alert.subject.length).toBeLessThanOrEqual(MAX_SUBJECT);
    expect(
      alert.subject.startsWith('[docdb-backup] ERROR nightly: 12 copies failed (cluster-0 → us-west-2'),
    ).toBe(true);
    expect(alert.subject.endsWith('...')).toBe(true);
  });

  it('is critical when a destination has no snapshot quota left', () => {
    const alert = composeCopyAlert('nightly', [
      failed('orders', { region: 'us-west-2' }, quota),
      failed('billing', { region: 'us-west-2' }, kms),
    ]);

    expect(alert.severity).toBe('critical');
    expect(alert.subject).toBe(
      '[docdb-backup] CRITICAL nightly: 2 copies failed (orders → us-west-2, billing → us-west-2)',
    );
  });

  it('lists each failed copy with its snapshot, slot, source, destination and why', () => {
    const { body } = composeCopyAlert('nightly', [
      failed('billing', { region: 'eu-west-1', account: DR }, kms),
    ]);

    expect(body).toContain(
      `- billing: snapshot nightly-billing-20261128-0300 (slot 2026-11-28T03:00:00.000Z) from us-east-1 to eu-west-1 of account ${DR}: kms-misconfigured — Must specify new KMS key`,
    );
    expect(body).toContain('The backups themselves are restorable where they were taken.');
  });

  it('gives the next step of each failure code once, and no other', () => {
    const { body } = composeCopyAlert('nightly', [
      failed('orders', { region: 'us-west-2' }, kms),
      failed('billing', { region: 'us-west-2' }, kms),
      failed('billing', { region: 'us-east-1', account: DR }, unreachable),
    ]);
    const steps = body.slice(body.indexOf('What to do next:'), body.indexOf('Details (JSON):'));

    expect(steps).toContain(`- kms-misconfigured: ${NEXT_STEP['kms-misconfigured']}`);
    expect(steps).toContain(`- destination-unreachable: ${NEXT_STEP['destination-unreachable']}`);
    expect(steps.split('- kms-misconfigured:')).toHaveLength(2);
    expect(steps).not.toContain('- share-refused:');
    expect(steps).not.toContain('- copy-failed:');
    expect(steps).not.toContain('- quota-exceeded:');
  });

  it('gives the step of an unexpected AWS error for a copy failed without a recorded cause', () => {
    const { body } = composeCopyAlert('nightly', [failed('orders', { region: 'us-west-2' })]);
    expect(body).toContain(': failed\n');
    expect(body).toContain(`- aws-error: ${NEXT_STEP['aws-error']}`);
  });

  it('ends with the failed copies as JSON, at most the page maximum', () => {
    const many = Array.from({ length: PAGE_DETAILS_MAX + 5 }, (_, i) =>
      failed(`c${i}`, { region: 'us-west-2' }, kms),
    );
    const parsed = details(composeCopyAlert('nightly', many).body);

    expect(parsed.policy).toBe('nightly');
    expect(parsed.failedCount).toBe(PAGE_DETAILS_MAX + 5);
    expect(parsed.failed).toHaveLength(PAGE_DETAILS_MAX);
    expect(parsed.failed[0]).toEqual(many[0]);
  });

  it('never shows the external id or role of the destination, as jobs are opened, moved and stored', () => {
    const settings: CopySettings[] = [
      {
        account: DR,
        region: 'eu-west-1',
        roleArn: ROLE,
        externalId: EXTERNAL_ID,
        kmsKeyId: 'k',
        transitKmsKeyId: 't',
      },
      { account: DR, roleArn: ROLE, externalId: EXTERNAL_ID, kmsKeyId: 'k' },
    ];
    const backup = {
      policy: 'nightly',
      scheduledAt: '2026-11-28T03:00:00.000Z',
      region: 'us-east-1',
      clusterId: 'orders',
      snapshotId: 'nightly-orders-20261128-0300',
    };
    const jobs = copyJobsFor(backup, settings, new Date('2026-11-28T03:20:00Z')).map((job) =>
      movedCopy(job, { state: 'failed', error: { code: 'share-refused', message: 'AWS managed key' } }),
    );
    const stored = jobs.map((job) => copyJobFromItem(copyJobItem(job, 0, 0)) as CopyJob);

    for (const alert of [composeCopyAlert('nightly', jobs), composeCopyAlert('nightly', stored)]) {
      expect(alert.body).toContain(`- share-refused: ${NEXT_STEP['share-refused']}`);
      expect(details(alert.body).failedCount).toBe(2);
      for (const text of [alert.subject, alert.body]) {
        expect(text).not.toContain(EXTERNAL_ID);
        expect(text).not.toContain('externalId');
        expect(text).not.toContain(ROLE);
      }
    }
  });
});
