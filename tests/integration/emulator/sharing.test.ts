// Seam: sharing snapshots across accounts on the emulator as the real SDK sees it over HTTP —
// ModifyDBClusterSnapshotAttribute / DescribeDBClusterSnapshotAttributes (restore), what the other account
// then sees, and copying a shared snapshot there through an assumed role, with every refusal AWS makes.
import {
  CopyDBClusterSnapshotCommand,
  type CopyDBClusterSnapshotCommandInput,
  DBClusterSnapshotNotFoundFault,
  DescribeDBClusterSnapshotAttributesCommand,
  DescribeDBClusterSnapshotsCommand,
  type DocDBClient,
  InvalidDBClusterSnapshotStateFault,
  KMSKeyNotAccessibleFault,
  ModifyDBClusterSnapshotAttributeCommand,
  SharedSnapshotQuotaExceededFault,
} from '@aws-sdk/client-docdb';
import { describe, expect, it } from 'vitest';
import { DR, useDrEmulator } from './dr-support.js';
import { rejectionOf } from './support.js';

const t = useDrEmulator();
const { plain, customerKey, awsManagedKey } = DR.snapshots;

function share(
  snapshotId: string,
  change: { ValuesToAdd?: string[]; ValuesToRemove?: string[]; AttributeName?: string },
) {
  return t.docdb().send(
    new ModifyDBClusterSnapshotAttributeCommand({
      DBClusterSnapshotIdentifier: snapshotId,
      AttributeName: change.AttributeName ?? 'restore',
      ...change,
    }),
  );
}

function copyShared(
  docdb: DocDBClient,
  input: Partial<CopyDBClusterSnapshotCommandInput> & { SourceRegion?: string },
) {
  return docdb.send(
    new CopyDBClusterSnapshotCommand({
      SourceDBClusterSnapshotIdentifier: DR.snapshotArn(customerKey),
      TargetDBClusterSnapshotIdentifier: customerKey,
      ...input,
    } as CopyDBClusterSnapshotCommandInput),
  );
}

describe('ModifyDBClusterSnapshotAttribute and DescribeDBClusterSnapshotAttributes', () => {
  it('adds and removes accounts in the restore attribute', async () => {
    const added = await share(customerKey, { ValuesToAdd: [DR.targetAccount, '777788889999'] });
    await share(customerKey, { ValuesToRemove: ['777788889999'] });

    const { DBClusterSnapshotAttributesResult } = await t
      .docdb()
      .send(new DescribeDBClusterSnapshotAttributesCommand({ DBClusterSnapshotIdentifier: customerKey }));

    expect(added.DBClusterSnapshotAttributesResult).toEqual({
      DBClusterSnapshotIdentifier: customerKey,
      DBClusterSnapshotAttributes: [
        { AttributeName: 'restore', AttributeValues: ['444455556666', '777788889999'] },
      ],
    });
    expect(DBClusterSnapshotAttributesResult?.DBClusterSnapshotAttributes).toEqual([
      { AttributeName: 'restore', AttributeValues: [DR.targetAccount] },
    ]);
    expect(t.emu.state().accounts[DR.sourceAccount]?.regions['us-east-1']?.snapshots).toContainEqual(
      expect.objectContaining({
        id: customerKey,
        sharedWith: [DR.targetAccount],
        kmsKeyId: DR.keys.sourceEast,
      }),
    );
  });

  it('makes an unencrypted snapshot public with all', async () => {
    await share(plain, { ValuesToAdd: ['all'] });

    const { DBClusterSnapshots } = await t
      .targetDocdb()
      .send(new DescribeDBClusterSnapshotsCommand({ SnapshotType: 'public' }));

    expect(DBClusterSnapshots?.map((s) => [s.DBClusterSnapshotIdentifier, s.SnapshotType])).toEqual([
      [DR.snapshotArn(plain), 'public'],
    ]);
  });

  it('refuses a snapshot encrypted with the AWS managed key with InvalidParameterValue', async () => {
    const error = await rejectionOf(share(awsManagedKey, { ValuesToAdd: [DR.targetAccount] }));

    expect(error.name).toBe('InvalidParameterValue');
    expect(error.message).toBe(
      "You can't share a snapshot that has been encrypted using the default KMS key of the AWS account that shared the snapshot.",
    );
  });

  it('refuses more than 20 accounts with SharedSnapshotQuotaExceeded', async () => {
    const accounts = Array.from({ length: 21 }, (_, i) => String(100000000000 + i));

    const error = await rejectionOf(share(plain, { ValuesToAdd: accounts }));

    expect(error).toBeInstanceOf(SharedSnapshotQuotaExceededFault);
    expect(error.message).toBe(
      'You have exceeded the maximum number of accounts that you can share a manual DB snapshot with.',
    );
  });

  it.each([
    ['an encrypted snapshot as public', customerKey, { ValuesToAdd: ['all'] }, 'InvalidParameterValue'],
    [
      'an attribute other than restore',
      plain,
      { AttributeName: 'copy', ValuesToAdd: [DR.targetAccount] },
      'InvalidParameterValue',
    ],
    ['a value that is no account id', plain, { ValuesToAdd: ['4444'] }, 'InvalidParameterValue'],
  ])('refuses %s', async (_what, id, change, code) => {
    const error = await rejectionOf(share(id, change));

    expect(error.name).toBe(code);
  });

  it('refuses an automated snapshot with InvalidDBClusterSnapshotStateFault, and an unknown one with NotFound', async () => {
    t.emu.seed({
      regions: {
        'us-east-1': {
          snapshots: [{ id: 'rds:orders-2026-11-27-03-00', clusterId: 'orders', type: 'automated' }],
        },
      },
    });

    const automated = await rejectionOf(
      share('rds:orders-2026-11-27-03-00', { ValuesToAdd: [DR.targetAccount] }),
    );
    const unknown = await rejectionOf(share('ghost', { ValuesToAdd: [DR.targetAccount] }));

    expect(automated).toBeInstanceOf(InvalidDBClusterSnapshotStateFault);
    expect(unknown).toBeInstanceOf(DBClusterSnapshotNotFoundFault);
  });
});

