// Seam: the results table's copy-job codec (shared/aws/results-table/copy-codec.ts) with plain items: keys
// of a cluster's copies and of the open-copies index, every field read back as written, and anything that is
// not a copy job read as nothing.
import { describe, expect, it } from 'vitest';
import { jobItem, resultItem } from '../../../shared/aws/results-table/codec.js';
import {
  copyJobFromItem,
  copyJobItem,
  copyJobKey,
  copyPk,
  openCopiesOf,
} from '../../../shared/aws/results-table/copy-codec.js';
import type { CopyJob } from '../../../shared/planning/copies.js';

const DR = '444455556666';
const RECORDED = Date.parse('2026-11-28T04:00:00.000Z');
const EXPIRES = Date.parse('2027-11-28T04:00:00.500Z');

const waiting: CopyJob = {
  policy: 'nightly',
  scheduledAt: '2026-11-28T03:00:00.000Z',
  clusterId: 'orders',
  source: { region: 'us-east-1' },
  snapshotId: 'nightly-orders-20261128-0300',
  destination: { region: 'us-west-2' },
  state: 'waiting',
  step: 0,
  requestedAt: '2026-11-28T03:20:00.000Z',
};

const failedElsewhere: CopyJob = {
  ...waiting,
  source: { region: 'us-east-1', account: '210987654321' },
  destination: { region: 'eu-west-1', account: DR },
  state: 'failed',
  step: 1,
  startedAt: '2026-11-28T03:20:05.000Z',
  completedAt: '2026-11-28T05:20:05.000Z',
  sourceArn: 'arn:aws:rds:us-east-1:210987654321:cluster-snapshot:nightly-orders-20261128-0300',
  encrypted: false,
  error: { code: 'kms-misconfigured', message: 'Must specify new KMS key' },
};

describe('copy job keys', () => {
  it('keys an own-account copy under its source Region and cluster, sorted by slot, policy and destination', () => {
    const item = copyJobItem(waiting, RECORDED, EXPIRES);

    expect(item.pk).toEqual({ S: 'copy#us-east-1#orders' });
    expect(item.sk).toEqual({ S: '2026-11-28T03:00:00.000Z#nightly#us-west-2' });
    expect(item.openPolicy).toEqual({ S: 'copy#nightly' });
    expect(item.openSk).toEqual({ S: '2026-11-28T03:00:00.000Z#us-east-1#orders#us-west-2' });
    expect(item.kind).toEqual({ S: 'copy' });
  });

  it("names the accounts of another account's source and destination in the keys", () => {
    const item = copyJobItem(failedElsewhere, RECORDED, EXPIRES);

    expect(item.pk).toEqual({ S: 'copy#210987654321/us-east-1#orders' });
    expect(item.sk).toEqual({ S: `2026-11-28T03:00:00.000Z#nightly#${DR}/eu-west-1` });
    expect(item.openSk).toEqual({
      S: `2026-11-28T03:00:00.000Z#210987654321/us-east-1#orders#${DR}/eu-west-1`,
    });
    expect(copyJobKey(failedElsewhere)).toEqual({ pk: item.pk, sk: item.sk });
  });

  it('builds the partitions from their parts', () => {
    expect(copyPk({ region: 'eu-west-1' }, 'billing')).toBe('copy#eu-west-1#billing');
    expect(copyPk({ region: 'eu-west-1', account: DR }, 'billing')).toBe(`copy#${DR}/eu-west-1#billing`);
    expect(openCopiesOf('weekly')).toBe('copy#weekly');
  });

  it('stamps when it was recorded and when it expires (epoch seconds)', () => {
    const item = copyJobItem(waiting, RECORDED, EXPIRES);
    expect(item.recordedAt).toEqual({ S: '2026-11-28T04:00:00.000Z' });
    expect(item.expiresAt).toEqual({ N: String(Math.floor(EXPIRES / 1000)) });
  });
});

describe('copy job items', () => {
  it('reads a waiting own-account job back as written, with no optional field', () => {
    const item = copyJobItem(waiting, RECORDED, EXPIRES);

    expect(copyJobFromItem(item)).toEqual(waiting);
    for (const key of ['startedAt', 'completedAt', 'sourceArn', 'encrypted', 'errorCode', 'errorMessage'])
      expect(item).not.toHaveProperty(key);
    expect(item).not.toHaveProperty('sourceAccount');
    expect(item).not.toHaveProperty('destinationAccount');
  });

  it('reads a job of other accounts back with every optional field', () => {
    const item = copyJobItem(failedElsewhere, RECORDED, EXPIRES);

    expect(item.sourceAccount).toEqual({ S: '210987654321' });
    expect(item.destinationAccount).toEqual({ S: DR });
    expect(item.encrypted).toEqual({ BOOL: false });
    expect(item.step).toEqual({ N: '1' });
    expect(copyJobFromItem(item)).toEqual(failedElsewhere);
  });

  it('keeps an encrypted source as encrypted, and a copying job at its hop', () => {
    const copying: CopyJob = { ...waiting, state: 'copying', step: 2, encrypted: true, sourceArn: 'arn:x' };
    expect(copyJobFromItem(copyJobItem(copying, RECORDED, EXPIRES))).toEqual(copying);
  });

  it('reads an error without its message as an empty message', () => {
    const { errorMessage: _m, ...item } = copyJobItem(failedElsewhere, RECORDED, EXPIRES);
    expect(copyJobFromItem(item)?.error).toEqual({ code: 'kms-misconfigured', message: '' });
  });

  it('reads nothing else as a copy job', () => {
    const backupJob = {
      policy: 'nightly',
      scheduledAt: '2026-11-28T03:00:00.000Z',
      region: 'us-east-1',
      clusterId: 'orders',
      snapshotId: 'nightly-orders-20261128-0300',
      state: 'creating' as const,
      requestedAt: '2026-11-28T03:00:01.000Z',
    };
    const result = { clusterId: 'orders', outcome: 'created' as const, attempts: 1, durationMs: 5 };
    const summary = { policy: 'nightly', scheduledAt: backupJob.scheduledAt, results: [], deletions: [] };
    expect(copyJobFromItem(jobItem(backupJob, 0, 0))).toBeUndefined();
    expect(copyJobFromItem(resultItem(summary, { ...result, region: 'us-east-1' }, 0, 0))).toBeUndefined();
    expect(copyJobFromItem({})).toBeUndefined();

    const item = copyJobItem(waiting, RECORDED, EXPIRES);
    expect(copyJobFromItem({ ...item, kind: { S: 'job' } })).toBeUndefined();
    expect(copyJobFromItem({ ...item, state: { S: 'exploded' } })).toBeUndefined();
    const { destinationRegion: _d, ...noDestination } = item;
    expect(copyJobFromItem(noDestination)).toBeUndefined();
    const { sourceRegion: _s, ...noSource } = item;
    expect(copyJobFromItem(noSource)).toBeUndefined();
    const { snapshotId: _i, ...noSnapshot } = item;
    expect(copyJobFromItem(noSnapshot)).toBeUndefined();
  });
});
