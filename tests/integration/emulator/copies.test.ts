// Seam: the emulator's CopyDBClusterSnapshot as the real @aws-sdk/client-docdb sees it over HTTP — same-Region
// and cross-Region copies (the SDK's pre-signed URL on the wire), KMS rules, copying → available/failed,
// identifier and quota rules, and the in-flight limit per destination account and Region.
import {
  CopyDBClusterSnapshotCommand,
  type CopyDBClusterSnapshotCommandInput,
  DBClusterSnapshotAlreadyExistsFault,
  DBClusterSnapshotNotFoundFault,
  DeleteDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  type DocDBClient,
  InvalidDBClusterSnapshotStateFault,
  KMSKeyNotAccessibleFault,
  ListTagsForResourceCommand,
  SnapshotQuotaExceededFault,
} from '@aws-sdk/client-docdb';
import { describe, expect, it } from 'vitest';
import { DR, useDrEmulator } from './dr-support.js';
import { rejectionOf } from './support.js';

const t = useDrEmulator();
const { plain, customerKey, awsManagedKey } = DR.snapshots;

function copy(
  docdb: DocDBClient,
  input: Partial<CopyDBClusterSnapshotCommandInput> & { SourceRegion?: string },
) {
  return docdb.send(
    new CopyDBClusterSnapshotCommand({
      SourceDBClusterSnapshotIdentifier: plain,
      TargetDBClusterSnapshotIdentifier: 'copy-1',
      ...input,
    } as CopyDBClusterSnapshotCommandInput),
  );
}

async function describeOne(docdb: DocDBClient, id: string) {
  const { DBClusterSnapshots } = await docdb.send(
    new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: id }),
  );
  return DBClusterSnapshots?.[0];
}

