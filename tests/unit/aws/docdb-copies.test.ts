// Seam: the DocumentDB adapter's copy calls (shared/aws/docdb.ts) over an aws-sdk-client-mock'ed DocDB
// client: what CopyDBClusterSnapshot and ModifyDBClusterSnapshotAttribute send, how their faults become the
// engine's errors, and what a snapshot's state says of its encryption. Then, below the mock, a real
// DocDBClient with a capturing request handler: a cross-Region copy carries a PreSignedUrl on the wire.
import { Readable } from 'node:stream';
import {
  CopyDBClusterSnapshotCommand,
  DBClusterSnapshotAlreadyExistsFault,
  DBClusterSnapshotNotFoundFault,
  DescribeDBClusterSnapshotsCommand,
  DocDBClient,
  DocDBServiceException,
  KMSKeyNotAccessibleFault,
  ModifyDBClusterSnapshotAttributeCommand,
  SharedSnapshotQuotaExceededFault,
  SnapshotQuotaExceededFault,
} from '@aws-sdk/client-docdb';
import { type HttpRequest, HttpResponse } from '@smithy/core/protocols';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DocdbAdapter } from '../../../shared/aws/docdb.js';
import {
  CopyLimitError,
  CopyRefusedError,
  SnapshotAlreadyExistsError,
  SnapshotQuotaExceededError,
} from '../../../shared/backup/errors.js';
import type { CopyRequest } from '../../../shared/backup/ports.js';

