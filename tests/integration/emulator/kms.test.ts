// Seam: the emulator's KMS DescribeKey (JSON 1.1, TrentService) as the real @aws-sdk/client-kms sees it over
// HTTP — seeded customer keys, the implicit AWS managed alias/aws/rds key, KMS's NotFoundException wording.
import { DescribeKeyCommand, NotFoundException } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { EmulatorConfigError } from '../../../local/emulator.js';
import { DR, useDrEmulator } from './dr-support.js';
import { rejectionOf } from './support.js';

const t = useDrEmulator();

describe('KMS DescribeKey', () => {
  it.each([
    ['its key id', '1a2b3c4d-0000-4000-8000-000000000001'],
    ['its key ARN', DR.keys.sourceEast],
    ['its alias name', 'alias/docdb-backup'],
    ['its alias ARN', `arn:aws:kms:us-east-1:${DR.sourceAccount}:alias/docdb-backup`],
  ])('describes a seeded customer managed key by %s', async (_how, keyId) => {
    const { KeyMetadata } = await t.kms().send(new DescribeKeyCommand({ KeyId: keyId }));

    expect(KeyMetadata).toMatchObject({
      Arn: DR.keys.sourceEast,
      KeyId: '1a2b3c4d-0000-4000-8000-000000000001',
      AWSAccountId: DR.sourceAccount,
      KeyManager: 'CUSTOMER',
      KeyState: 'Enabled',
      Enabled: true,
      KeySpec: 'SYMMETRIC_DEFAULT',
    });
  });

  it('knows the AWS managed alias/aws/rds key of every account and Region without seeding', async () => {
    const kms = t.kms({ region: 'ap-southeast-2' });

    const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/rds' }));
    const again = await kms.send(new DescribeKeyCommand({ KeyId: KeyMetadata?.Arn }));

    expect(KeyMetadata).toMatchObject({ KeyManager: 'AWS', KeyState: 'Enabled' });
    expect(KeyMetadata?.Arn).toMatch(/^arn:aws:kms:ap-southeast-2:123456789012:key\/[0-9a-f-]{36}$/);
    expect(again.KeyMetadata?.KeyId).toBe(KeyMetadata?.KeyId);
  });

  it('tells the key an encrypted cluster uses by default: the AWS managed one', async () => {
    const state = t.emu.state();
    const audit = state.accounts[DR.sourceAccount]?.regions['us-east-1']?.clusters.find(
      (c) => c.id === 'audit',
    );

    const { KeyMetadata } = await t.kms().send(new DescribeKeyCommand({ KeyId: audit?.kmsKeyId }));

    expect(KeyMetadata?.KeyManager).toBe('AWS');
  });

  it('shows a disabled key as Disabled', async () => {
    const { KeyMetadata } = await t
      .kms({ region: 'us-west-2' })
      .send(new DescribeKeyCommand({ KeyId: DR.keys.sourceWestDisabled }));

    expect(KeyMetadata).toMatchObject({ KeyState: 'Disabled', Enabled: false });
  });

  it.each([
    [
      'an unknown key id',
      '0000aaaa-0000-4000-8000-00000000dead',
      "Key 'arn:aws:kms:us-east-1:123456789012:key/0000aaaa-0000-4000-8000-00000000dead' does not exist",
    ],
    ['an unknown alias', 'alias/nope', 'Alias arn:aws:kms:us-east-1:123456789012:alias/nope is not found.'],
    ['a key of another Region', DR.keys.sourceWest, `Key '${DR.keys.sourceWest}' does not exist`],
  ])('answers NotFoundException for %s', async (_what, keyId, message) => {
    const error = await rejectionOf(t.kms().send(new DescribeKeyCommand({ KeyId: keyId })));

    expect(error).toBeInstanceOf(NotFoundException);
    expect(error.message).toBe(message);
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('counts its calls and throttles them with the kms:* token bucket', async () => {
    t.emu.setFaults({ throttle: { 'kms:*': { rate: 0.001, burst: 1 } } });
    const kms = t.kms();

    await kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/rds' }));
    const error = await rejectionOf(kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/rds' })));

    expect(error.name).toBe('ThrottlingException');
    expect(t.emu.callCount('kms:DescribeKey')).toBe(2);
    expect(t.emu.throttledCount('kms:DescribeKey')).toBe(1);
  });

  it('shows seeded keys in the state and refuses a key ARN that names another account', () => {
    const keys = t.emu.state().accounts[DR.targetAccount]?.regions['us-east-1']?.kmsKeys;

    expect(keys).toEqual([
      {
        id: '1a2b3c4d-0000-4000-8000-000000000003',
        arn: DR.keys.targetEast,
        manager: 'CUSTOMER',
        aliases: [],
        enabled: true,
      },
    ]);
    expect(() =>
      t.emu.seed({
        regions: {
          'us-east-1': { kmsKeys: [{ id: 'k1', arn: 'arn:aws:kms:us-east-1:999999999999:key/k1' }] },
        },
      }),
    ).toThrow(EmulatorConfigError);
  });
});