describe('CopyDBClusterSnapshot in the same Region', () => {
  it('answers a copying manual snapshot that keeps the source cluster, engine and encryption', async () => {
    const { DBClusterSnapshot } = await copy(t.docdb(), { SourceDBClusterSnapshotIdentifier: customerKey });

    expect(DBClusterSnapshot).toMatchObject({
      DBClusterSnapshotIdentifier: 'copy-1',
      DBClusterIdentifier: 'billing',
      DBClusterSnapshotArn: DR.snapshotArn('copy-1'),
      SourceDBClusterSnapshotArn: DR.snapshotArn(customerKey),
      Status: 'copying',
      PercentProgress: 0,
      SnapshotType: 'manual',
      Engine: 'docdb',
      StorageEncrypted: true,
      KmsKeyId: DR.keys.sourceEast,
    });
  });

  it('is copying for copyAvailableAfterMs, with PercentProgress growing, then available', async () => {
    await t.emu.reset({ copyAvailableAfterMs: 60_000 });
    t.emu.seed((await import('./dr-support.js')).drFleet());
    const docdb = t.docdb();
    await copy(docdb, {});

    t.emu.advanceClock(30_000);
    const halfway = await describeOne(docdb, 'copy-1');
    t.emu.advanceClock(30_000);
    const done = await describeOne(docdb, 'copy-1');

    expect(halfway).toMatchObject({ Status: 'copying', PercentProgress: 50 });
    expect(done).toMatchObject({ Status: 'available', PercentProgress: 100 });
  });

  it('re-encrypts with another key of the Region when given KmsKeyId (alias or ARN)', async () => {
    t.emu.seed({ regions: { 'us-east-1': { kmsKeys: [{ id: 'second-key', alias: 'alias/second' }] } } });

    const { DBClusterSnapshot } = await copy(t.docdb(), {
      SourceDBClusterSnapshotIdentifier: awsManagedKey,
      KmsKeyId: 'alias/second',
    });

    expect(DBClusterSnapshot?.KmsKeyId).toBe(`arn:aws:kms:us-east-1:${DR.sourceAccount}:key/second-key`);
  });

  it('tags the copy with Tags, plus the source tags with CopyTags (Tags win on the same key)', async () => {
    const docdb = t.docdb();
    await copy(docdb, {
      CopyTags: true,
      Tags: [
        { Key: 'tier', Value: 'dr' },
        { Key: 'copy-of', Value: 'x' },
      ],
    });
    await copy(docdb, {
      TargetDBClusterSnapshotIdentifier: 'copy-2',
      Tags: [{ Key: 'only', Value: 'mine' }],
    });

    const withCopy = await docdb.send(
      new ListTagsForResourceCommand({ ResourceName: DR.snapshotArn('copy-1') }),
    );
    const without = await docdb.send(
      new ListTagsForResourceCommand({ ResourceName: DR.snapshotArn('copy-2') }),
    );

    expect(withCopy.TagList).toEqual([
      { Key: 'team', Value: 'payments' },
      { Key: 'tier', Value: 'dr' },
      { Key: 'copy-of', Value: 'x' },
    ]);
    expect(without.TagList).toEqual([{ Key: 'only', Value: 'mine' }]);
  });

  it('refuses KmsKeyId for an unencrypted source with InvalidParameterCombination', async () => {
    const error = await rejectionOf(copy(t.docdb(), { KmsKeyId: DR.keys.sourceEast }));

    expect(error.name).toBe('InvalidParameterCombination');
    expect(error.message).toBe('KmsKeyId can only be given to copy an encrypted cluster snapshot.');
  });

  it.each([
    [
      'an unknown source',
      { SourceDBClusterSnapshotIdentifier: 'ghost' },
      DBClusterSnapshotNotFoundFault,
      404,
    ],
    [
      'an existing target',
      { TargetDBClusterSnapshotIdentifier: customerKey },
      DBClusterSnapshotAlreadyExistsFault,
      400,
    ],
  ])('answers %s as CreateDBClusterSnapshot would', async (_what, input, fault, status) => {
    const error = await rejectionOf(copy(t.docdb(), input));

    expect(error).toBeInstanceOf(fault);
    expect(error.$metadata.httpStatusCode).toBe(status);
  });

  it('refuses an invalid target identifier with InvalidParameterValue', async () => {
    const error = await rejectionOf(copy(t.docdb(), { TargetDBClusterSnapshotIdentifier: 'no--good' }));

    expect(error.name).toBe('InvalidParameterValue');
    expect(error.message).toContain('TargetDBClusterSnapshotIdentifier is not a valid identifier');
  });

  it('refuses a source that is not available with InvalidDBClusterSnapshotStateFault', async () => {
    t.emu.seed({
      regions: { 'us-east-1': { snapshots: [{ id: 'busy', clusterId: 'orders', status: 'creating' }] } },
    });

    const error = await rejectionOf(copy(t.docdb(), { SourceDBClusterSnapshotIdentifier: 'busy' }));

    expect(error).toBeInstanceOf(InvalidDBClusterSnapshotStateFault);
    expect(error.message).toBe(
      `Cannot copy the snapshot ${DR.snapshotArn('busy')} because it is in state creating, not available.`,
    );
  });

  it('refuses a copy beyond the destination manual snapshot quota with SnapshotQuotaExceeded', async () => {
    t.emu.seed({ regions: { 'us-east-1': { quota: 3 } } });

    const error = await rejectionOf(copy(t.docdb(), {}));

    expect(error).toBeInstanceOf(SnapshotQuotaExceededFault);
    expect(error.message).toBe('Cannot create more than 3 manual snapshots in this Region for this account.');
  });

  it('ends as failed when the source cluster fault says copyOutcome failed', async () => {
    t.emu.setFaults({ clusters: { orders: { copyAvailableAfterMs: 10_000, copyOutcome: 'failed' } } });
    const docdb = t.docdb();
    await copy(docdb, {});

    const during = await describeOne(docdb, 'copy-1');
    t.emu.advanceClock(10_000);
    const after = await describeOne(docdb, 'copy-1');

    expect(during?.Status).toBe('copying');
    expect(after).toMatchObject({ Status: 'failed', PercentProgress: 0 });
  });

  it('cancels a copy when the copying target is deleted, and fails copies whose source is deleted', async () => {
    await t.emu.reset({ copyAvailableAfterMs: 60_000 });
    t.emu.seed((await import('./dr-support.js')).drFleet());
    const docdb = t.docdb();
    await copy(docdb, {});
    await copy(docdb, {
      SourceDBClusterSnapshotIdentifier: customerKey,
      TargetDBClusterSnapshotIdentifier: 'copy-2',
    });

    await docdb.send(new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: 'copy-1' }));
    await docdb.send(new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: customerKey }));

    expect(await rejectionOf(describeOne(docdb, 'copy-1'))).toBeInstanceOf(DBClusterSnapshotNotFoundFault);
    expect((await describeOne(docdb, 'copy-2'))?.Status).toBe('failed');
  });
});