const OWN = '111122223333';
const DR = '444455556666';
const SNAPSHOT = 'nightly-orders-20261128-0300';
const SOURCE_ARN = `arn:aws:rds:us-east-1:${OWN}:cluster-snapshot:${SNAPSHOT}`;
const WEST_KEY = `arn:aws:kms:us-west-2:${OWN}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' };
const west = { region: 'us-west-2' };
const tags = [
  { Key: 'managed-by', Value: 'docdb-backup' },
  { Key: 'docdb-backup:copy-of', Value: SOURCE_ARN },
];
const request: CopyRequest = {
  sourceArn: SOURCE_ARN,
  snapshotId: SNAPSHOT,
  kmsKeyId: WEST_KEY,
  copyTags: true,
  tags,
};

const client = new DocDBClient({ region: 'us-west-2', credentials });
const docdb = mockClient(client);
const adapter = new DocdbAdapter(() => client);
beforeEach(() => docdb.reset());

const meta = { $metadata: {} };
/** A fault AWS sends with no class of its own in client-docdb (matched by name). */
function named(name: string, message: string) {
  return new DocDBServiceException({ name, $fault: 'client', message, $metadata: {} });
}

async function copyError(error: Error): Promise<unknown> {
  docdb.on(CopyDBClusterSnapshotCommand).rejects(error);
  return adapter.copySnapshot(west, request).catch((e: unknown) => e);
}

describe('copySnapshot', () => {
  it('sends the source ARN, the target id, the key, CopyTags and the tags, and returns the copy', async () => {
    docdb.on(CopyDBClusterSnapshotCommand).resolves({
      DBClusterSnapshot: { DBClusterSnapshotIdentifier: SNAPSHOT, Status: 'copying' },
    });

    expect(await adapter.copySnapshot(west, request)).toEqual({ snapshotId: SNAPSHOT, status: 'copying' });
    expect(docdb.commandCalls(CopyDBClusterSnapshotCommand).map((c) => c.args[0].input)).toEqual([
      {
        SourceDBClusterSnapshotIdentifier: SOURCE_ARN,
        TargetDBClusterSnapshotIdentifier: SNAPSHOT,
        KmsKeyId: WEST_KEY,
        CopyTags: true,
        Tags: tags,
      },
    ]);
  });

  it('sends no KmsKeyId when no key is given, and CopyTags false when asked', async () => {
    docdb.on(CopyDBClusterSnapshotCommand).resolves({});
    const { kmsKeyId: _key, ...unencrypted } = request;

    const created = await adapter.copySnapshot(
      { region: 'us-east-1', account: DR },
      { ...unencrypted, copyTags: false },
    );

    const input = docdb.commandCalls(CopyDBClusterSnapshotCommand)[0]?.args[0].input;
    expect(input).not.toHaveProperty('KmsKeyId');
    expect(input).toMatchObject({ CopyTags: false, TargetDBClusterSnapshotIdentifier: SNAPSHOT });
    expect(created).toEqual({ snapshotId: SNAPSHOT, status: 'copying' });
  });

  it('sends the call to the client of the destination', async () => {
    const places: unknown[] = [];
    const routed = new DocdbAdapter((at) => {
      places.push(at);
      return client;
    });
    docdb.on(CopyDBClusterSnapshotCommand).resolves({});
    await routed.copySnapshot({ region: 'eu-west-1', account: DR }, request);
    expect(places).toEqual([{ region: 'eu-west-1', account: DR }]);
  });

  it('tells an existing target id apart (the reconciler then checks whose it is)', async () => {
    const fault = new DBClusterSnapshotAlreadyExistsFault({ message: 'already exists', ...meta });
    const error = await copyError(fault);
    expect(error).toBeInstanceOf(SnapshotAlreadyExistsError);
    expect((error as Error).cause).toBe(fault);
  });

  it('refuses with kms-misconfigured when the key is not accessible', async () => {
    const fault = new KMSKeyNotAccessibleFault({ message: 'The target KMS key is not accessible', ...meta });
    const error = await copyError(fault);
    expect(error).toBeInstanceOf(CopyRefusedError);
    expect(error).toMatchObject({
      code: 'kms-misconfigured',
      message: 'The target KMS key is not accessible',
    });
    expect((error as Error).cause).toBe(fault);
  });

  it('refuses with kms-misconfigured when a parameter combination is refused over the KMS key', async () => {
    const message = 'Must specify new KMS key for cross region encrypted snapshot copy';
    const error = await copyError(named('InvalidParameterCombination', message));
    expect(error).toBeInstanceOf(CopyRefusedError);
    expect(error).toMatchObject({ code: 'kms-misconfigured', message });
  });

  it('refuses with copy-failed for another invalid parameter value', async () => {
    const message = 'The parameter TargetDBClusterSnapshotIdentifier is not a valid identifier.';
    const error = await copyError(named('InvalidParameterValue', message));
    expect(error).toBeInstanceOf(CopyRefusedError);
    expect(error).toMatchObject({ code: 'copy-failed', message });
  });

  it("takes AWS's answer to a sixth copy in flight for the copy limit, not the snapshot quota", async () => {
    const limit = await copyError(
      new SnapshotQuotaExceededFault({
        message: 'Cannot copy more than 5 snapshots across regions',
        ...meta,
      }),
    );
    expect(limit).toBeInstanceOf(CopyLimitError);
  });

  it('does not take an identifier that merely contains "key" for a KMS problem', async () => {
    const message = 'The source snapshot nightly-keycloak-20261128-0300 is not in the available state.';
    const error = await copyError(named('InvalidParameterValue', message));
    expect(error).toMatchObject({ code: 'copy-failed', message });
  });

  it('tells a used-up snapshot quota from the limit of concurrent copies', async () => {
    const quota = await copyError(new SnapshotQuotaExceededFault({ message: 'Quota exceeded', ...meta }));
    expect(quota).toBeInstanceOf(SnapshotQuotaExceededError);
    expect(quota).not.toBeInstanceOf(CopyLimitError);

    const limit = await copyError(
      new SnapshotQuotaExceededFault({ message: 'Cannot copy more than 5 concurrent snapshots', ...meta }),
    );
    expect(limit).toBeInstanceOf(CopyLimitError);
    const inProgress = await copyError(
      new SnapshotQuotaExceededFault({ message: 'Too many snapshot copies in progress', ...meta }),
    );
    expect(inProgress).toBeInstanceOf(CopyLimitError);
  });

  it('refuses with copy-failed when the source cannot be found from the destination', async () => {
    const error = await copyError(new DBClusterSnapshotNotFoundFault({ message: 'not found', ...meta }));
    expect(error).toBeInstanceOf(CopyRefusedError);
    expect(error).toMatchObject({
      code: 'copy-failed',
      message:
        'the source snapshot cannot be found from the destination (deleted, or not shared with it): not found',
    });
  });

  it('lets throttling and other faults through unchanged', async () => {
    const throttled = named('Throttling', 'Rate exceeded');
    expect(await copyError(throttled)).toBe(throttled);
  });
});

describe('shareSnapshot and unshareSnapshot', () => {
  it("adds the account to the snapshot's restore attribute", async () => {
    docdb.on(ModifyDBClusterSnapshotAttributeCommand).resolves({});

    await adapter.shareSnapshot({ region: 'us-east-1' }, SNAPSHOT, DR);

    expect(docdb.commandCalls(ModifyDBClusterSnapshotAttributeCommand).map((c) => c.args[0].input)).toEqual([
      { DBClusterSnapshotIdentifier: SNAPSHOT, AttributeName: 'restore', ValuesToAdd: [DR] },
    ]);
  });

  it('removes the account from the restore attribute', async () => {
    docdb.on(ModifyDBClusterSnapshotAttributeCommand).resolves({});

    await adapter.unshareSnapshot({ region: 'us-east-1' }, SNAPSHOT, DR);

    expect(docdb.commandCalls(ModifyDBClusterSnapshotAttributeCommand).map((c) => c.args[0].input)).toEqual([
      { DBClusterSnapshotIdentifier: SNAPSHOT, AttributeName: 'restore', ValuesToRemove: [DR] },
    ]);
  });

  it('refuses with share-refused when AWS will not share (an AWS managed key, too many shares)', async () => {
    const managedKey = named(
      'InvalidParameterValue',
      'Cannot share snapshots encrypted using the default AWS KMS key',
    );
    docdb.on(ModifyDBClusterSnapshotAttributeCommand).rejects(managedKey);
    const error = await adapter.shareSnapshot({ region: 'us-east-1' }, SNAPSHOT, DR).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CopyRefusedError);
    expect(error).toMatchObject({ code: 'share-refused', message: managedKey.message });
    expect((error as Error).cause).toBe(managedKey);

    docdb.reset();
    docdb
      .on(ModifyDBClusterSnapshotAttributeCommand)
      .rejects(new SharedSnapshotQuotaExceededFault({ message: 'shared with too many accounts', ...meta }));
    await expect(adapter.shareSnapshot({ region: 'us-east-1' }, SNAPSHOT, DR)).rejects.toMatchObject({
      name: 'CopyRefusedError',
      code: 'share-refused',
    });
  });

  it('lets other faults of a share through unchanged', async () => {
    const gone = new DBClusterSnapshotNotFoundFault({ message: 'not found', ...meta });
    docdb.on(ModifyDBClusterSnapshotAttributeCommand).rejects(gone);
    await expect(adapter.shareSnapshot({ region: 'us-east-1' }, SNAPSHOT, DR)).rejects.toBe(gone);
  });

  it('takes a share of a snapshot that is gone as taken back (it is shared with nobody)', async () => {
    docdb
      .on(ModifyDBClusterSnapshotAttributeCommand)
      .rejects(new DBClusterSnapshotNotFoundFault({ message: 'not found', ...meta }));
    await expect(adapter.unshareSnapshot({ region: 'us-east-1' }, SNAPSHOT, DR)).resolves.toBeUndefined();
  });
});

describe('snapshotState and copyState', () => {
  it("carries the snapshot's encryption and key", async () => {
    docdb.on(DescribeDBClusterSnapshotsCommand, { DBClusterSnapshotIdentifier: SNAPSHOT }).resolves({
      DBClusterSnapshots: [
        {
          DBClusterSnapshotIdentifier: SNAPSHOT,
          DBClusterIdentifier: 'orders',
          DBClusterSnapshotArn: SOURCE_ARN,
          Status: 'available',
          StorageEncrypted: true,
          KmsKeyId: `arn:aws:kms:us-east-1:${OWN}:key/source`,
        },
      ],
    });

    const state = await adapter.snapshotState({ region: 'us-east-1' }, SNAPSHOT);

    expect(state).toEqual({
      snapshotId: SNAPSHOT,
      clusterId: 'orders',
      arn: SOURCE_ARN,
      status: 'available',
      createdAt: undefined,
      encrypted: true,
      kmsKeyId: `arn:aws:kms:us-east-1:${OWN}:key/source`,
    });
    expect(await adapter.copyState(west, SNAPSHOT)).toEqual(state);
  });

  it('says an unencrypted snapshot is not encrypted and names no key', async () => {
    docdb.on(DescribeDBClusterSnapshotsCommand).resolves({
      DBClusterSnapshots: [
        { DBClusterSnapshotIdentifier: SNAPSHOT, Status: 'copying', StorageEncrypted: false },
      ],
    });

    const state = await adapter.copyState(west, SNAPSHOT);

    expect(state).toMatchObject({ status: 'copying', encrypted: false });
    expect(state).not.toHaveProperty('kmsKeyId');
  });

  it('has no state for a copy that is not there', async () => {
    docdb
      .on(DescribeDBClusterSnapshotsCommand)
      .rejects(new DBClusterSnapshotNotFoundFault({ message: 'not found', ...meta }));
    expect(await adapter.copyState(west, SNAPSHOT)).toBeUndefined();
  });
});

/** A real client whose requests are captured instead of sent: the body as the SDK serialized it. */
function capturingClient(region: string): { client: DocDBClient; bodies: URLSearchParams[] } {
  const bodies: URLSearchParams[] = [];
  const answer = `<CopyDBClusterSnapshotResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
