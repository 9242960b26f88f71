/**
 * KMS keys, read only: who manages a key. The operator CLI's `plan` asks it of an encrypted cluster's key
 * before a copy to another account, because AWS refuses to share a snapshot encrypted with the AWS
 * managed key (`aws/rds`): such a copy needs `copies[].shareKmsKeyId`. No function calls it.
 */
import { DescribeKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { CallDeclarations } from './permissions.js';

/** The AWS calls of `KmsAdapter`, per method (shared/aws/permissions.ts). */
export const KMS_CALLS = {
  describeKey: {
    command: DescribeKeyCommand,
    actions: ['kms:DescribeKey'],
    resources: ['kms-key'],
    why: "plan: whether an encrypted cluster's key is the AWS managed key (its snapshots cannot be shared)",
  },
} as const satisfies CallDeclarations;

/** A key as `plan` needs it. */
export interface KmsKey {
  /** The key's ARN, as KMS gives it (or as asked for, when it gives none). */
  arn: string;
  /** `AWS` for an AWS managed key (`aws/rds`), `CUSTOMER` for a customer managed one; as KMS says. */
  manager: string;
}

/** The CLI's view of KMS (cli/aws.ts). */
export interface KeyLookup {
  /** Describes a key (an ARN, id or alias) in `region`. Throws the SDK's error. */
  describeKey(keyId: string, region: string, signal?: AbortSignal): Promise<KmsKey>;
}

/**
 * The Region of a KMS key ARN, or undefined for a key id or alias.
 * @example regionOfKey('arn:aws:kms:eu-west-1:111122223333:key/1234') // 'eu-west-1'
 */
export function regionOfKey(keyId: string): string | undefined {
  const [arn, , service, region] = keyId.split(':');
  return arn === 'arn' && service === 'kms' && region ? region : undefined;
}

/** KeyLookup over one KMS client per Region (created by the caller, e.g. on first use). */
export class KmsAdapter implements KeyLookup {
  constructor(private readonly clientFor: (region: string) => KMSClient) {}

  /** The key's Region is its ARN's when it is one (a key lives in one Region), else `region`. */
  async describeKey(keyId: string, region: string, signal?: AbortSignal): Promise<KmsKey> {
    const out = await this.clientFor(regionOfKey(keyId) ?? region).send(
      new DescribeKeyCommand({ KeyId: keyId }),
      { abortSignal: signal },
    );
    return { arn: out.KeyMetadata?.Arn ?? keyId, manager: out.KeyMetadata?.KeyManager ?? 'unknown' };
  }
}
