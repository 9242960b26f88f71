/**
 * The way into a copy's destination account: the role its `copies[].roleArn` names, assumed with its
 * `externalId` (the target role's trust policy demands it: `npx docdb-backup target-role`). Credentials
 * are kept until five minutes before they expire, then assumed again; a role that cannot be assumed is a
 * CopyRefusedError (`destination-unreachable`) naming the role, never a silent skip.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CopyRefusedError } from '../backup/errors.js';
import { THROTTLING_ERRORS } from '../backup/failures.js';
import type { CredentialsForAccount } from './clients.js';
import type { CallDeclarations } from './permissions.js';

/** How to reach one destination account. */
export interface AccountAccess {
  roleArn: string;
  externalId: string;
}

/** The AWS calls of `assumedRoleCredentials`, per method (shared/aws/permissions.ts). */
export const STS_CALLS = {
  assumeRole: {
    command: AssumeRoleCommand,
    actions: ['sts:AssumeRole'],
    resources: ['role'],
    why: "reach a copy's destination account through the role its policy names (with its external id)",
  },
} as const satisfies CallDeclarations;

/** Credentials are assumed again this long before they expire. */
const REFRESH_BEFORE_MS = 5 * 60_000;
/** The session length asked for (STS's default and the role's minimum maximum). */
const SESSION_SECONDS = 3_600;

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Transient STS answers are the SDK's to retry; anything else means the role is not ours to assume. */
function unreachable(account: string, access: AccountAccess, error: unknown): unknown {
  if (!(error instanceof Error) || THROTTLING_ERRORS.has(error.name)) return error;
  const fault = (error as { $fault?: string }).$fault;
  if (fault === 'server') return error;
  return new CopyRefusedError(
    'destination-unreachable',
    `cannot assume ${access.roleArn} in account ${account}: ${error.name}: ${error.message}`,
    { cause: error },
  );
}

/**
 * A credential provider for one account through its role, refreshed before expiry, one AssumeRole in
 * flight at a time.
 * @example const provider = assumedRole(sts, '444455556666', { roleArn, externalId }, 'docdb-backup')
 */
export function assumedRole(
  sts: Pick<STSClient, 'send'>,
  account: string,
  access: AccountAccess,
  sessionName: string,
  now: () => number = Date.now,
): () => Promise<Credentials> {
  let current: Credentials | undefined;
  let pending: Promise<Credentials> | undefined;
  const assume = async (): Promise<Credentials> => {
    try {
      const out = await sts.send(
        new AssumeRoleCommand({
          RoleArn: access.roleArn,
          RoleSessionName: sessionName,
          ExternalId: access.externalId,
          DurationSeconds: SESSION_SECONDS,
        }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey)
        throw new Error(`AssumeRole of ${access.roleArn} returned no credentials`);
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: c.Expiration,
      };
    } catch (error) {
      throw unreachable(account, access, error);
    }
  };
  return async () => {
    const fresh = current?.expiration ? current.expiration.getTime() - REFRESH_BEFORE_MS > now() : !!current;
    if (current && fresh) return current;
    pending ??= assume().finally(() => {
      pending = undefined;
    });
    current = await pending;
    return current;
  };
}

/**
 * `credentialsFor` of the DocumentDB client pool (clients.ts) for the accounts the policies copy to.
 * @example docdbClients({}, { credentialsFor: accountCredentials(new Map([[account, access]])) })
 */
export function accountCredentials(
  accounts: ReadonlyMap<string, AccountAccess>,
  options: { sts?: Pick<STSClient, 'send'>; sessionName?: string; region?: string } = {},
): CredentialsForAccount {
  const sts = options.sts ?? new STSClient({ region: options.region, maxAttempts: 4 });
  const providers = new Map<string, () => Promise<Credentials>>();
  return (account) => {
    const access = accounts.get(account);
    if (!access) return undefined;
    let provider = providers.get(account);
    if (!provider) {
      provider = assumedRole(sts, account, access, options.sessionName ?? 'docdb-backup');
      providers.set(account, provider);
    }
    return provider;
  };
}
