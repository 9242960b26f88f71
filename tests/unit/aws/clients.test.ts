// Seam: SDK client configuration (shared/aws/clients.ts): throttling is left to the SDK's standard retry
// strategy, configured explicitly, and clients are made once per location (account and Region).
import { describe, expect, it } from 'vitest';
import { docdbClients, SDK_MAX_ATTEMPTS } from '../../../shared/aws/clients.js';

describe('SDK clients', () => {
  it('retries throttled calls with the standard strategy and an explicit attempt count', async () => {
    const client = docdbClients()({ region: 'eu-west-1' });
    expect(await client.config.maxAttempts()).toBe(SDK_MAX_ATTEMPTS);
    expect(((await client.config.retryStrategy()) as { mode?: string }).mode).toBe('standard');
    expect(await client.config.region()).toBe('eu-west-1');
  });

  it('keeps one client per location for warm starts', () => {
    const clientFor = docdbClients();
    expect(clientFor({ region: 'us-east-1' })).toBe(clientFor({ region: 'us-east-1' }));
    expect(clientFor({ region: 'us-east-1' })).not.toBe(clientFor({ region: 'eu-west-1' }));
  });

  it("reaches another account only with that account's credentials, and says so otherwise", async () => {
    const theirs = { accessKeyId: 'AKIDOTHER', secretAccessKey: 'other' };
    const clientFor = docdbClients(
      {},
      { credentialsFor: (account) => (account === '210987654321' ? async () => theirs : undefined) },
    );
    const other = clientFor({ region: 'eu-west-1', account: '210987654321' });
    expect(other).not.toBe(clientFor({ region: 'eu-west-1' }));
    expect(await other.config.credentials()).toMatchObject({ accessKeyId: 'AKIDOTHER' });
    expect(() => clientFor({ region: 'eu-west-1', account: '111122223333' })).toThrow(
      /no credentials are configured for account 111122223333 \(eu-west-1 of account 111122223333\)/,
    );
    expect(() => docdbClients()({ region: 'eu-west-1', account: '210987654321' })).toThrow(
      /only the service's own account/,
    );
    clientFor.destroyAll();
  });
});
