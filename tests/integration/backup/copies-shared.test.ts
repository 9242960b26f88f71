// Copies that share something, over the emulator: two destinations in one account copying the same source
// (their transit copies apart, the source's share kept until no copy into the account needs it), and a
// copy that is available while its share cannot be taken back (available, and the pass's invocation fails
// naming what to undo by hand). Found by the second hostile review of issue 12.
import { describe, expect, it } from 'vitest';
import type { FleetSeed } from '../../../local/emulator.js';
import { account, copyPages, DR, EXTERNAL_ID, MINUTE, OWN, passes, snapshots } from './copies-support.js';
import { hourlyPolicyFile, lifecycleWorld, reconcilePass, runPolicy, useWorld } from './support.js';

/** orders unencrypted in us-east-1; the DR account with three Regions and the copier role. */
function sharedFleet(): FleetSeed {
  return {
    regions: { 'us-east-1': { clusters: [{ id: 'orders', encrypted: false }] }, 'us-west-2': {} },
    accounts: {
      [DR]: {
        regions: { 'us-east-1': {}, 'eu-west-1': {}, 'us-west-2': {} },
        roles: { 'docdb-backup-copier': { trust: { accounts: [OWN], externalId: EXTERNAL_ID } } },
      },
    },
  };
}

describe('copies sharing a source and an account', () => {
  const world = useWorld();

  // Two destinations in one account, both in other Regions than the source: each has its own transit copy
  // in the account's source Region, so one ending (removed from the file here) never deletes what the
  // other's copy in flight is made from; the source's share stays until neither needs it.
  it('abandoning one destination does not kill the other destination of the same account (shared transit copy)', async () => {
    const lifecycle = await lifecycleWorld(world, sharedFleet());
    world.emu.setFaults({
      clusters: { orders: { snapshotAvailableAfterMs: MINUTE, copyAvailableAfterMs: 30 * MINUTE } },
    });
    const both = hourlyPolicyFile(`    copies:
${account('        region: eu-west-1')}
${account('        region: us-west-2')}`);
    await runPolicy(world, both, lifecycle.event, { clock: lifecycle.clock });
    const opening = await passes(world, both, lifecycle, 1, 2 * MINUTE);
    expect(opening[0]?.result.copies.transitions.map((t) => t.to)).toEqual(['copying', 'copying']);
    // Hop 0 (the shared `-tr`) available: both start hop 1 from it.
    const hop1 = await passes(world, both, lifecycle, 1, 31 * MINUTE);
    expect(hop1[0]?.result.copies.transitions.map((t) => `${t.to}:${t.step}`)).toEqual([
      'copying:1',
      'copying:1',
    ]);

    // The us-west-2 destination is taken out of the file; eu-west-1 stays and should still complete.
    const onlyEu = hourlyPolicyFile(`    copies:
${account('        region: eu-west-1')}`);
    const results = await passes(world, onlyEu, lifecycle, 4, 15 * MINUTE);
    const eu = results
      .flatMap((p) => p.result.copies.transitions)
      .filter((t) => t.destination.region === 'eu-west-1');
    expect(eu.map((t) => t.error?.message ?? t.to)).toEqual(['available']);
    expect(snapshots(world, 'eu-west-1', DR).find((s) => s.id === lifecycle.snapshotId)?.status).toBe(
      'available',
    );
  }, 120_000);

  // A copy available in its destination whose source share cannot be taken back (ModifyDBClusterSnapshot-
  // Attribute failing) is recorded available, not failed: the pass fails its invocation instead, naming
  // the share to take back by hand (the errors alarm pages), and nothing pages it as a failed copy later.
  it('does not fail a copy that is available in its destination just because the share cannot be taken back', async () => {
    const lifecycle = await lifecycleWorld(world, sharedFleet());
    world.emu.setFaults({
      clusters: { orders: { snapshotAvailableAfterMs: MINUTE, copyAvailableAfterMs: 10 * MINUTE } },
    });
    const policies = hourlyPolicyFile(`    copies:
${account('')}`);
    await runPolicy(world, policies, lifecycle.event, { clock: lifecycle.clock });
    const first = await passes(world, policies, lifecycle, 1, 2 * MINUTE);
    expect(first[0]?.result.copies.transitions.map((t) => t.to)).toEqual(['copying']);
    // From now on the source's ModifyDBClusterSnapshotAttribute fails (unsharing is impossible for now).
    world.emu.setFaults({
      clusters: { orders: { copyAvailableAfterMs: 10 * MINUTE } },
      actions: {
        'rds:ModifyDBClusterSnapshotAttribute': { serverErrorRate: 1, serverErrorStatus: 503 },
      },
    });
    lifecycle.advance(30 * MINUTE);
    // The pass records the copy available, then fails its invocation (the errors alarm) naming the share
    // to take back by hand: nothing else would retry it.
    const failed = await reconcilePass(world, policies, { clock: lifecycle.clock }).catch((e: Error) => e);
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toMatch(
      /not undone, remove by hand: .*aws docdb modify-db-cluster-snapshot-attribute .*--values-to-remove 444455556666/,
    );
    expect(snapshots(world, 'us-east-1', DR).find((s) => s.id === lifecycle.snapshotId)?.status).toBe(
      'available',
    );
    const later = await passes(world, policies, lifecycle, 2, 30 * MINUTE);
    expect(later.flatMap((p) => p.result.copies.transitions)).toEqual([]);
    expect(copyPages(world)).toEqual([]);
  }, 120_000);
});