describe('what the other account sees', () => {
  it('lists a shared snapshot with SnapshotType shared or IncludeShared, by its ARN, and not otherwise', async () => {
    await share(customerKey, { ValuesToAdd: [DR.targetAccount] });
    const target = t.targetDocdb();

    const shared = await target.send(new DescribeDBClusterSnapshotsCommand({ SnapshotType: 'shared' }));
    const included = await target.send(new DescribeDBClusterSnapshotsCommand({ IncludeShared: true }));
    const plainList = await target.send(new DescribeDBClusterSnapshotsCommand({}));
    const byArn = await target.send(
      new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: DR.snapshotArn(customerKey) }),
    );

    expect(shared.DBClusterSnapshots).toEqual([
      expect.objectContaining({
        DBClusterSnapshotIdentifier: DR.snapshotArn(customerKey),
        DBClusterSnapshotArn: DR.snapshotArn(customerKey),
        SnapshotType: 'shared',
        Status: 'available',
        StorageEncrypted: true,
        KmsKeyId: DR.keys.sourceEast,
      }),
    ]);
    expect(included.DBClusterSnapshots).toHaveLength(1);
    expect(plainList.DBClusterSnapshots).toEqual([]);
    expect(byArn.DBClusterSnapshots?.[0]?.SnapshotType).toBe('shared');
  });

  it('does not find a snapshot that is not shared with it, nor one whose share was removed', async () => {
    const target = t.targetDocdb();
    const before = await rejectionOf(
      target.send(
        new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: DR.snapshotArn(plain) }),
      ),
    );
    await share(plain, { ValuesToAdd: [DR.targetAccount] });
    await share(plain, { ValuesToRemove: [DR.targetAccount] });

    const after = await target.send(new DescribeDBClusterSnapshotsCommand({ SnapshotType: 'shared' }));

    expect(before).toBeInstanceOf(DBClusterSnapshotNotFoundFault);
    expect(after.DBClusterSnapshots).toEqual([]);
  });
});

