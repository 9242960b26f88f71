// Whole runs over real HTTP against the emulator: the backup function takes the slot's snapshot, and the
// reconcile function's passes copy it, once available, to another Region of this account and to another
// account (its own Region, and another Region there), followed to available, shares taken back,
// intermediates deleted, destinations pruned by their own retention; misconfigured keys, a role that
// cannot be assumed and the in-flight limit under 20 copies at once.
import { describe, expect, it } from 'vitest';
import { account, DR, drFleet, EXTERNAL_ID, KEYS, MINUTE, OWN, ROLE, snapshots } from './copies-support.js';
import {
  hourlyPolicyFile,
  lifecycleWorld,
  reconcilePass,
  runPolicy,
  useWorld,
  type World,
} from './support.js';

/** The three kinds of destination, each with its keys. */
const THREE_COPIES = `    retention: { keepLast: 5 }
    copies:
      - region: us-west-2
        kmsKeyId: ${KEYS.west}
        retention: { keepLast: 2 }
${account(`        kmsKeyId: ${KEYS.drEast}`)}
${account(`        region: eu-west-1
        kmsKeyId: ${KEYS.drEu}
        transitKmsKeyId: ${KEYS.drEast}`)}
`;

/** Runs the slot's backup, then passes (the clock moved `stepMs` before each) until no copy is open. */
async function backupAndCopy(
  world: World,
  policies: string,
  lifecycle: Awaited<ReturnType<typeof lifecycleWorld>>,
) {
  await runPolicy(world, policies, lifecycle.event, { clock: lifecycle.clock });
  const passes = [];
  for (let i = 0; i < 8; i++) {
    lifecycle.advance(2 * MINUTE);
    const pass = await reconcilePass(world, policies, { clock: lifecycle.clock });
    passes.push(pass);
    if (i > 0 && pass.result.copies.open === 0 && pass.result.open === 0) break;
  }
  return passes;
}

