/**
 * SDK client settings shared by every adapter: explicit retry strategy for throttling and bounded request
 * times. Endpoints come only from the SDK's own configuration (AWS_ENDPOINT_URL and friends).
 */
import { DocDBClient } from '@aws-sdk/client-docdb';

/** Attempts per call, throttling included, with the SDK's standard backoff. */
export const SDK_MAX_ATTEMPTS = 6;

export const COMMON_CLIENT_CONFIG = {
  maxAttempts: SDK_MAX_ATTEMPTS,
  retryMode: 'standard',
  requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
} as const;

/**
 * One DocumentDB client per Region, created on first use and kept for warm starts.
 * @example const clientFor = docdbClients(); clientFor('eu-west-1').send(...)
 */
export function docdbClients(config: Record<string, unknown> = {}): (region: string) => DocDBClient {
  const clients = new Map<string, DocDBClient>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = new DocDBClient({ ...COMMON_CLIENT_CONFIG, ...config, region });
      clients.set(region, client);
    }
    return client;
  };
}