describe('CopyDBClusterSnapshot from another Region', () => {
  const west = () => t.docdb({ region: 'us-west-2' });

  it('sends the PreSignedUrl the SDK makes from the source ARN (SourceRegion itself never reaches the wire)', async () => {
    const { DBClusterSnapshot } = await copy(west(), {
      SourceDBClusterSnapshotIdentifier: DR.snapshotArn(customerKey),
      KmsKeyId: DR.keys.sourceWest,
      SourceRegion: 'us-east-1',
    });

    const [request] = t.emu.state().copyRequests;
    const url = new URL(request?.preSignedUrl ?? 'http://missing');
    expect(url.hostname).toBe('rds.us-east-1.amazonaws.com');
    expect(url.searchParams.get('Action')).toBe('CopyDBClusterSnapshot');
    expect(url.searchParams.get('SourceDBClusterSnapshotIdentifier')).toBe(DR.snapshotArn(customerKey));
    expect(url.searchParams.get('DestinationRegion')).toBe('us-west-2');
    expect(url.searchParams.get('KmsKeyId')).toBe(DR.keys.sourceWest);
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/\/us-east-1\/rds\/aws4_request$/);
    expect(request?.otherParameters).toEqual([]);
    expect(DBClusterSnapshot).toMatchObject({
      DBClusterSnapshotArn: DR.snapshotArn('copy-1', 'us-west-2'),
      KmsKeyId: DR.keys.sourceWest,
      Status: 'copying',
    });
    const copied = t.emu.state().accounts[DR.sourceAccount]?.regions['us-west-2']?.snapshots[0];
    expect(copied?.copy).toMatchObject({ sourceRegion: 'us-east-1', preSignedUrl: request?.preSignedUrl });
  });

  it('copies an unencrypted snapshot without KmsKeyId', async () => {
    const { DBClusterSnapshot } = await copy(west(), {
      SourceDBClusterSnapshotIdentifier: DR.snapshotArn(plain),
    });

    expect(DBClusterSnapshot).toMatchObject({ StorageEncrypted: false, DBClusterIdentifier: 'orders' });
  });

  it('refuses an encrypted source without KmsKeyId: Must specify new KMS key', async () => {
    const error = await rejectionOf(
      copy(west(), { SourceDBClusterSnapshotIdentifier: DR.snapshotArn(customerKey) }),
    );

    expect(error.name).toBe('InvalidParameterValue');
    expect(error.message).toBe('Must specify new KMS key for cross region encrypted snapshot copy.');
  });

  it.each([
    ['a key of the source Region', DR.keys.sourceEast],
    ['an unknown alias', 'alias/nope'],
    ['a disabled key', DR.keys.sourceWestDisabled],
    ["another account's AWS managed key", 'arn:aws:kms:us-west-2:444455556666:alias/aws/rds'],
  ])('refuses KmsKeyId naming %s with KMSKeyNotAccessibleFault', async (_what, keyId) => {
    const error = await rejectionOf(
      copy(west(), { SourceDBClusterSnapshotIdentifier: DR.snapshotArn(customerKey), KmsKeyId: keyId }),
    );

    expect(error).toBeInstanceOf(KMSKeyNotAccessibleFault);
    expect(error.message).toBe(
      `Specified KMS key [${keyId}] does not exist, is not enabled or you do not have permissions to access it.`,
    );
  });

  it('refuses a cross-Region copy without a PreSignedUrl', async () => {
    const docdb = west();
    // What a client without the SDK's pre-signing sends: the same form body, no PreSignedUrl.
    docdb.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body: string; headers: Record<string, string> };
        request.body = request.body.replace(/&PreSignedUrl=[^&]*/, '');
        request.headers['content-length'] = String(Buffer.byteLength(request.body));
        return next(args);
      },
      { step: 'build', name: 'dropPreSignedUrl' },
    );

    const error = await rejectionOf(
      copy(docdb, { SourceDBClusterSnapshotIdentifier: DR.snapshotArn(plain) }),
    );

    expect(error.name).toBe('InvalidParameterValue');
    expect(error.message).toContain('PreSignedUrl is required');
  });

  it('refuses a PreSignedUrl that is not a CopyDBClusterSnapshot signed for the source Region', async () => {
    const url =
      'https://rds.eu-west-1.amazonaws.com/?Action=CopyDBClusterSnapshot&X-Amz-Signature=abc' +
      '&X-Amz-Credential=AKIDTEST%2F20261128%2Feu-west-1%2Frds%2Faws4_request';

    const error = await rejectionOf(
      copy(west(), { SourceDBClusterSnapshotIdentifier: DR.snapshotArn(plain), PreSignedUrl: url }),
    );

    expect(error.name).toBe('InvalidParameterValue');
    expect(error.message).toBe('PreSignedUrl could not be authenticated.');
  });
});