describe('disaster-recovery copies over the emulator', () => {
  const world = useWorld();

  it('copies an encrypted backup to another Region and to another account (two Regions there), then undoes the shares', async () => {
    const lifecycle = await lifecycleWorld(world, drFleet());
    world.emu.setFaults({
      clusters: { orders: { snapshotAvailableAfterMs: MINUTE, copyAvailableAfterMs: 3 * MINUTE } },
    });
    const policies = hourlyPolicyFile(THREE_COPIES);

    const passes = await backupAndCopy(world, policies, lifecycle);

    const copies = passes.flatMap((p) => p.result.copies.transitions);
    const done = copies
      .filter((t) => t.to === 'available')
      .map((t) => `${t.destination.account ?? 'own'}/${t.destination.region}`);
    expect(done.sort()).toEqual([`${DR}/eu-west-1`, `${DR}/us-east-1`, 'own/us-west-2']);
    expect(copies.filter((t) => t.to === 'failed')).toEqual([]);

    const id = lifecycle.snapshotId;
    const source = snapshots(world, 'us-east-1').find((s) => s.id === id);
    expect(source?.sharedWith).toEqual([]);
    for (const [region, acct, keyArn] of [
      ['us-west-2', OWN, KEYS.west],
      ['us-east-1', DR, KEYS.drEast],
      ['eu-west-1', DR, KEYS.drEu],
    ] as const) {
      const copy = snapshots(world, region, acct).find((s) => s.id === id);
      expect(copy, `${acct}/${region}`).toMatchObject({
        status: 'available',
        clusterId: 'orders',
        encrypted: true,
        kmsKeyId: keyArn,
      });
      expect(copy?.tags).toMatchObject({
        'docdb-backup:managed-by': 'docdb-backup',
        'docdb-backup:policy': 'nightly',
        'docdb-backup:copy-of': source?.arn,
      });
    }
    // The intermediate copy in the target account's us-east-1, on the way to eu-west-1, is gone.
    expect(snapshots(world, 'us-east-1', DR).map((s) => s.id)).toEqual([id]);
    // The cross-Region copies came with a pre-signed URL for the source Region (the SDK's, on the wire).
    const crossRegion = world.emu.state().copyRequests.filter((r) => r.region !== 'us-east-1');
    expect(crossRegion.length).toBeGreaterThanOrEqual(2);
    for (const request of crossRegion) expect(request.preSignedUrl).toContain('Action=CopyDBClusterSnapshot');
  });

  it('copies an unencrypted backup without any key, and prunes each destination by its own retention', async () => {
    const lifecycle = await lifecycleWorld(world, drFleet({ encrypted: false }));
    world.emu.setFaults({
      clusters: { orders: { snapshotAvailableAfterMs: MINUTE, copyAvailableAfterMs: MINUTE } },
    });
    const policies = hourlyPolicyFile(THREE_COPIES);

    for (let hour = 0; hour < 3; hour++) {
      const slot = new Date(lifecycle.slot.getTime() + hour * 60 * MINUTE);
      await runPolicy(
        world,
        policies,
        { policy: 'nightly', time: slot.toISOString() },
        { clock: lifecycle.clock },
      );
      for (let i = 0; i < 5; i++) {
        lifecycle.advance(2 * MINUTE);
        await reconcilePass(world, policies, { clock: lifecycle.clock });
      }
      lifecycle.advance(60 * MINUTE - 10 * MINUTE);
    }

    const ours = (region: string, acct = OWN) =>
      snapshots(world, region, acct).filter((s) => s.tags['docdb-backup:copy-of']);
    // us-west-2 keeps 2 (its own retention); the other destinations keep the policy's 5: all 3.
    expect(ours('us-west-2')).toHaveLength(2);
    expect(ours('us-east-1', DR)).toHaveLength(3);
    expect(ours('eu-west-1', DR)).toHaveLength(3);
    expect(ours('us-west-2').every((s) => !s.encrypted)).toBe(true);
    expect(world.emu.state().copyRequests.every((r) => r.kmsKeyId === undefined)).toBe(true);
  });

  it('never deletes a snapshot in a destination that is not our copy', async () => {
    const fleet = drFleet({ encrypted: false });
    const foreign = {
      id: 'nightly-orders-20200101-0300',
      clusterId: 'orders',
      createdAt: '2020-01-01T03:00:30Z',
      tags: {
        'docdb-backup:managed-by': 'docdb-backup',
        'docdb-backup:policy': 'nightly',
        'docdb-backup:scheduled-at': '2020-01-01T03:00:00.000Z',
      },
    };
    (fleet.regions as Record<string, { snapshots?: unknown[] }>)['us-west-2']!.snapshots = [foreign];
    const lifecycle = await lifecycleWorld(world, fleet);
    world.emu.setFaults({
      clusters: { orders: { snapshotAvailableAfterMs: MINUTE, copyAvailableAfterMs: MINUTE } },
    });
    const policies = hourlyPolicyFile(`    copies:
      - region: us-west-2
        retention: { keepLast: 1 }
`);
    await backupAndCopy(world, policies, lifecycle);

    // Named and tagged like ours, but not a copy (no copy-of tag): a snapshot this policy took there itself,
    // or someone else's. Retention in the destination leaves it.
    expect(
      snapshots(world, 'us-west-2')
        .map((s) => s.id)
        .sort(),
    ).toEqual([foreign.id, lifecycle.snapshotId].sort());
  });

  it('fails the copy with kms-misconfigured when the encrypted source has no destination key, and pages once', async () => {
    const lifecycle = await lifecycleWorld(world, drFleet());
    world.emu.setFaults({ clusters: { orders: { snapshotAvailableAfterMs: MINUTE } } });
    const policies = hourlyPolicyFile(`    copies:
      - region: us-west-2
`);
    const passes = await backupAndCopy(world, policies, lifecycle);

    const failed = passes.flatMap((p) => p.result.copies.transitions).filter((t) => t.to === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.error?.code).toBe('kms-misconfigured');
    expect(failed[0]?.error?.message).toMatch(/copies\[\]\.kmsKeyId/);
    const pages = world.emu.state().published.filter((m) => m.subject?.includes('copy failed'));
    expect(pages).toHaveLength(1);
    expect(pages[0]?.message).toContain('kms-misconfigured');
    expect(world.emu.state().copyRequests).toHaveLength(0);
  });

  it('fails with share-refused for an AWS managed key source, naming shareKmsKeyId, and succeeds with it', async () => {
    const lifecycle = await lifecycleWorld(world, drFleet({ encrypted: true }));
    world.emu.setFaults({
      clusters: { orders: { snapshotAvailableAfterMs: MINUTE, copyAvailableAfterMs: MINUTE } },
    });
    const refused = await backupAndCopy(
      world,
      hourlyPolicyFile(`    copies:
${account(`        kmsKeyId: ${KEYS.drEast}`)}`),
      lifecycle,
    );
    const failure = refused.flatMap((p) => p.result.copies.transitions).find((t) => t.to === 'failed');
    expect(failure?.error?.code).toBe('share-refused');

    const next = await lifecycleWorld(world, drFleet({ encrypted: true }));
    world.emu.setFaults({
      clusters: { orders: { snapshotAvailableAfterMs: MINUTE, copyAvailableAfterMs: MINUTE } },
    });
    const passes = await backupAndCopy(
      world,
      hourlyPolicyFile(`    copies:
${account(`        kmsKeyId: ${KEYS.drEast}
        shareKmsKeyId: ${KEYS.share}`)}`),
      next,
    );
    const moves = passes.flatMap((p) => p.result.copies.transitions);
    expect(moves.filter((t) => t.to === 'failed')).toEqual([]);
    expect(moves.at(-1)?.to).toBe('available');
    // The re-encrypted share copy is gone, the source was never shared, the copy uses the target's key.
    expect(snapshots(world, 'us-east-1').map((s) => s.id)).toEqual([next.snapshotId]);
    expect(snapshots(world, 'us-east-1')[0]?.sharedWith).toEqual([]);
    expect(snapshots(world, 'us-east-1', DR)[0]).toMatchObject({
      id: next.snapshotId,
      kmsKeyId: KEYS.drEast,
    });
  });

  it('fails with destination-unreachable when the role refuses the external id', async () => {
    const lifecycle = await lifecycleWorld(world, drFleet({ encrypted: false }));
    world.emu.setFaults({ clusters: { orders: { snapshotAvailableAfterMs: MINUTE } } });
    const policies = hourlyPolicyFile(
      `    copies:
${account('')}`.replace(EXTERNAL_ID, 'wrong-external-id'),
    );
    const passes = await backupAndCopy(world, policies, lifecycle);

    const failure = passes.flatMap((p) => p.result.copies.transitions).find((t) => t.to === 'failed');
    expect(failure?.error?.code).toBe('destination-unreachable');
    expect(failure?.error?.message).toContain(ROLE);
    expect(failure?.error?.message).not.toContain('wrong-external-id');
    // The share made for it was taken back.
    expect(snapshots(world, 'us-east-1')[0]?.sharedWith).toEqual([]);
  });

  it('starts a waiting copy in the place a copy completing in the same pass frees', async () => {
    const fleet = drFleet({ encrypted: false });
    (fleet.regions as Record<string, { clusters?: unknown[] }>)['us-east-1']!.clusters = [
      { id: 'orders' },
      { id: 'billing' },
    ];
    const lifecycle = await lifecycleWorld(world, fleet);
    const fast = { snapshotAvailableAfterMs: MINUTE, copyAvailableAfterMs: MINUTE };
    world.emu.setFaults({ clusters: { orders: fast, billing: fast } });
    const policies = hourlyPolicyFile(`    copies:
      - region: us-west-2
`)
      .replace('identifiers: [orders]', 'identifiers: [orders, billing]')
      .replace('policies:', 'reconcile:\n  maxCopiesInFlight: 1\npolicies:');
    await runPolicy(world, policies, lifecycle.event, { clock: lifecycle.clock });
    lifecycle.advance(2 * MINUTE);
    const opening = await reconcilePass(world, policies, { clock: lifecycle.clock });
    lifecycle.advance(2 * MINUTE);
    const next = await reconcilePass(world, policies, { clock: lifecycle.clock });

    const started = (pass: typeof opening) =>
      pass.result.copies.transitions.filter((t) => t.to === 'copying').map((t) => t.clusterId);
    expect(started(opening)).toHaveLength(1);
    const moves = next.result.copies.transitions.map((t) => `${t.clusterId}: ${t.from} → ${t.to}`);
    const [first, second] = [started(opening)[0], started(opening)[0] === 'orders' ? 'billing' : 'orders'];
    expect(moves).toEqual([`${first}: copying → available`, `${second}: waiting → copying`]);
    expect(world.emu.state().accounts[OWN]?.regions['us-west-2']?.copiesInFlightPeak).toBe(1);
  });

  it('keeps at most maxCopiesInFlight copies in flight per destination under 20 at once, and copies all 20', async () => {
    const clusters = Array.from({ length: 20 }, (_, i) => ({ id: `c${String(i).padStart(2, '0')}` }));
    const fleet = drFleet({ encrypted: false });
    (fleet.regions as Record<string, { clusters?: unknown[] }>)['us-east-1']!.clusters = clusters;
    const lifecycle = await lifecycleWorld(world, fleet);
    world.emu.setFaults({
      clusters: Object.fromEntries(
        clusters.map((c) => [c.id, { snapshotAvailableAfterMs: MINUTE, copyAvailableAfterMs: 5 * MINUTE }]),
      ),
    });
    const policies = hourlyPolicyFile(`    copies:
      - region: us-west-2
`)
      .replace('identifiers: [orders]', 'identifiers: [*]')
      .replace(/identifiers: \[\*\]/, `identifiers: [${clusters.map((c) => c.id).join(', ')}]`)
      .replace('policies:', 'reconcile:\n  maxCopiesInFlight: 4\npolicies:');
    await runPolicy(world, policies, lifecycle.event, { clock: lifecycle.clock });
    let copied = 0;
    for (let i = 0; i < 20 && copied < 20; i++) {
      lifecycle.advance(3 * MINUTE);
      const { result } = await reconcilePass(world, policies, { clock: lifecycle.clock });
      copied += result.copies.transitions.filter((t) => t.to === 'available').length;
      const inFlight = world.emu.state().accounts[OWN]?.regions['us-west-2']?.copiesInFlight ?? 0;
      expect(inFlight).toBeLessThanOrEqual(4);
    }
    expect(copied).toBe(20);
    expect(world.emu.state().accounts[OWN]?.regions['us-west-2']?.copiesInFlightPeak).toBe(4);
  });
});
