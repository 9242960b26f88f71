/**
 * KMS keys per account and Region, and KMS `DescribeKey` (JSON 1.1, `X-Amz-Target: TrentService.DescribeKey`),
 * so a caller can tell a customer managed key from the AWS managed `alias/aws/rds` key. Customer keys are
 * seeded (`kmsKeys`); the AWS managed key for RDS exists in every account and Region without seeding, as
 * AWS creates it on first use ("AWS managed keys", AWS KMS developer guide, concepts.html#aws-managed-key).
 * Every key is symmetric, single-Region and `Enabled` unless seeded `enabled: false`.
 */
import { defaultKmsKeyArn, parseArn } from './aws-ids.js';
import type { CallContext } from './context.js';
import { AwsApiError } from './errors.js';
import type { JsonHandler } from './eventbridge.js';
import type { KmsKeyRecord, World } from './world.js';

/** The AWS managed key's alias, which RDS (and so DocumentDB) encrypts with when given no key. */
export const AWS_RDS_ALIAS = 'alias/aws/rds';

/** The AWS managed `alias/aws/rds` key of an account and Region (its ARN is stable per account and Region). */
export function awsManagedRdsKey(accountId: string, region: string): KmsKeyRecord {
  const arn = defaultKmsKeyArn(region, accountId);
  return {
    id: arn.slice(arn.indexOf(':key/') + ':key/'.length),
    arn,
    manager: 'AWS',
    aliases: [AWS_RDS_ALIAS],
    enabled: true,
    createdAtMs: 0,
  };
}

/** Where a KeyId points: which account and Region, and the key id or alias name there. */
interface KeyReference {
  accountId: string;
  region: string;
  keyId?: string;
  alias?: string;
}

/**
 * Reads a KeyId as KMS does: a key id or alias name (`alias/…`) in the caller's account and Region, or a
 * key ARN or alias ARN naming its own account and Region. Undefined when it is none of these.
 */
function referenceOf(keyId: string, accountId: string, region: string): KeyReference | undefined {
  const arn = parseArn(keyId);
  if (arn) {
    if (arn.service !== 'kms') return undefined;
    if (arn.resource.startsWith('key/'))
      return { accountId: arn.accountId, region: arn.region, keyId: arn.resource.slice(4) };
    if (arn.resource.startsWith('alias/'))
      return { accountId: arn.accountId, region: arn.region, alias: arn.resource };
    return undefined;
  }
  if (keyId.startsWith('alias/')) return { accountId, region, alias: keyId };
  return keyId === '' ? undefined : { accountId, region, keyId };
}

/**
 * The key a KeyId names, seen from `accountId` in `region`, or undefined when there is none.
 * Example: `findKey(world, 'alias/aws/rds', '111122223333', 'us-east-1')?.manager` → `'AWS'`
 */
export function findKey(
  world: World,
  keyId: string,
  accountId: string,
  region: string,
): KmsKeyRecord | undefined {
  const ref = referenceOf(keyId, accountId, region);
  if (!ref) return undefined;
  const managed = awsManagedRdsKey(ref.accountId, ref.region);
  if (ref.alias === AWS_RDS_ALIAS || ref.keyId === managed.id) return managed;
  const keys = world.findStore(ref.accountId, ref.region)?.kmsKeys;
  if (!keys) return undefined;
  if (ref.keyId !== undefined) return keys.get(ref.keyId);
  for (const key of keys.values()) if (ref.alias && key.aliases.includes(ref.alias)) return key;
  return undefined;
}

/** The key a stored key ARN (a cluster's or snapshot's `KmsKeyId`) names, or undefined. */
export function keyOfArn(world: World, keyArn: string): KmsKeyRecord | undefined {
  const arn = parseArn(keyArn);
  return arn ? findKey(world, keyArn, arn.accountId, arn.region) : undefined;
}

/**
 * NotFoundException as KMS words it: `Key 'arn:…:key/…' does not exist` for a key, `Alias arn:…:alias/… is
 * not found.` for an alias (as quoted in user reports, e.g. github.com/cloudposse/docs/issues/152), and
 * `Invalid keyId …` for a value that is neither.
 */
function notFound(keyId: string, accountId: string, region: string): AwsApiError {
  const ref = referenceOf(keyId, accountId, region);
  let message = `Invalid keyId ${keyId}`;
  if (ref?.alias) message = `Alias arn:aws:kms:${ref.region}:${ref.accountId}:${ref.alias} is not found.`;
  else if (ref?.keyId)
    message = `Key 'arn:aws:kms:${ref.region}:${ref.accountId}:key/${ref.keyId}' does not exist`;
  return new AwsApiError('NotFoundException', message, 400);
}

/**
 * DescribeKey: KeyMetadata of the key a key id, key ARN, alias name or alias ARN names
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html). A key of another Region is
 * not found, as keys are Regional.
 */
function describeKey(ctx: CallContext, input: Record<string, unknown>): unknown {
  const keyId = input.KeyId;
  if (typeof keyId !== 'string' || keyId === '') {
    throw new AwsApiError(
      'ValidationException',
      "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
      400,
    );
  }
  const key = findKey(ctx.world, keyId, ctx.accountId, ctx.region);
  const arn = key ? parseArn(key.arn) : undefined;
  if (!key || !arn || arn.region !== ctx.region) throw notFound(keyId, ctx.accountId, ctx.region);
  return {
    KeyMetadata: {
      AWSAccountId: arn.accountId,
      KeyId: key.id,
      Arn: key.arn,
      CreationDate: Math.floor(key.createdAtMs / 1000),
      Enabled: key.enabled,
      Description:
        key.manager === 'AWS'
          ? 'Default key that protects my RDS database volumes when no other key is defined'
          : '',
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeyState: key.enabled ? 'Enabled' : 'Disabled',
      Origin: 'AWS_KMS',
      KeyManager: key.manager,
      CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      KeySpec: 'SYMMETRIC_DEFAULT',
      EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
      MultiRegion: false,
    },
  };
}

export const KMS_TARGET_PREFIX = 'TrentService';

export const KMS_ACTIONS: Readonly<Record<string, JsonHandler>> = {
  DescribeKey: describeKey,
};
