// Seam: `docdb-backup plan` for policies with disaster-recovery copies: the clusters' encryption from the
// emulator's DescribeDBClusters over real HTTP, KMS DescribeKey from an aws-sdk-client-mock'ed KMS client
// (the emulator's KMS had not landed): a cluster encrypted with the AWS managed key copied to another
// account without shareKmsKeyId is an error line naming the cluster, the destination and the fix, and
// plan exits 1 as it does for a line that would fail.
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliWorld, cli, resetCliWorld, startCliWorld, writePolicies } from './support.js';

const AWS_MANAGED = 'arn:aws:kms:us-east-1:123456789012:key/0000abcd-12ab-34cd-56ef-1234567890ab';
const CUSTOMER = 'arn:aws:kms:us-east-1:123456789012:key/9999abcd-12ab-34cd-56ef-1234567890ab';
const ROLE = `    roleArn: arn:aws:iam::444455556666:role/docdb-backup-copier
        externalId: docdb-backup-7f3a9c
        kmsKeyId: arn:aws:kms:us-east-1:444455556666:key/2234abcd-12ab-34cd-56ef-1234567890ab`;

const POLICIES = `version: 1
defaults:
  regions: [us-east-1]
policies:
  - name: nightly
    schedule: cron(0 3 * * ? *)
    retention: { keepLast: 7 }
    clusters:
      identifiers: [orders, payments, plain]
    copies:
      - region: us-west-2
        kmsKeyId: arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
      - account: "444455556666"
    ${ROLE}
  - name: weekly
    schedule: cron(0 4 ? * SUN *)
    retention: { keepLast: 4 }
    clusters:
      identifiers: [orders]
    copies:
      - account: "444455556666"
    ${ROLE}
        shareKmsKeyId: arn:aws:kms:us-east-1:123456789012:key/3234abcd-12ab-34cd-56ef-1234567890ab
`;

const FLEET = {
  regions: {
    'us-east-1': {
      clusters: [
        { id: 'orders', encrypted: true, kmsKeyId: AWS_MANAGED },
        { id: 'payments', encrypted: true, kmsKeyId: CUSTOMER },
        { id: 'plain' },
      ],
    },
  },
};

const kms = mockClient(KMSClient);
let world: CliWorld;
let file: string;
beforeAll(async () => {
  world = await startCliWorld();
  await resetCliWorld(world, FLEET);
  file = writePolicies(world, POLICIES);
  kms
    .on(DescribeKeyCommand, { KeyId: AWS_MANAGED })
    .resolves({ KeyMetadata: { KeyId: '0000', Arn: AWS_MANAGED, KeyManager: 'AWS' } })
    .on(DescribeKeyCommand, { KeyId: CUSTOMER })
    .resolves({ KeyMetadata: { KeyId: '9999', Arn: CUSTOMER, KeyManager: 'CUSTOMER' } });
});
afterAll(async () => {
  kms.restore();
  await world.emu.stop();
});

const FIX =
  'orders is encrypted with the AWS managed key (aws/rds), whose snapshots AWS refuses to share: its copy to ' +
  'us-east-1 of account 444455556666 cannot be made. Set copies[1].shareKmsKeyId to a customer managed key of ' +
  'this account in us-east-1 that account 444455556666 may use (the snapshot is re-encrypted with it before it ' +
  'is shared)';

describe('docdb-backup plan with copies', () => {
  it('refuses an AWS managed key copied to another account, naming the cluster, the destination and the fix', async () => {
    kms.resetHistory();

    const out = await cli(world, [
      'plan',
      '--file',
      file,
      '--policy',
      'nightly',
      '--at',
      '2026-11-28T03:00Z',
    ]);

    expect(out.code, out.stderr).toBe(1);
    expect(out.stdout.split('\n').slice(-5)).toEqual([
      '  3 to snapshot, 0 skipped, 0 would fail',
      '  copies  to us-west-2, 444455556666/us-east-1: 1 problem',
      '    REGION     CLUSTER  DESTINATION             PROBLEM',
      `    us-east-1  orders   444455556666/us-east-1  error: ${FIX}`,
      '',
    ]);
    // The key of each encrypted cluster copied to another account without a share key, once each.
    expect(
      kms
        .commandCalls(DescribeKeyCommand)
        .map((c) => c.args[0].input.KeyId)
        .sort(),
    ).toEqual([AWS_MANAGED, CUSTOMER]);
  });

  it('lists the problem in the JSON plan of its policy, and none for a policy with shareKmsKeyId', async () => {
    const out = await cli(world, ['plan', '--file', file, '--at', '2026-11-28T03:00Z', '--json']);

    expect(out.code).toBe(1);
    const [nightly, weekly] = JSON.parse(out.stdout).policies;
    expect(nightly.copies).toEqual(['us-west-2', '444455556666/us-east-1']);
    expect(nightly.copyProblems).toEqual([
      {
        region: 'us-east-1',
        clusterId: 'orders',
        destination: { region: 'us-east-1', account: '444455556666' },
        field: 'copies[1].shareKmsKeyId',
        message: FIX,
      },
    ]);
    expect(weekly.copyProblems).toEqual([]);
  });

  it('exits 0 when every copy can be made, and checks nothing offline', async () => {
    const weekly = await cli(world, [
      'plan',
      '--file',
      file,
      '--policy',
      'weekly',
      '--at',
      '2026-11-28T03:00Z',
    ]);
    const offline = await cli(world, ['plan', '--file', file, '--offline', '--json']);

    expect(weekly.code, weekly.stdout).toBe(0);
    expect(weekly.stdout).toContain(
      '  copies  to 444455556666/us-east-1: the keys fit every selected cluster\n',
    );
    expect(offline.code).toBe(0);
    expect(JSON.parse(offline.stdout).policies.map((p: { copyProblems: unknown }) => p.copyProblems)).toEqual(
      [null, null],
    );
  });
});
