// Disaster-recovery copies under faults, over the emulator (two accounts, KMS keys, the copier role), as
// tests/integration/backup/copies.test.ts runs them: copies that cannot start or move fail and page once
// their completion window closes; whenever a copy ends without completing (a hop fails, its destination or
// policy is removed) every share and intermediate copy it left is undone; source retention keeps the
// source of an open copy and never counts a copy as a backup. Found by a hostile review of issue 12.
import { describe, expect, it } from 'vitest';
import {
  account,
  copyPages,
  DR,
  drFleet,
  EXTERNAL_ID,
  KEYS,
  MINUTE,
  OWN,
  passes,
  snapshots,
} from './copies-support.js';
import { hourlyPolicyFile, lifecycleWorld, ourSnapshot, runPolicy, useWorld } from './support.js';

describe('disaster-recovery copies under faults', () => {
  const world = useWorld();

  // A copy chosen to start whose CopyDBClusterSnapshot keeps failing (an impaired Region, a 5xx) is
  // "later" in each pass, bounded by the completion window: then it fails, naming why, and pages once.
  it('fails and pages a copy whose CopyDBClusterSnapshot keeps failing once its completion window has closed', async () => {
    const lifecycle = await lifecycleWorld(world, drFleet({ encrypted: false }));
    world.emu.setFaults({
      clusters: { orders: { snapshotAvailableAfterMs: MINUTE } },
      // The destination Region is impaired: every CopyDBClusterSnapshot answers 503.
      actions: { 'rds:CopyDBClusterSnapshot': { serverErrorRate: 1, serverErrorStatus: 503 } },
    });
    const policies = hourlyPolicyFile(`    copies:
      - region: us-west-2
`);
    await runPolicy(world, policies, lifecycle.event, { clock: lifecycle.clock });
    // Completion window of the hourly policy: 120 min. Passes every 30 min for 4 hours.
    const results = await passes(world, policies, lifecycle, 8, 30 * MINUTE);
    // The backup became available and opened its copy job in the first pass.
    expect(results[0]?.result.transitions.map((t) => t.to)).toEqual(['available']);
    expect(results[0]?.result.copies.open).toBe(1);

    const moves = results.flatMap((p) => p.result.copies.transitions);
    expect(moves.filter((t) => t.to === 'failed').map((t) => t.error?.code)).toEqual(['copy-failed']);
    expect(results.at(-1)?.result.copies.open).toBe(0);
    expect(copyPages(world)).toHaveLength(1);
  }, 60_000);

  // A hop done, the next one that cannot start stays "later" until the window closes; then the copy fails
  // and the share is taken back (it no longer holds a place of maxCopiesInFlight).
  it('fails a copy stuck between two hops (the next hop never starts) when its completion window closes, and takes the share back', async () => {
    const lifecycle = await lifecycleWorld(world, drFleet({ encrypted: false }));
    world.emu.setFaults({
      clusters: { orders: { snapshotAvailableAfterMs: MINUTE, copyAvailableAfterMs: MINUTE } },
    });
    const policies = hourlyPolicyFile(`    copies:
${account('        region: eu-west-1')}`);
    await runPolicy(world, policies, lifecycle.event, { clock: lifecycle.clock });
    // The backup becomes available and the first hop (share, copy in the other account's us-east-1) starts.
    const first = await passes(world, policies, lifecycle, 1, 2 * MINUTE);
    expect(first[0]?.result.copies.transitions.map((t) => t.to)).toEqual(['copying']);
    // From now on, eu-west-1 (the second hop) refuses every copy with a 503.
    world.emu.setFaults({
      clusters: { orders: { copyAvailableAfterMs: MINUTE } },
      actions: { 'rds:CopyDBClusterSnapshot': { serverErrorRate: 1, serverErrorStatus: 503 } },
    });
    const results = await passes(world, policies, lifecycle, 8, 30 * MINUTE);

    const moves = results.flatMap((p) => p.result.copies.transitions);
    expect(moves.filter((t) => t.to === 'failed')).toHaveLength(1);
    expect(results.at(-1)?.result.copies.open).toBe(0);
    expect(snapshots(world, 'us-east-1').find((s) => s.id === lifecycle.snapshotId)?.sharedWith).toEqual([]);
  }, 60_000);

  // A copying job whose destination became unreachable (the role can no longer be assumed: deleted, or its
  // external id rotated on one side only) fails once its window closes, its share taken back, paged.
  it('fails and pages a copying job whose destination became unreachable, once its completion window has closed', async () => {
    const lifecycle = await lifecycleWorld(world, drFleet({ encrypted: false }));
    world.emu.setFaults({
      clusters: { orders: { snapshotAvailableAfterMs: MINUTE, copyAvailableAfterMs: 60 * MINUTE } },
    });
    const policies = hourlyPolicyFile(`    copies:
${account('')}`);
    await runPolicy(world, policies, lifecycle.event, { clock: lifecycle.clock });
    const first = await passes(world, policies, lifecycle, 1, 2 * MINUTE);
    expect(first[0]?.result.copies.transitions.map((t) => t.to)).toEqual(['copying']);

    // The external id is rotated in the file but not (yet) in the target role: AssumeRole is refused.
    const rotated = policies.replace(EXTERNAL_ID, 'docdb-backup-rotated');
    const results = await passes(world, rotated, lifecycle, 8, 30 * MINUTE);

    const moves = results.flatMap((p) => p.result.copies.transitions);
    expect(moves.filter((t) => t.to === 'failed')).toHaveLength(1);
    expect(results.at(-1)?.result.copies.open).toBe(0);
    expect(copyPages(world)).toHaveLength(1);
    expect(snapshots(world, 'us-east-1').find((s) => s.id === lifecycle.snapshotId)?.sharedWith).toEqual([]);
  }, 60_000);

  // A copy into another account that fails after the re-encrypted share copy (`<id>-dr-<hash>`, in the
  // source account) was made deletes it: named unlike the policy's snapshots, no retention ever would,
  // and one per slot would fill the source Region's quota.
  it('deletes the re-encrypted share copy when the copy into the other account fails', async () => {
    // Encrypted with the AWS managed key: shareKmsKeyId is needed (re-encrypt, then share).
    const lifecycle = await lifecycleWorld(world, drFleet({ encrypted: true }));
    world.emu.setFaults({
      clusters: { orders: { snapshotAvailableAfterMs: MINUTE, copyAvailableAfterMs: MINUTE } },
    });
    const policies = hourlyPolicyFile(`    copies:
${account(`        kmsKeyId: ${KEYS.drEastMissing}
        shareKmsKeyId: ${KEYS.share}`)}`);
    await runPolicy(world, policies, lifecycle.event, { clock: lifecycle.clock });
    const results = await passes(world, policies, lifecycle, 6, 2 * MINUTE);

    const failed = results.flatMap((p) => p.result.copies.transitions).filter((t) => t.to === 'failed');
    expect(failed.map((t) => t.error?.code)).toEqual(['kms-misconfigured']);
    // Only the backup itself is left in the source Region: no `-dr-…` copy.
    expect(snapshots(world, 'us-east-1').map((s) => s.id)).toEqual([lifecycle.snapshotId]);
  }, 60_000);

  // Same on the other route: the intermediate copy (`<id>-tr`) in the other account's source Region is
  // deleted when the hop on to the destination Region fails.
  it('deletes the intermediate copy in the other account when the hop on to its Region fails', async () => {
    const lifecycle = await lifecycleWorld(world, drFleet());
    world.emu.setFaults({
      clusters: { orders: { snapshotAvailableAfterMs: MINUTE, copyAvailableAfterMs: MINUTE } },
    });
    const policies = hourlyPolicyFile(`    copies:
${account(`        region: eu-west-1
        kmsKeyId: ${KEYS.drEuMissing}
        transitKmsKeyId: ${KEYS.drEast}`)}`);
    await runPolicy(world, policies, lifecycle.event, { clock: lifecycle.clock });
    const results = await passes(world, policies, lifecycle, 6, 2 * MINUTE);

    const failed = results.flatMap((p) => p.result.copies.transitions).filter((t) => t.to === 'failed');
    expect(failed.map((t) => t.error?.code)).toEqual(['kms-misconfigured']);
    expect(snapshots(world, 'us-east-1', DR).map((s) => s.id)).toEqual([]);
  }, 60_000);

  // A destination removed from the file (decommissioned, or compromised) while its copy is in flight: the
  // copy fails and the source is no longer shared with that account.
  it('takes back the share when a destination account is removed from the policy while its copy is in flight', async () => {
    const lifecycle = await lifecycleWorld(world, drFleet({ encrypted: false }));
    world.emu.setFaults({
      clusters: { orders: { snapshotAvailableAfterMs: MINUTE, copyAvailableAfterMs: 60 * MINUTE } },
    });
    const withAccount = hourlyPolicyFile(`    copies:
${account('')}`);
    await runPolicy(world, withAccount, lifecycle.event, { clock: lifecycle.clock });
    await passes(world, withAccount, lifecycle, 1, 2 * MINUTE);
    const source = () => snapshots(world, 'us-east-1').find((s) => s.id === lifecycle.snapshotId);
    expect(source()?.sharedWith).toEqual([DR]);

    // The DR account is taken out of the file (another destination stays).
    const without = hourlyPolicyFile(`    copies:
      - region: us-west-2
`);
    const results = await passes(world, without, lifecycle, 2, 2 * MINUTE);
    expect(results.flatMap((p) => p.result.copies.transitions).map((t) => t.to)).toContain('failed');
    expect(source()?.sharedWith).toEqual([]);
  }, 60_000);

  // The whole policy removed while its copy is in flight: the same, the share taken back.
  it('takes back the share when the whole policy is removed while its copy is in flight', async () => {
    const lifecycle = await lifecycleWorld(world, drFleet({ encrypted: false }));
    world.emu.setFaults({
      clusters: { orders: { snapshotAvailableAfterMs: MINUTE, copyAvailableAfterMs: 60 * MINUTE } },
    });
    const withAccount = hourlyPolicyFile(`    copies:
${account('')}`);
    await runPolicy(world, withAccount, lifecycle.event, { clock: lifecycle.clock });
    await passes(world, withAccount, lifecycle, 1, 2 * MINUTE);
    const source = () => snapshots(world, 'us-east-1').find((s) => s.id === lifecycle.snapshotId);
    expect(source()?.sharedWith).toEqual([DR]);

    const otherPolicy = hourlyPolicyFile('', 'hourly-other').replace(
      'identifiers: [orders]',
      'identifiers: [x]',
    );
    const results = await passes(world, otherPolicy, lifecycle, 2, 2 * MINUTE);
    const moves = results.flatMap((p) => p.result.copies.transitions);
    expect(moves.map((t) => t.error?.code)).toContain('policy-removed');
    expect(source()?.sharedWith).toEqual([]);
  }, 60_000);

  // DeleteDBClusterSnapshot: "If the snapshot is being copied, the copy operation is terminated" (DocumentDB
  // API reference), as the emulator does. Source retention keeps the source of a copy still open (in
  // flight, or waiting its turn) and deletes it once the copy is done.
  it("keeps a source snapshot whose copy is still open out of the source's retention", async () => {
    const lifecycle = await lifecycleWorld(world, drFleet({ encrypted: false }));
    world.emu.setFaults({
      clusters: { orders: { snapshotAvailableAfterMs: MINUTE, copyAvailableAfterMs: 80 * MINUTE } },
    });
    const policies = hourlyPolicyFile(`    retention: { keepLast: 1 }
    copies:
      - region: us-west-2
`);
    const first = lifecycle.snapshotId;
    await runPolicy(world, policies, lifecycle.event, { clock: lifecycle.clock });
    await passes(world, policies, lifecycle, 1, 2 * MINUTE); // available, its copy starts (80 min)
    lifecycle.advance(58 * MINUTE);
    const next = new Date(lifecycle.slot.getTime() + 60 * MINUTE).toISOString();
    await runPolicy(world, policies, { policy: 'nightly', time: next }, { clock: lifecycle.clock });
    const results = await passes(world, policies, lifecycle, 6, 10 * MINUTE);

    const moves = results.flatMap((p) => p.result.copies.transitions);
    const firstMoves = moves.filter((t) => t.snapshotId === first);
    expect(firstMoves.map((t) => t.error?.message ?? t.to)).toEqual(['available']);
    expect(snapshots(world, 'us-west-2').find((s) => s.id === first)?.status).toBe('available');
  }, 60_000);

  it("keeps the source of an open copy out of the backup run's own retention too", async () => {
    const lifecycle = await lifecycleWorld(world, drFleet({ encrypted: false }));
    world.emu.setFaults({
      clusters: { orders: { snapshotAvailableAfterMs: MINUTE, copyAvailableAfterMs: 5 * 60 * MINUTE } },
    });
    const policies = hourlyPolicyFile(`    retention: { keepLast: 1 }
    copies:
      - region: us-west-2
`);
    const first = lifecycle.snapshotId;
    const slot = (hours: number) => ({
      policy: 'nightly',
      time: new Date(lifecycle.slot.getTime() + hours * 60 * MINUTE).toISOString(),
    });
    await runPolicy(world, policies, lifecycle.event, { clock: lifecycle.clock });
    await passes(world, policies, lifecycle, 1, 2 * MINUTE); // available, its copy starts (5 h)
    lifecycle.advance(58 * MINUTE);
    await runPolicy(world, policies, slot(1), { clock: lifecycle.clock });
    lifecycle.advance(60 * MINUTE); // the second slot's snapshot is available in AWS; no pass ran
    // The third slot's run: keepLast 1 would delete the first slot's snapshot, whose copy is in flight.
    const { result } = await runPolicy(world, policies, slot(2), { clock: lifecycle.clock });

    expect(result.deletions.map((d) => d.snapshotId)).not.toContain(first);
    expect(snapshots(world, 'us-east-1').find((s) => s.id === first)?.status).toBe('available');
    expect(snapshots(world, 'us-west-2').find((s) => s.id === first)?.status).toBe('copying');
  }, 60_000);

  // `docdb-backup:copy-of` is never on a backup this service took where it is: source retention neither
  // counts nor deletes a snapshot carrying it. Two deployments of one policy file copying to each other
  // (us-east-1 ⇄ us-west-2, a cluster id used in both) would otherwise prune each other's DR copies.
  it("never lets source retention count or delete a snapshot that is another deployment's DR copy", async () => {
    const drCopy = ourSnapshot('orders', '2020-01-01T03:00', {
      tags: {
        'docdb-backup:copy-of': `arn:aws:rds:us-west-2:${OWN}:cluster-snapshot:nightly-orders-20200101-0300`,
      },
    });
    const lifecycle = await lifecycleWorld(world, {
      regions: { 'us-east-1': { clusters: [{ id: 'orders' }], snapshots: [drCopy] } },
    });
    world.emu.setFaults({ clusters: { orders: { snapshotAvailableAfterMs: MINUTE } } });
    const policies = hourlyPolicyFile('    retention: { keepLast: 1 }\n');
    await runPolicy(world, policies, lifecycle.event, { clock: lifecycle.clock });
    await passes(world, policies, lifecycle, 2, 2 * MINUTE);

    expect(
      snapshots(world, 'us-east-1')
        .map((s) => s.id)
        .sort(),
    ).toEqual([drCopy.id, lifecycle.snapshotId].sort());
  }, 60_000);
});
