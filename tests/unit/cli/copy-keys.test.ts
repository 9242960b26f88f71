// Seam: `plan`'s check of copies against the clusters' encryption (cli/copy-keys.ts) with plain data and
// fake ports, and the KMS adapter it reads keys through (shared/aws/kms.ts) over an aws-sdk-client-mock'ed
// KMS client: a missing kmsKeyId or transitKmsKeyId for an encrypted cluster, an AWS managed key copied
// to another account without shareKmsKeyId, each named with the cluster, the destination and the fix.
import { DescribeKeyCommand, KMSClient, NotFoundException } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type ClusterEncryption,
  checkCopyKeys,
  copyDestinations,
  copyKeyProblems,
  copyPlanLines,
  keysToDescribe,
  listedOnce,
} from '../../../cli/copy-keys.js';
import type { PlannedCluster } from '../../../cli/inspect.js';
import { createStyle } from '../../../cli/style.js';
import { KmsAdapter, regionOfKey } from '../../../shared/aws/kms.js';
import type { AnyEngineCluster } from '../../../shared/backup/ports.js';
import type { CopySettings } from '../../../shared/policy/resolved.js';
import { policy } from '../../support/fakes.js';

const kms = mockClient(KMSClient);
beforeEach(() => kms.reset());

const AWS_KEY = 'arn:aws:kms:us-east-1:111122223333:key/aaaa-aws-managed';
const OWN_KEY = 'arn:aws:kms:us-east-1:111122223333:key/bbbb-customer';
const ACCOUNT = '444455556666';
const west: CopySettings = { region: 'us-west-2', kmsKeyId: 'arn:aws:kms:us-west-2:111122223333:key/west' };
const drSameRegion: CopySettings = {
  account: ACCOUNT,
  roleArn: `arn:aws:iam::${ACCOUNT}:role/docdb-backup-copier`,
  externalId: 'docdb-backup-7f3a9c',
  kmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/dr`,
};
const drOtherRegion: CopySettings = {
  ...drSameRegion,
  region: 'eu-west-1',
  kmsKeyId: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/dr`,
  transitKmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/transit`,
};

const cluster = (clusterId: string, kmsKeyId?: string): ClusterEncryption => ({
  region: 'us-east-1',
  clusterId,
  encrypted: kmsKeyId !== undefined,
  ...(kmsKeyId ? { kmsKeyId } : {}),
});
const managers = new Map([
  [AWS_KEY, { manager: 'AWS' }],
  [OWN_KEY, { manager: 'CUSTOMER' }],
]);

describe('copyKeyProblems', () => {
  it('refuses an AWS managed key copied to another account without shareKmsKeyId, naming the fix', () => {
    const problems = copyKeyProblems([west, drSameRegion], [cluster('orders', AWS_KEY)], managers);

    expect(problems).toEqual([
      {
        region: 'us-east-1',
        clusterId: 'orders',
        destination: { region: 'us-east-1', account: ACCOUNT },
        field: 'copies[1].shareKmsKeyId',
        message:
          'orders is encrypted with the AWS managed key (aws/rds), whose snapshots AWS refuses to share: its copy ' +
          'to us-east-1 of account 444455556666 cannot be made. Set copies[1].shareKmsKeyId to a customer managed ' +
          'key of this account in us-east-1 that account 444455556666 may use (the snapshot is re-encrypted with ' +
          'it before it is shared)',
      },
    ]);
  });

  it('accepts an AWS managed key with shareKmsKeyId, a customer managed key, and clusters that are not encrypted', () => {
    const shared = { ...drSameRegion, shareKmsKeyId: OWN_KEY };

    expect(copyKeyProblems([shared], [cluster('orders', AWS_KEY)], managers)).toEqual([]);
    expect(copyKeyProblems([drSameRegion], [cluster('orders', OWN_KEY)], managers)).toEqual([]);
    expect(
      copyKeyProblems([{ region: 'us-west-2' }, { account: ACCOUNT }], [cluster('plain')], managers),
    ).toEqual([]);
  });

  it('names the key an encrypted cluster’s copy lacks: kmsKeyId, and transitKmsKeyId for another account’s other Region', () => {
    const problems = copyKeyProblems(
      [{ region: 'us-west-2' }, { ...drOtherRegion, transitKmsKeyId: undefined }],
      [cluster('orders', OWN_KEY)],
      managers,
    );

    expect(problems.map((p) => [p.destination, p.field])).toEqual([
      [{ region: 'us-west-2', account: null }, 'copies[0].kmsKeyId'],
      [{ region: 'eu-west-1', account: ACCOUNT }, 'copies[1].transitKmsKeyId'],
    ]);
    expect(problems[0]?.message).toBe(
      'orders is encrypted: its copy to us-west-2 needs copies[0].kmsKeyId, a KMS key of us-west-2 the copy is ' +
        'encrypted with (AWS refuses an encrypted copy to another Region or account without one)',
    );
    expect(problems[1]?.message).toBe(
      'orders is encrypted: its copy to eu-west-1 of account 444455556666 first lands in us-east-1 of account ' +
        '444455556666 and needs copies[1].transitKmsKeyId, a KMS key of that account in us-east-1',
    );
  });

  it('says when the key could not be read instead of guessing', () => {
    const [problem] = copyKeyProblems(
      [drSameRegion],
      [cluster('orders', OWN_KEY)],
      new Map([[OWN_KEY, { error: 'AWS denied the call (AccessDeniedException)' }]]),
    );

    expect(problem?.field).toBe('copies[0].shareKmsKeyId');
    expect(problem?.message).toMatch(
      /^could not read who manages the key of orders \(arn:aws:kms:.*AccessDenied/,
    );
  });

  it('asks KMS only about the keys of encrypted clusters copied to another account without a share key', () => {
    const clusters = [cluster('orders', AWS_KEY), cluster('payments', AWS_KEY), cluster('plain')];

    expect(keysToDescribe([west, drSameRegion], clusters)).toEqual([AWS_KEY]);
    expect(keysToDescribe([west, { ...drSameRegion, shareKmsKeyId: OWN_KEY }], clusters)).toEqual([]);
  });
});

describe('checkCopyKeys', () => {
  const planned = (clusterId: string, region = 'us-east-1'): PlannedCluster => ({
    region,
    clusterId,
    action: 'snapshot',
    reason: null,
    status: 'available',
    engine: null,
    snapshotId: `nightly-${clusterId}-20261128-0300`,
    detail: '',
    wouldDelete: [],
  });
  const listed: AnyEngineCluster[] = [
    {
      id: 'orders',
      arn: 'arn:orders',
      status: 'available',
      engine: 'docdb',
      encrypted: true,
      kmsKeyId: AWS_KEY,
    },
    {
      id: 'billing',
      arn: 'arn:billing',
      status: 'available',
      engine: 'docdb',
      encrypted: true,
      kmsKeyId: AWS_KEY,
    },
    { id: 'plain', arn: 'arn:plain', status: 'available', engine: 'docdb', encrypted: false },
  ];

  function context() {
    let listings = 0;
    const ctx = {
      docdb: listedOnce({
        listClustersOfAnyEngine: async () => {
          listings++;
          return listed;
        },
      }),
      kms: new KmsAdapter((region) => new KMSClient({ region })),
      describe: (error: unknown) => (error as Error).name,
    };
    return { ctx, listings: () => listings };
  }

  it('reads the selected clusters’ encryption once per Region and each key once, in the key’s Region', async () => {
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: 'aaaa', Arn: AWS_KEY, KeyManager: 'AWS' } });
    const { ctx, listings } = context();
    const nightly = policy({ copies: [west, drSameRegion] });

    const problems = await checkCopyKeys(ctx, nightly, [
      planned('orders'),
      planned('billing'),
      planned('plain'),
    ]);
    await checkCopyKeys(ctx, nightly, [planned('orders')]);

    expect(problems.map((p) => [p.clusterId, p.field])).toEqual([
      ['orders', 'copies[1].shareKmsKeyId'],
      ['billing', 'copies[1].shareKmsKeyId'],
    ]);
    expect(listings()).toBe(1);
    expect(kms.commandCalls(DescribeKeyCommand).map((c) => c.args[0].input)).toEqual([
      { KeyId: AWS_KEY },
      { KeyId: AWS_KEY },
    ]);
  });

  it('turns a key KMS cannot describe into a problem that says why', async () => {
    kms.on(DescribeKeyCommand).rejects(new NotFoundException({ message: 'no such key', $metadata: {} }));
    const { ctx } = context();

    const [problem] = await checkCopyKeys(ctx, policy({ copies: [drSameRegion] }), [planned('orders')]);

    expect(problem?.message).toMatch(/could not read who manages the key of orders .*: NotFoundException$/);
  });

  it('checks nothing for a policy without copies, and skips lines that are no cluster of a Region', async () => {
    const { ctx, listings } = context();

    expect(await checkCopyKeys(ctx, policy(), [planned('orders')])).toEqual([]);
    expect(
      await checkCopyKeys(ctx, policy({ copies: [west] }), [planned('*'), planned('ghost', '*')]),
    ).toEqual([]);
    expect(listings()).toBe(0);
  });
});

describe('listedOnce', () => {
  it("lists each location once for every caller, and keeps the port's other methods and state", async () => {
    class Inventory {
      calls = 0;
      constructor(private readonly prefix: string) {}
      async listClustersOfAnyEngine(at: { region: string }): Promise<AnyEngineCluster[]> {
        this.calls++;
        return [{ id: `${this.prefix}-${at.region}`, arn: 'arn', status: 'available', engine: 'docdb' }];
      }
      describe(): string {
        return this.prefix;
      }
    }
    const inner = new Inventory('orders');
    const shared = listedOnce(inner);

    const [first, again, other] = await Promise.all([
      shared.listClustersOfAnyEngine({ region: 'us-east-1' }),
      shared.listClustersOfAnyEngine({ region: 'us-east-1' }),
      shared.listClustersOfAnyEngine({ region: 'eu-west-1' }),
    ]);

    expect([first[0]?.id, again[0]?.id, other[0]?.id]).toEqual([
      'orders-us-east-1',
      'orders-us-east-1',
      'orders-eu-west-1',
    ]);
    expect(inner.calls).toBe(2);
    expect(shared.describe()).toBe('orders');
  });
});

describe('KmsAdapter', () => {
  it('asks the Region of a key ARN, and the given Region for an alias', async () => {
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: 'k', KeyManager: 'CUSTOMER' } });
    const regions: string[] = [];
    const adapter = new KmsAdapter((region) => {
      regions.push(region);
      return new KMSClient({ region });
    });

    expect(await adapter.describeKey('arn:aws:kms:eu-west-1:111122223333:key/k', 'us-east-1')).toEqual({
      arn: 'arn:aws:kms:eu-west-1:111122223333:key/k',
      manager: 'CUSTOMER',
    });
    await adapter.describeKey('alias/aws/rds', 'us-east-1');

    expect(regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(regionOfKey('alias/aws/rds')).toBeUndefined();
  });
});

describe('the copies in the plan text', () => {
  const plain = createStyle(false);

  it('lists where the copies go, then the problems or that the keys fit', () => {
    const destinations = copyDestinations(policy({ regions: ['us-east-1'], copies: [west, drSameRegion] }));
    const [problem] = copyKeyProblems([west, drSameRegion], [cluster('orders', AWS_KEY)], managers);

    expect(destinations).toEqual(['us-west-2', '444455556666/us-east-1']);
    expect(copyPlanLines(destinations, [], plain)).toEqual([
      '  copies  to us-west-2, 444455556666/us-east-1: the keys fit every selected cluster',
    ]);
    expect(copyPlanLines(destinations, null, plain)).toEqual([
      '  copies  to us-west-2, 444455556666/us-east-1',
    ]);
    expect(copyPlanLines(destinations, [problem!], plain)).toEqual([
      '  copies  to us-west-2, 444455556666/us-east-1: 1 problem',
      '    REGION     CLUSTER  DESTINATION             PROBLEM',
      `    us-east-1  orders   444455556666/us-east-1  error: ${problem!.message}`,
    ]);
    expect(copyPlanLines([], [], plain)).toEqual([]);
  });

  it('lists one destination per source Region for a copy to another account’s same Region', () => {
    expect(
      copyDestinations(policy({ regions: ['us-east-1', 'eu-west-1'], copies: [{ account: ACCOUNT }] })),
    ).toEqual(['444455556666/us-east-1', '444455556666/eu-west-1']);
  });
});
