// Seam: the HTTP control endpoints under /_emulator/ (state, reset, seed, faults, clock), driven with
// plain fetch as a test or tool in another process would, and observed through the real SDK.
import { DescribeDBClustersCommand } from '@aws-sdk/client-docdb';
import { describe, expect, it } from 'vitest';
import type { EmulatorState } from '../../../local/emulator.js';
import { createSnapshot, rejectionOf, useEmulator } from './support.js';

const t = useEmulator();

async function post(
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${t.emu.url}/_emulator/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function state(): Promise<EmulatorState> {
  const response = await fetch(`${t.emu.url}/_emulator/state`);
  return (await response.json()) as EmulatorState;
}

describe('control endpoints', () => {
  it('seeds a fleet that the SDK then sees', async () => {
    const seeded = await post('seed', { regions: { 'us-east-1': { clusters: [{ id: 'orders' }] } } });

    const { DBClusters } = await t.docdb().send(new DescribeDBClustersCommand({}));

    expect(seeded).toEqual({ status: 200, json: { ok: true } });
    expect(DBClusters?.map((cluster) => cluster.DBClusterIdentifier)).toEqual(['orders']);
  });

  it('answers 400 naming the key path for an invalid seed, and changes nothing', async () => {
    const bad = await post('seed', {
      regions: { 'us-east-1': { clusters: [{ id: 'fine' }, { id: 'not--valid' }] } },
    });

    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain('seed.regions.us-east-1.clusters[1].id');
    expect((await state()).accounts).toEqual({});
  });

  it('sets faults that the SDK then meets', async () => {
    await post('seed', { regions: { 'us-east-1': { clusters: [{ id: 'orders' }] } } });

    const set = await post('faults', { clusters: { orders: { status: 'stopped' } } });
    const error = await rejectionOf(createSnapshot(t.docdb(), 'orders', 's1'));

    expect(set.status).toBe(200);
    expect(error.name).toBe('InvalidDBClusterStateFault');
    expect((await state()).faults.config).toEqual({ clusters: { orders: { status: 'stopped' } } });
  });

  it('shows all state as JSON: resources, call counters and records', async () => {
    await post('seed', {
      regions: { 'us-east-1': { clusters: [{ id: 'orders', tags: { team: 'payments' } }] } },
    });
    await t.docdb().send(new DescribeDBClustersCommand({}));

    const snapshot = await state();

    expect(snapshot.calls).toEqual({ 'rds:DescribeDBClusters': 1 });
    expect(snapshot.accounts['123456789012']?.regions['us-east-1']?.clusters).toEqual([
      expect.objectContaining({ id: 'orders', status: 'available', tags: { team: 'payments' } }),
    ]);
    expect(snapshot).toMatchObject({ published: [], events: [], settings: { defaultQuota: 100 } });
  });

  it('resets everything, optionally with new settings', async () => {
    await post('seed', { regions: { 'us-east-1': { clusters: [{ id: 'orders' }] } } });

    const reset = await post('reset', { defaultQuota: 5 });
    const after = await state();

    expect(reset.status).toBe(200);
    expect(after.accounts).toEqual({});
    expect(after.settings.defaultQuota).toBe(5);
  });

  it('advances the emulator clock', async () => {
    const before = Date.parse((await state()).now);

    const moved = await post('clock', { advanceMs: 3_600_000 });

    expect(Date.parse(String(moved.json.now)) - before).toBeGreaterThanOrEqual(3_600_000);
  });

  it('answers 404 for an unknown control endpoint', async () => {
    const response = await fetch(`${t.emu.url}/_emulator/nope`);

    expect(response.status).toBe(404);
  });
});
