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

/** The AWS calls of `AccountRoles`, per method (shared/aws/permissions.ts). */
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
 * The roles of the accounts the policies copy to: one credential provider per account, each assumed on
 * first use, kept until five minutes before expiry, one AssumeRole in flight at a time.
 * @example new AccountRoles(sts, accounts, 'docdb-backup').credentialsFor('444455556666')
 */
export class AccountRoles {
  private readonly providers = new Map<string, () => Promise<Credentials>>();

  constructor(
    private readonly sts: Pick<STSClient, 'send'>,
    private readonly accounts: ReadonlyMap<string, AccountAccess>,
    private readonly sessionName: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The provider for an account's clients; undefined for an account no policy copies to. */
  credentialsFor(account: string): (() => Promise<Credentials>) | undefined {
    const access = this.accounts.get(account);
    if (!access) return undefined;
    let provider = this.providers.get(account);
    if (!provider) {
      provider = this.refreshing(account, access);
      this.providers.set(account, provider);
    }
    return provider;
  }

  /** Assumes the account's role once. Throws CopyRefusedError (`destination-unreachable`) when refused. */
  async assumeRole(account: string, access: AccountAccess): Promise<Credentials> {
    try {
      const out = await this.sts.send(
        new AssumeRoleCommand({
          RoleArn: access.roleArn,
          RoleSessionName: this.sessionName,
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
  }

  private refreshing(account: string, access: AccountAccess): () => Promise<Credentials> {
    let current: Credentials | undefined;
    let pending: Promise<Credentials> | undefined;
    return async () => {
      const expires = current?.expiration?.getTime();
      if (current && (expires === undefined || expires - REFRESH_BEFORE_MS > this.now())) return current;
      pending ??= this.assumeRole(account, access).finally(() => {
        pending = undefined;
      });
      current = await pending;
      return current;
    };
  }
}

/**
 * `credentialsFor` of the DocumentDB client pool (clients.ts) for the accounts the policies copy to.
 * @example docdbClients({}, { credentialsFor: accountCredentials(new Map([[account, access]])) })
 */
export function accountCredentials(
  accounts: ReadonlyMap<string, AccountAccess>,
  options: { sts?: Pick<STSClient, 'send'>; sessionName?: string; region?: string } = {},
): CredentialsForAccount {
  // No STS client at all when nothing is copied to another account.
  if (accounts.size === 0) return () => undefined;
  const sts = options.sts ?? new STSClient({ region: options.region, maxAttempts: 4 });
  const roles = new AccountRoles(sts, accounts, options.sessionName ?? 'docdb-backup');
  return (account) => roles.credentialsFor(account);
}