describe('CopyDBClusterSnapshot of a shared snapshot', () => {
  it('copies it into the account of the assumed role with its key and Tags, then the share can go', async () => {
    await share(customerKey, { ValuesToAdd: [DR.targetAccount] });
    const copier = await t.assumeCopier();

    const { DBClusterSnapshot } = await copyShared(copier, {
      KmsKeyId: DR.keys.targetEast,
      Tags: [{ Key: 'docdb-backup:copy-of', Value: DR.snapshotArn(customerKey) }],
    });
    await share(customerKey, { ValuesToRemove: [DR.targetAccount] });
    const state = t.emu.state();

    expect(DBClusterSnapshot).toMatchObject({
      DBClusterSnapshotArn: DR.snapshotArn(customerKey, 'us-east-1', DR.targetAccount),
      SourceDBClusterSnapshotArn: DR.snapshotArn(customerKey),
      DBClusterIdentifier: 'billing',
      KmsKeyId: DR.keys.targetEast,
      Status: 'copying',
    });
    expect(state.accounts[DR.targetAccount]?.regions['us-east-1']?.snapshots).toEqual([
      expect.objectContaining({
        id: customerKey,
        status: 'available',
        tags: { 'docdb-backup:copy-of': DR.snapshotArn(customerKey) },
        copy: {
          sourceArn: DR.snapshotArn(customerKey),
          sourceAccountId: DR.sourceAccount,
          sourceRegion: 'us-east-1',
        },
      }),
    ]);
    expect(state.accounts[DR.sourceAccount]?.regions['us-east-1']?.snapshots).toContainEqual(
      expect.objectContaining({ id: customerKey, sharedWith: [] }),
    );
  });

  it('copies a shared unencrypted snapshot without KmsKeyId', async () => {
    await share(plain, { ValuesToAdd: [DR.targetAccount] });

    const { DBClusterSnapshot } = await copyShared(t.targetDocdb(), {
      SourceDBClusterSnapshotIdentifier: DR.snapshotArn(plain),
      TargetDBClusterSnapshotIdentifier: plain,
    });

    expect(DBClusterSnapshot).toMatchObject({ StorageEncrypted: false, Status: 'copying' });
  });

  it('answers DBClusterSnapshotNotFoundFault (404) for a snapshot not shared with the caller', async () => {
    const error = await rejectionOf(copyShared(t.targetDocdb(), { KmsKeyId: DR.keys.targetEast }));

    expect(error).toBeInstanceOf(DBClusterSnapshotNotFoundFault);
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect(error.message).toBe(`DBClusterSnapshot not found: ${DR.snapshotArn(customerKey)}`);
  });

  it('refuses an encrypted shared snapshot without KmsKeyId', async () => {
    await share(customerKey, { ValuesToAdd: [DR.targetAccount] });

    const error = await rejectionOf(copyShared(t.targetDocdb(), {}));

    expect(error.name).toBe('InvalidParameterValue');
    expect(error.message).toBe(
      'Must specify new KMS key to copy an encrypted snapshot shared from another account.',
    );
  });

  it('refuses to copy a shared snapshot into another Region', async () => {
    await share(customerKey, { ValuesToAdd: [DR.targetAccount] });

    const error = await rejectionOf(
      copyShared(t.targetDocdb('eu-west-1'), { KmsKeyId: DR.keys.targetEuWest, SourceRegion: 'us-east-1' }),
    );

    expect(error.name).toBe('InvalidParameterValue');
    expect(error.message).toBe(
      `You can only copy a shared DB cluster snapshot, whether encrypted or not, in the same AWS Region: ${DR.snapshotArn(customerKey)} is in us-east-1.`,
    );
  });

  it('refuses CopyTags for a shared snapshot with InvalidParameterCombination', async () => {
    await share(customerKey, { ValuesToAdd: [DR.targetAccount] });

    const error = await rejectionOf(
      copyShared(t.targetDocdb(), { KmsKeyId: DR.keys.targetEast, CopyTags: true }),
    );

    expect(error.name).toBe('InvalidParameterCombination');
  });

  it("refuses a shared snapshot encrypted with its account's AWS managed key: the source key is not accessible", async () => {
    t.emu.seed({
      regions: {
        'us-east-1': {
          snapshots: [{ id: 'audit-shared', clusterId: 'audit', sharedWith: [DR.targetAccount] }],
        },
      },
    });
    const auditKey = t.emu
      .state()
      .accounts[DR.sourceAccount]?.regions['us-east-1']?.snapshots.find(
        (s) => s.id === 'audit-shared',
      )?.kmsKeyId;

    const error = await rejectionOf(
      copyShared(t.targetDocdb(), {
        SourceDBClusterSnapshotIdentifier: DR.snapshotArn('audit-shared'),
        KmsKeyId: DR.keys.targetEast,
      }),
    );

    expect(error).toBeInstanceOf(KMSKeyNotAccessibleFault);
    expect(error.message).toBe(
      `The source snapshot KMS key [${auditKey}] does not exist, is not enabled or you do not have permissions to access it.`,
    );
  });
});
