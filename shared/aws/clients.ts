/**
 * SDK client settings shared by every adapter: explicit retry strategy for throttling and bounded request
 * times. Endpoints come only from the SDK's own configuration (AWS_ENDPOINT_URL and friends).
 */
import { DocDBClient, type DocDBClientConfig } from '@aws-sdk/client-docdb';
import { StandardRetryStrategy } from '@smithy/core/retry';
import { describeLocation, type Location, locationKey } from '../backup/location.js';

type RetryStrategyV2 = Extract<NonNullable<DocDBClientConfig['retryStrategy']>, { recordSuccess: unknown }>;
type RetryToken = Parameters<StandardRetryStrategy['recordSuccess']>[0];

/** Attempts per call, throttling included, with the SDK's standard backoff. */
export const SDK_MAX_ATTEMPTS = 6;

export const COMMON_CLIENT_CONFIG = {
  maxAttempts: SDK_MAX_ATTEMPTS,
  retryMode: 'standard',
  requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
} as const;

/**
 * The SDK's standard retries (5xx, timeouts, connection errors) for everything but throttling: a throttled
 * DocumentDB call goes straight back to the engine, which waits at the rate AWS grants (backup/paced.ts)
 * instead of spending the account's calls on blind retries.
 * @example new DocDBClient({ region, retryStrategy: retriesWithoutThrottling() })
 */
export function retriesWithoutThrottling(maxAttempts = SDK_MAX_ATTEMPTS): RetryStrategyV2 {
  const standard = new StandardRetryStrategy(maxAttempts);
  return {
    acquireInitialRetryToken: (scope) => standard.acquireInitialRetryToken(scope),
    refreshRetryTokenForRetry: (token, info) =>
      info.errorType === 'THROTTLING'
        ? Promise.reject(new Error('throttling is paced by the engine, not retried by the SDK'))
        : standard.refreshRetryTokenForRetry(token as RetryToken, info),
    recordSuccess: (token) => standard.recordSuccess(token as RetryToken),
  };
}

/** Credentials as an SDK client takes them (static, or a provider that refreshes). */
type AwsCredentialIdentityProvider = NonNullable<DocDBClientConfig['credentials']>;

/** Credentials for another account's calls (e.g. a role assumed there); the own account uses the SDK chain. */
export type CredentialsForAccount = (account: string) => AwsCredentialIdentityProvider | undefined;

export interface DocdbClientOptions {
  /** Leave throttling to the engine's pacing (retriesWithoutThrottling). */
  throttlingToEngine?: boolean;
  /** How to reach other accounts; without it (or for an account it does not know) their calls fail. */
  credentialsFor?: CredentialsForAccount;
}

/** The pool of DocumentDB clients: one per location, created on first use, and a way to close them all. */
export interface DocdbClientPool {
  (at: Location): DocDBClient;
  /** Closes every client created so far (their sockets), so a process can end at once. */
  destroyAll(): void;
}

/**
 * One DocumentDB client per location (account and Region), created on first use and kept for warm starts:
 * the own account's through the SDK's credential chain, another account's through `credentialsFor`.
 * @example const clientFor = docdbClients({}, { throttlingToEngine: true }); clientFor({ region: 'eu-west-1' })
 */
export function docdbClients(
  config: Record<string, unknown> = {},
  options: DocdbClientOptions = {},
): DocdbClientPool {
  const clients = new Map<string, DocDBClient>();
  const pool = (at: Location) => {
    const key = locationKey(at);
    let client = clients.get(key);
    if (!client) {
      const retries = options.throttlingToEngine ? { retryStrategy: retriesWithoutThrottling() } : {};
      client = new DocDBClient({
        ...COMMON_CLIENT_CONFIG,
        ...config,
        ...retries,
        ...credentials(at, options),
        region: at.region,
      });
      clients.set(key, client);
    }
    return client;
  };
  return Object.assign(pool, {
    destroyAll() {
      for (const client of clients.values()) client.destroy();
      clients.clear();
    },
  });
}

function credentials(
  at: Location,
  options: DocdbClientOptions,
): { credentials?: AwsCredentialIdentityProvider } {
  if (at.account === undefined) return {};
  const provider = options.credentialsFor?.(at.account);
  if (!provider)
    throw new Error(
      `no credentials are configured for account ${at.account} (${describeLocation(at)}): only the service's own account can be reached`,
    );
  return { credentials: provider };
}
