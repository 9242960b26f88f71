// Seam: throttling in a whole run over real HTTP on the emulator's token buckets (AWS's wire error,
// `Throttling`, HTTP 400): the run paces itself per Region and treats a throttle as "not yet" until its
// cutoff, and only then records `throttled`, with the time it spent.
import { describe, expect, it } from 'vitest';
import { nightlyPolicyFile, ordersFleet, resetWorld, runPolicy, useWorld } from './support.js';

const EVENT = { policy: 'nightly', time: '2026-11-28T03:00:00Z' };
const clusters = (n: number) => Array.from({ length: n }, (_, i) => `c${String(i).padStart(2, '0')}`);

const policyFile = (ids: string[]) => nightlyPolicyFile({ clusters: `identifiers: [${ids.join(', ')}]` });

const world = useWorld();

describe('throttling', () => {
  it('rides out a bucket far slower than the run would go: every cluster created, none throttled', async () => {
    const ids = clusters(30);
    await resetWorld(world, { regions: { 'us-east-1': { clusters: ids.map((id) => ({ id })) } } });
    world.emu.setFaults({
      throttle: {
        'rds:CreateDBClusterSnapshot': { rate: 20, burst: 2 },
        'rds:*': { rate: 40, burst: 4 },
      },
    });
    const { result } = await runPolicy(world, policyFile(ids), EVENT);
    expect(result.counts).toEqual({ created: 30, 'already-exists': 0, pending: 0, failed: 0, skipped: 0 });
    // Paced, the run wastes few calls on throttles: far fewer than one per cluster.
    const creates = world.emu.callCount('rds:CreateDBClusterSnapshot');
    expect(creates).toBeGreaterThanOrEqual(30);
    expect(creates).toBeLessThan(60);
  });

  it('records a storm that outlasts the run as throttled, with the time spent, and pages', async () => {
    await resetWorld(world, ordersFleet());
    world.emu.setFaults({ actions: { 'rds:CreateDBClusterSnapshot': { throttleRate: 1 } } });
    // 17 s left: 2 s of work before the 15 s reserve for reporting.
    const { result } = await runPolicy(world, policyFile(['orders']), EVENT, { remainingMs: 17_000 });
    expect(result.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'throttled' } });
    expect(result.results[0]?.error?.message).toMatch(
      /throttled by AWS \d+ time\(s\) over \d+\.\d s, until the run had to stop/,
    );
    expect(result.alert).toMatchObject({ sent: true });
  });
});