describe('copies in flight', () => {
  it('lets at most 5 copies be copying per destination account and Region under 20 simultaneous requests', async () => {
    await t.emu.reset({ copyAvailableAfterMs: 60_000 });
    t.emu.seed((await import('./dr-support.js')).drFleet());
    const docdb = west20();

    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        copy(docdb, {
          SourceDBClusterSnapshotIdentifier: DR.snapshotArn(plain),
          TargetDBClusterSnapshotIdentifier: `c${i}`,
        }),
      ),
    );
    const refused = results.filter((result) => result.status === 'rejected');
    const inWest = () => t.emu.state().accounts[DR.sourceAccount]?.regions['us-west-2'];

    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(5);
    expect(refused).toHaveLength(15);
    for (const result of refused) {
      expect(result.reason).toBeInstanceOf(SnapshotQuotaExceededFault);
      expect((result.reason as Error).message).toBe('Cannot copy more than 5 snapshots across regions');
    }
    expect(inWest()).toMatchObject({ copiesInFlight: 5, copiesInFlightPeak: 5 });
    await copy(t.docdb(), { TargetDBClusterSnapshotIdentifier: 'other-region-is-free' });

    t.emu.advanceClock(60_000);
    await copy(docdb, {
      SourceDBClusterSnapshotIdentifier: DR.snapshotArn(plain),
      TargetDBClusterSnapshotIdentifier: 'c99',
    });

    expect(inWest()).toMatchObject({ copiesInFlight: 1, copiesInFlightPeak: 5 });
  });

  it('takes the limit from maxConcurrentCopies', async () => {
    await t.emu.reset({ copyAvailableAfterMs: 60_000, maxConcurrentCopies: 2 });
    t.emu.seed((await import('./dr-support.js')).drFleet());
    const docdb = t.docdb();
    await copy(docdb, { TargetDBClusterSnapshotIdentifier: 'a' });
    await copy(docdb, { TargetDBClusterSnapshotIdentifier: 'b' });

    const error = await rejectionOf(copy(docdb, { TargetDBClusterSnapshotIdentifier: 'c' }));

    expect(error.message).toBe('Cannot copy more than 2 snapshots across regions');
    expect(t.emu.callCount('rds:CopyDBClusterSnapshot')).toBe(3);
  });

  function west20() {
    return t.docdb({ region: 'us-west-2' });
  }
});
