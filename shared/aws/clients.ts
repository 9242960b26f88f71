/**
 * SDK client settings shared by every adapter: explicit retry strategy for throttling and bounded request
 * times. Endpoints come only from the SDK's own configuration (AWS_ENDPOINT_URL and friends).
 */
import { DocDBClient, type DocDBClientConfig } from '@aws-sdk/client-docdb';
import { StandardRetryStrategy } from '@smithy/core/retry';

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

/**
 * One DocumentDB client per Region, created on first use and kept for warm starts. With
 * `throttlingToEngine`, each client leaves throttling to the engine's pacing (retriesWithoutThrottling).
 * @example const clientFor = docdbClients({}, { throttlingToEngine: true }); clientFor('eu-west-1').send(...)
 */
export function docdbClients(
  config: Record<string, unknown> = {},
  options: { throttlingToEngine?: boolean } = {},
): (region: string) => DocDBClient {
  const clients = new Map<string, DocDBClient>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      const retries = options.throttlingToEngine ? { retryStrategy: retriesWithoutThrottling() } : {};
      client = new DocDBClient({ ...COMMON_CLIENT_CONFIG, ...config, ...retries, region });
      clients.set(region, client);
    }
    return client;
  };
}
