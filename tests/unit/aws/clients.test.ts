// Seam: SDK client configuration (shared/aws/clients.ts): throttling is left to the SDK's standard retry
// strategy, configured explicitly, and clients are made once per Region.
import { describe, expect, it } from 'vitest';
import { docdbClients, SDK_MAX_ATTEMPTS } from '../../../shared/aws/clients.js';

describe('SDK clients', () => {
  it('retries throttled calls with the standard strategy and an explicit attempt count', async () => {
    const client = docdbClients()('eu-west-1');
    expect(await client.config.maxAttempts()).toBe(SDK_MAX_ATTEMPTS);
    expect(((await client.config.retryStrategy()) as { mode?: string }).mode).toBe('standard');
    expect(await client.config.region()).toBe('eu-west-1');
  });

  it('keeps one client per Region for warm starts', () => {
    const clientFor = docdbClients();
    expect(clientFor('us-east-1')).toBe(clientFor('us-east-1'));
    expect(clientFor('us-east-1')).not.toBe(clientFor('eu-west-1'));
  });
});
