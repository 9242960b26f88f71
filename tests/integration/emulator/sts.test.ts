// Seam: the emulator's STS (Query, 2011-06-15) as the real @aws-sdk/client-sts sees it over HTTP —
// AssumeRole against seeded trust (accounts, external id) and the account its credentials then act in.
import { DescribeDBClustersCommand } from '@aws-sdk/client-docdb';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { DR, useDrEmulator } from './dr-support.js';
import { rejectionOf } from './support.js';

const t = useDrEmulator();

function assume(
  input: { RoleArn?: string; ExternalId?: string; RoleSessionName?: string; DurationSeconds?: number },
  accessKeyId?: string,
) {
  return t.sts(accessKeyId ? { accessKeyId } : {}).send(
    new AssumeRoleCommand({
      RoleArn: input.RoleArn ?? DR.roleArn,
      RoleSessionName: input.RoleSessionName ?? 'copier',
      ...(input.ExternalId === undefined ? {} : { ExternalId: input.ExternalId }),
      ...(input.DurationSeconds === undefined ? {} : { DurationSeconds: input.DurationSeconds }),
    }),
  );
}

describe('STS AssumeRole', () => {
  it('hands out credentials of the role account when the trust and external id match', async () => {
    const { Credentials, AssumedRoleUser } = await assume({ ExternalId: DR.externalId });

    expect(Credentials?.AccessKeyId).toMatch(/^ASIA[0-9A-F]{16}$/);
    expect(Credentials?.SecretAccessKey).toBeTruthy();
    expect(Credentials?.SessionToken).toBeTruthy();
    expect(Credentials?.Expiration).toBeInstanceOf(Date);
    expect(AssumedRoleUser?.Arn).toBe(
      `arn:aws:sts::${DR.targetAccount}:assumed-role/docdb-backup-copier/copier`,
    );
    expect(t.emu.state().accessKeys[Credentials?.AccessKeyId ?? '']).toBe(DR.targetAccount);
  });

  it('lands later calls signed with those credentials in the role account', async () => {
    t.emu.seed({
      accounts: { [DR.targetAccount]: { regions: { 'us-east-1': { clusters: [{ id: 'dr-only' }] } } } },
    });
    const docdb = await t.assumeCopier();
    const { Credentials } = await assume({ ExternalId: DR.externalId });
    const sts = new STSClient({
      endpoint: t.emu.url,
      region: 'us-east-1',
      credentials: {
        accessKeyId: Credentials?.AccessKeyId ?? '',
        secretAccessKey: Credentials?.SecretAccessKey ?? '',
        sessionToken: Credentials?.SessionToken ?? '',
      },
    });

    const { DBClusters } = await docdb.send(new DescribeDBClustersCommand({}));
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();

    expect(DBClusters?.map((cluster) => cluster.DBClusterIdentifier)).toEqual(['dr-only']);
    expect(identity).toMatchObject({
      Account: DR.targetAccount,
      Arn: `arn:aws:sts::${DR.targetAccount}:assumed-role/docdb-backup-copier/copier`,
    });
    expect(identity.UserId).toMatch(/^AROA[A-Z2-7]{17}:copier$/);
  });

  it('answers GetCallerIdentity for a plain access key with its account', async () => {
    const identity = await t
      .sts({ accessKeyId: DR.targetAccessKeyId })
      .send(new GetCallerIdentityCommand({}));

    expect(identity).toMatchObject({
      Account: DR.targetAccount,
      Arn: `arn:aws:iam::${DR.targetAccount}:user/emulator`,
    });
  });

  it.each([
    ['without the external id the role demands', {}, undefined],
    ['with the wrong external id', { ExternalId: 'guess-me' }, undefined],
    ['from an account the role does not trust', { ExternalId: DR.externalId }, DR.targetAccessKeyId],
    [
      'for a role that does not exist',
      { RoleArn: `arn:aws:iam::${DR.targetAccount}:role/nope`, ExternalId: DR.externalId },
      undefined,
    ],
  ])(
    'refuses %s with AccessDenied (403) naming the caller and the role',
    async (_why, input, accessKeyId) => {
      const error = await rejectionOf(assume(input, accessKeyId));

      const caller = accessKeyId ? DR.targetAccount : DR.sourceAccount;
      const role = 'RoleArn' in input ? input.RoleArn : DR.roleArn;
      expect(error.name).toBe('AccessDenied');
      expect(error.$metadata.httpStatusCode).toBe(403);
      expect(error.message).toBe(
        `User: arn:aws:iam::${caller}:user/emulator is not authorized to perform: sts:AssumeRole on resource: ${role}`,
      );
    },
  );

  it('lets a role without an external id condition ignore one given', async () => {
    t.emu.seed({
      accounts: { [DR.targetAccount]: { roles: { open: { trust: { accounts: [DR.sourceAccount] } } } } },
    });

    const { Credentials } = await assume({
      RoleArn: `arn:aws:iam::${DR.targetAccount}:role/open`,
      ExternalId: 'anything',
    });

    expect(Credentials?.AccessKeyId).toBeTruthy();
  });

  it.each([
    [
      'a one-character session name',
      { RoleSessionName: 'x', ExternalId: DR.externalId },
      "Value 'x' at 'roleSessionName'",
    ],
    [
      'a duration under 15 minutes',
      { DurationSeconds: 60, ExternalId: DR.externalId },
      "Value '60' at 'durationSeconds'",
    ],
  ])('answers ValidationError for %s', async (_what, input, part) => {
    const error = await rejectionOf(assume(input));

    expect(error.name).toBe('ValidationError');
    expect(error.message).toContain(part);
  });

  it('refuses a duration beyond the role MaxSessionDuration', async () => {
    const error = await rejectionOf(assume({ ExternalId: DR.externalId, DurationSeconds: 7200 }));

    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe(
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  });

  it('counts AssumeRole calls, shows the sessions, and throttles with the sts:* bucket', async () => {
    await assume({ ExternalId: DR.externalId });
    t.emu.setFaults({ throttle: { 'sts:*': { rate: 0.001, burst: 1 } } });
    await assume({ ExternalId: DR.externalId });

    const error = await rejectionOf(assume({ ExternalId: DR.externalId }));

    expect(error.name).toBe('Throttling');
    expect(t.emu.callCount('sts:AssumeRole')).toBe(3);
    expect(Object.values(t.emu.state().sessions)).toEqual([
      expect.objectContaining({
        roleArn: DR.roleArn,
        externalId: DR.externalId,
        accountId: DR.targetAccount,
      }),
      expect.objectContaining({ roleArn: DR.roleArn }),
    ]);
    expect(t.emu.state().accounts[DR.targetAccount]?.roles[DR.roleArn]).toMatchObject({
      trustedAccounts: [DR.sourceAccount],
      externalId: DR.externalId,
    });
  });
});