<CopyDBClusterSnapshotResult><DBClusterSnapshot><DBClusterSnapshotIdentifier>${SNAPSHOT}</DBClusterSnapshotIdentifier><Status>copying</Status></DBClusterSnapshot></CopyDBClusterSnapshotResult>
<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</CopyDBClusterSnapshotResponse>`;
  const requestHandler = {
    handle: async (req: HttpRequest) => {
      bodies.push(new URLSearchParams(String(req.body)));
      return {
        response: new HttpResponse({
          statusCode: 200,
          headers: { 'content-type': 'text/xml' },
          body: Readable.from([Buffer.from(answer)]),
        }),
      };
    },
  };
  const real = new DocDBClient({ region, credentials, requestHandler, maxAttempts: 1 });
  return { client: real, bodies };
}

describe('on the wire', () => {
  it('puts a PreSignedUrl, signed for the source Region, on a cross-Region copy', async () => {
    const { client: real, bodies } = capturingClient('us-west-2');

    const created = await new DocdbAdapter(() => real).copySnapshot(west, request);

    expect(created).toEqual({ snapshotId: SNAPSHOT, status: 'copying' });
    expect(bodies).toHaveLength(1);
    const body = bodies[0] as URLSearchParams;
    expect(body.get('Action')).toBe('CopyDBClusterSnapshot');
    expect(body.get('SourceDBClusterSnapshotIdentifier')).toBe(SOURCE_ARN);
    expect(body.get('KmsKeyId')).toBe(WEST_KEY);
    const presigned = new URL(body.get('PreSignedUrl') ?? 'missing:');
    expect(presigned.host).toBe('rds.us-east-1.amazonaws.com');
    expect(presigned.searchParams.get('Action')).toBe('CopyDBClusterSnapshot');
    expect(presigned.searchParams.get('DestinationRegion')).toBe('us-west-2');
    expect(presigned.searchParams.get('SourceDBClusterSnapshotIdentifier')).toBe(SOURCE_ARN);
    expect(presigned.searchParams.get('KmsKeyId')).toBe(WEST_KEY);
    expect(presigned.searchParams.get('X-Amz-Credential')).toMatch(
      /^AKIDTEST\/\d{8}\/us-east-1\/rds\/aws4_request$/,
    );
    expect(presigned.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('puts no PreSignedUrl on a copy within the source Region (a shared snapshot in another account)', async () => {
    const { client: real, bodies } = capturingClient('us-east-1');
    const sharedCopy = { ...request, kmsKeyId: `arn:aws:kms:us-east-1:${DR}:key/dr`, copyTags: false };

    await new DocdbAdapter(() => real).copySnapshot({ region: 'us-east-1', account: DR }, sharedCopy);

    const body = bodies[0] as URLSearchParams;
    expect(body.get('Action')).toBe('CopyDBClusterSnapshot');
    expect(body.get('SourceDBClusterSnapshotIdentifier')).toBe(SOURCE_ARN);
    expect(body.has('PreSignedUrl')).toBe(false);
  });
});
