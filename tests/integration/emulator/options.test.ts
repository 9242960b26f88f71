// Seam: startEmulator's options — account, quota, start seed and faults, which every reset restores —
// and its refusal of options, seeds and faults it cannot honour.
import { DescribeDBClustersCommand, DocDBClient } from '@aws-sdk/client-docdb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startEmulator } from '../../../local/emulator.js';
import { EmulatorConfigError } from '../../../local/errors.js';
import { createSnapshot } from './support.js';

function client(url: string): DocDBClient {
  return new DocDBClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
}

describe('startEmulator options', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('is reached by a client configured only through the standard environment (emu.env())', async () => {
    const emu = await startEmulator({
      port: 0,
      seed: { regions: { 'eu-central-1': { clusters: [{ id: 'orders' }] } } },
    });
    for (const [name, value] of Object.entries(emu.env('eu-central-1'))) vi.stubEnv(name, value);
    const docdb = new DocDBClient({ maxAttempts: 1 });
    try {
      const { DBClusters } = await docdb.send(new DescribeDBClustersCommand({}));

      expect(DBClusters?.map((cluster) => cluster.DBClusterArn)).toEqual([
        'arn:aws:rds:eu-central-1:123456789012:cluster:orders',
      ]);
    } finally {
      docdb.destroy();
      await emu.stop();
    }
  });

  it('applies the account, quota, start seed and start faults, and restores them on reset', async () => {
    const emu = await startEmulator({
      port: 0,
      accountId: '111122223333',
      defaultQuota: 1,
      seed: { regions: { 'us-east-1': { clusters: [{ id: 'orders' }] } } },
      faults: { clusters: { orders: { busyForAttempts: 1 } } },
    });
    const docdb = client(emu.url);
    try {
      const snapshot = () => createSnapshot(docdb, 'orders', 's1');
      await expect(snapshot()).rejects.toMatchObject({ name: 'InvalidDBClusterStateFault' });
      await snapshot();

      await emu.reset();
      const { DBClusters } = await docdb.send(new DescribeDBClustersCommand({}));
      const busyAgain = await snapshot().catch((error: Error) => error.name);

      expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(DBClusters?.[0]?.DBClusterArn).toBe('arn:aws:rds:us-east-1:111122223333:cluster:orders');
      expect(busyAgain).toBe('InvalidDBClusterStateFault');
      expect(emu.state().accounts['111122223333']?.regions['us-east-1']?.quota).toBe(1);
    } finally {
      docdb.destroy();
      await emu.stop();
    }
  });

  it('refuses bad options before listening', async () => {
    await expect(startEmulator({ port: 70_000 })).rejects.toBeInstanceOf(EmulatorConfigError);
    await expect(startEmulator({ port: 0, accountId: '42' })).rejects.toBeInstanceOf(EmulatorConfigError);
    await expect(
      startEmulator({ port: 0, seed: { regions: { 'us-east-1': { clusters: [{ id: '9lives' }] } } } }),
    ).rejects.toThrow(/clusters\[0\]\.id/);
  });

  it('reports a port that is already taken', async () => {
    const first = await startEmulator({ port: 0 });
    try {
      await expect(startEmulator({ port: first.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await first.stop();
    }
  });
});
