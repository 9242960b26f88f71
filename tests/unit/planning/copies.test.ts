// Seam: the pure copy-job rules (shared/planning/copies.ts) with plain data: the route a source snapshot
// takes to each kind of destination (hops, keys, shares, what is undone), which waiting copies may start
// under the in-flight limit, what a hop's observed status means, and how a copy job moves and is recorded.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Location } from '../../../shared/backup/location.js';
import {
  type CopyJob,
  type CopyState,
  canMoveCopy,
  copyJobsFor,
  copyRoute,
  copyTransitionOf,
  copyWindowEndsAt,
  derivedId,
  destinationOf,
  fullCleanup,
  hopProgress,
  movedCopy,
  settingFor,
  shareCopyId,
  snapshotArnAt,
  startable,
  transitCopyId,
} from '../../../shared/planning/copies.js';
import { isValidIdentifier, snapshotIdFor } from '../../../shared/planning/naming.js';
import type { CopySettings } from '../../../shared/policy/resolved.js';

const OWN = '111122223333';
const DR = '444455556666';
const SNAPSHOT = 'nightly-orders-20261128-0300';
const SOURCE_ARN = `arn:aws:rds:us-east-1:${OWN}:cluster-snapshot:${SNAPSHOT}`;
const WEST_KEY = `arn:aws:kms:us-west-2:${OWN}:key/west`;
const DR_EAST_KEY = `arn:aws:kms:us-east-1:${DR}:key/dr-east`;
const DR_EU_KEY = `arn:aws:kms:eu-west-1:${DR}:key/dr-eu`;
const SHARE_KEY = `arn:aws:kms:us-east-1:${OWN}:key/share`;
const ROLE = `arn:aws:iam::${DR}:role/docdb-backup-copier`;
const EU_DR = { region: 'eu-west-1', account: DR };

const ownWest: CopySettings = { region: 'us-west-2', kmsKeyId: WEST_KEY };
const drSameRegion: CopySettings = { account: DR, roleArn: ROLE, externalId: 'ext-1', kmsKeyId: DR_EAST_KEY };
const drOtherRegion: CopySettings = {
  account: DR,
  region: 'eu-west-1',
  roleArn: ROLE,
  externalId: 'ext-1',
  kmsKeyId: DR_EU_KEY,
  transitKmsKeyId: DR_EAST_KEY,
};

const job: CopyJob = {
  policy: 'nightly',
  scheduledAt: '2026-11-28T03:00:00.000Z',
  clusterId: 'orders',
  source: { region: 'us-east-1' },
  snapshotId: SNAPSHOT,
  destination: { region: 'us-west-2' },
  state: 'copying',
  step: 0,
  requestedAt: '2026-11-28T03:20:00.000Z',
  startedAt: '2026-11-28T03:20:05.000Z',
  sourceArn: SOURCE_ARN,
  encrypted: true,
};

function jobTo(destination: Location, extra: Partial<CopyJob> = {}): CopyJob {
  return { ...job, destination, ...extra };
}

describe('snapshotArnAt', () => {
  it("keeps the known ARN's own account for a place of the own account", () => {
    expect(snapshotArnAt(SOURCE_ARN, { region: 'eu-west-1' }, 'other-id')).toBe(
      `arn:aws:rds:eu-west-1:${OWN}:cluster-snapshot:other-id`,
    );
  });

  it("names another account's place with that account, and keeps the partition", () => {
    expect(snapshotArnAt(SOURCE_ARN, { region: 'us-east-1', account: DR }, SNAPSHOT)).toBe(
      `arn:aws:rds:us-east-1:${DR}:cluster-snapshot:${SNAPSHOT}`,
    );
    const china = `arn:aws-cn:rds:cn-north-1:${OWN}:cluster-snapshot:a`;
    expect(snapshotArnAt(china, { region: 'cn-northwest-1' }, 'a')).toBe(
      `arn:aws-cn:rds:cn-northwest-1:${OWN}:cluster-snapshot:a`,
    );
  });
});

describe('destinations', () => {
  it('sends an own-account copy to its Region, and another account to the source Region unless told', () => {
    expect(destinationOf(ownWest, 'us-east-1')).toEqual({ region: 'us-west-2' });
    expect(destinationOf(drSameRegion, 'us-east-1')).toEqual({ region: 'us-east-1', account: DR });
    expect(destinationOf(drSameRegion, 'ap-south-1')).toEqual({ region: 'ap-south-1', account: DR });
    expect(destinationOf(drOtherRegion, 'us-east-1')).toEqual({ region: 'eu-west-1', account: DR });
  });

  it('has no destination when the copy would land on the source itself', () => {
    expect(destinationOf({ region: 'us-west-2' }, 'us-west-2')).toBeUndefined();
    expect(destinationOf({}, 'us-east-1')).toBeUndefined();
  });

  it("finds the setting that sends a source Region's snapshots to a destination", () => {
    const copies = [ownWest, drSameRegion, drOtherRegion];
    expect(settingFor(copies, 'us-east-1', { region: 'us-west-2' })).toBe(ownWest);
    expect(settingFor(copies, 'us-east-1', { region: 'us-east-1', account: DR })).toBe(drSameRegion);
    expect(settingFor(copies, 'us-east-1', { region: 'eu-west-1', account: DR })).toBe(drOtherRegion);
    // drSameRegion follows its source: from eu-west-1 it lands in eu-west-1 too, ahead of drOtherRegion.
    expect(settingFor(copies, 'eu-west-1', { region: 'eu-west-1', account: DR })).toBe(drSameRegion);
    expect(settingFor(copies, 'us-east-1', { region: 'eu-west-1' })).toBeUndefined();
    expect(settingFor(copies, 'us-east-1', { region: 'us-west-2', account: DR })).toBeUndefined();
  });
});

describe('copyRoute', () => {
  it('copies to another Region of the own account in one hop, with the key, and the source tags', () => {
    const route = copyRoute(jobTo({ region: 'us-west-2' }), SOURCE_ARN, ownWest);

    expect(route.hops).toEqual([
      {
        at: { region: 'us-west-2' },
        sourceArn: SOURCE_ARN,
        snapshotId: SNAPSHOT,
        kmsKeyId: WEST_KEY,
        copyTags: true,
      },
    ]);
    expect(route.hops[0]?.share).toBeUndefined();
    expect(route.cleanup).toEqual({ unshare: [], remove: [] });
  });

  it('names no key for an unencrypted source', () => {
    const route = copyRoute(jobTo({ region: 'us-west-2' }, { encrypted: false }), SOURCE_ARN, ownWest);

    expect(route.hops).toHaveLength(1);
    expect(route.hops[0]?.kmsKeyId).toBeUndefined();
    expect(route.hops[0]?.copyTags).toBe(true);
  });

  it('shares with another account in the same Region and copies there with its key, then unshares', () => {
    const dest = { region: 'us-east-1', account: DR };
    const route = copyRoute(jobTo(dest), SOURCE_ARN, drSameRegion);

    expect(route.hops).toEqual([
      {
        at: dest,
        sourceArn: SOURCE_ARN,
        snapshotId: SNAPSHOT,
        kmsKeyId: DR_EAST_KEY,
        copyTags: false,
        share: { from: { region: 'us-east-1' }, snapshotId: SNAPSHOT, account: DR },
      },
    ]);
    expect(route.cleanup).toEqual({
      unshare: [{ at: { region: 'us-east-1' }, snapshotId: SNAPSHOT, account: DR }],
      remove: [],
    });
  });

  it("reaches another account's other Region in two hops: the transit key, then the destination key", () => {
    const dest = { region: 'eu-west-1', account: DR };
    const landing = { region: 'us-east-1', account: DR };
    const route = copyRoute(jobTo(dest), SOURCE_ARN, drOtherRegion);

    expect(route.hops).toEqual([
      {
        at: landing,
        sourceArn: SOURCE_ARN,
        snapshotId: transitCopyId(SNAPSHOT, dest),
        kmsKeyId: DR_EAST_KEY,
        copyTags: false,
        share: { from: { region: 'us-east-1' }, snapshotId: SNAPSHOT, account: DR },
      },
      {
        at: dest,
        sourceArn: `arn:aws:rds:us-east-1:${DR}:cluster-snapshot:${transitCopyId(SNAPSHOT, dest)}`,
        snapshotId: SNAPSHOT,
        kmsKeyId: DR_EU_KEY,
        copyTags: false,
      },
    ]);
    expect(route.hops[1]?.share).toBeUndefined();
    expect(route.cleanup).toEqual({
      unshare: [{ at: { region: 'us-east-1' }, snapshotId: SNAPSHOT, account: DR }],
      remove: [{ at: landing, snapshotId: transitCopyId(SNAPSHOT, dest) }],
    });
  });

  it('re-encrypts with the share key first, shares that copy, and removes it at the end', () => {
    const dest = { region: 'us-east-1', account: DR };
    const drId = shareCopyId(SNAPSHOT, dest);
    const route = copyRoute(jobTo(dest), SOURCE_ARN, { ...drSameRegion, shareKmsKeyId: SHARE_KEY });

    expect(route.hops).toEqual([
      {
        at: { region: 'us-east-1' },
        sourceArn: SOURCE_ARN,
        snapshotId: drId,
        kmsKeyId: SHARE_KEY,
        copyTags: true,
      },
      {
        at: dest,
        sourceArn: `arn:aws:rds:us-east-1:${OWN}:cluster-snapshot:${drId}`,
        snapshotId: SNAPSHOT,
        kmsKeyId: DR_EAST_KEY,
        copyTags: false,
        share: { from: { region: 'us-east-1' }, snapshotId: drId, account: DR },
      },
    ]);
    expect(route.cleanup).toEqual({
      unshare: [{ at: { region: 'us-east-1' }, snapshotId: drId, account: DR }],
      remove: [{ at: { region: 'us-east-1' }, snapshotId: drId }],
    });
  });

  it("re-encrypts, shares, and copies twice for another account's other Region, removing both in between", () => {
    const dest = { region: 'eu-west-1', account: DR };
    const landing = { region: 'us-east-1', account: DR };
    const drId = shareCopyId(SNAPSHOT, dest);
    const route = copyRoute(jobTo(dest), SOURCE_ARN, { ...drOtherRegion, shareKmsKeyId: SHARE_KEY });

    expect(route.hops.map((h) => [h.at, h.snapshotId, h.kmsKeyId])).toEqual([
      [{ region: 'us-east-1' }, drId, SHARE_KEY],
      [landing, transitCopyId(SNAPSHOT, dest), DR_EAST_KEY],
      [dest, SNAPSHOT, DR_EU_KEY],
    ]);
    expect(route.hops[1]?.share).toEqual({ from: { region: 'us-east-1' }, snapshotId: drId, account: DR });
    expect(route.hops[1]?.sourceArn).toBe(`arn:aws:rds:us-east-1:${OWN}:cluster-snapshot:${drId}`);
    expect(route.hops[2]?.sourceArn).toBe(
      `arn:aws:rds:us-east-1:${DR}:cluster-snapshot:${transitCopyId(SNAPSHOT, dest)}`,
    );
    expect(route.cleanup.unshare).toEqual([{ at: { region: 'us-east-1' }, snapshotId: drId, account: DR }]);
    expect(route.cleanup.remove).toEqual([
      { at: landing, snapshotId: transitCopyId(SNAPSHOT, dest) },
      { at: { region: 'us-east-1' }, snapshotId: drId },
    ]);
  });

  it('shares an unencrypted source as it is, with no key anywhere, even when a share key is set', () => {
    const dest = { region: 'eu-west-1', account: DR };
    const route = copyRoute(jobTo(dest, { encrypted: false }), SOURCE_ARN, {
      ...drOtherRegion,
      shareKmsKeyId: SHARE_KEY,
    });

    expect(route.hops).toHaveLength(2);
    expect(route.hops.map((h) => h.kmsKeyId)).toEqual([undefined, undefined]);
    expect(route.hops[0]?.share).toEqual({
      from: { region: 'us-east-1' },
      snapshotId: SNAPSHOT,
      account: DR,
    });
    expect(route.cleanup.remove).toEqual([
      { at: { region: 'us-east-1', account: DR }, snapshotId: transitCopyId(SNAPSHOT, dest) },
    ]);
  });
});

/** Valid DocumentDB identifiers of 1..max characters: a letter, then letters/digits/single hyphens. */
function identifier(max: number) {
  const body = fc.array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'), { maxLength: max - 1 });
  return fc
    .tuple(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), body)
    .map(([first, rest]) => `${first}${rest.join('')}`.replace(/-+/g, '-').replace(/-$/, ''))
    .filter((id) => id.length >= 1 && id.length <= max);
}

describe('ids of the copies made on the way', () => {
  it('appends the suffix to an id that leaves room for it', () => {
    expect(derivedId(SNAPSHOT, 'tr')).toBe(`${SNAPSHOT}-tr`);
    expect(transitCopyId(SNAPSHOT, { region: 'eu-west-1', account: DR })).toMatch(
      new RegExp(`^${SNAPSHOT}-tr-[0-9a-f]{6}$`),
    );
    expect(shareCopyId(SNAPSHOT, { region: 'us-east-1', account: DR })).toMatch(
      new RegExp(`^${SNAPSHOT}-dr-[0-9a-f]{6}$`),
    );
  });

  it('gives each destination its own share copy (each may use its own key and deletes its own)', () => {
    const a = shareCopyId(SNAPSHOT, { region: 'us-east-1', account: DR });
    const b = shareCopyId(SNAPSHOT, { region: 'us-east-1', account: '777788889999' });
    const c = shareCopyId(SNAPSHOT, { region: 'eu-west-1', account: DR });
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it('always gives a valid identifier of at most 63 characters, keeping short ids whole', () => {
    fc.assert(
      fc.property(identifier(63), (id) => {
        for (const derived of [
          transitCopyId(id, EU_DR),
          shareCopyId(id, { region: 'us-east-1', account: DR }),
        ]) {
          expect(derived.length).toBeLessThanOrEqual(63);
          expect(derived).not.toMatch(/--/);
          expect(isValidIdentifier(derived)).toBe(true);
        }
        if (id.length <= 53) expect(transitCopyId(id, EU_DR)).toMatch(new RegExp(`^${id}-tr-[0-9a-f]{6}$`));
      }),
    );
  });

  it('never maps two snapshot ids of one cluster to one derived id, however long the cluster id', () => {
    const slots = fc
      .integer({ min: 0, max: 47 })
      .map((half) => new Date(Date.UTC(2026, 10, 28, 0, half * 30)));
    fc.assert(
      fc.property(fc.integer({ min: 40, max: 63 }), slots, slots, (length, a, b) => {
        const cluster = `c${'x'.repeat(length - 1)}`;
        const idA = snapshotIdFor('nightly', cluster, a);
        const idB = snapshotIdFor('nightly', cluster, b);
        if (idA !== idB) expect(transitCopyId(idA, EU_DR)).not.toBe(transitCopyId(idB, EU_DR));
      }),
    );
  });

  it('never removes, as an intermediate, the copy another destination of the policy keeps', () => {
    const sameRegion = copyRoute(jobTo({ region: 'us-east-1', account: DR }), SOURCE_ARN, drSameRegion);
    const otherRegion = copyRoute(jobTo({ region: 'eu-west-1', account: DR }), SOURCE_ARN, drOtherRegion);
    const kept = sameRegion.hops.at(-1);
    expect(otherRegion.cleanup.remove).not.toContainEqual({ at: kept?.at, snapshotId: kept?.snapshotId });
    const ids = (route: typeof sameRegion) =>
      route.hops.map((h) => `${h.at.account}/${h.at.region}:${h.snapshotId}`);
    expect(ids(sameRegion).filter((id) => ids(otherRegion).includes(id))).toEqual([]);
  });
});

describe('fullCleanup: all a copy may have left, whatever its setting says now', () => {
  it('is nothing for a copy into this account', () => {
    expect(fullCleanup(jobTo({ region: 'us-west-2' }))).toEqual({ unshare: [], remove: [] });
  });

  it("covers both possible shares and the share copy for another account's same Region", () => {
    const dest = { region: 'us-east-1', account: DR };
    const drId = shareCopyId(SNAPSHOT, dest);
    expect(fullCleanup(jobTo(dest))).toEqual({
      unshare: [
        { at: { region: 'us-east-1' }, snapshotId: SNAPSHOT, account: DR },
        { at: { region: 'us-east-1' }, snapshotId: drId, account: DR },
      ],
      remove: [{ at: { region: 'us-east-1' }, snapshotId: drId }],
    });
  });

  it('is a superset of every route cleanup of the same job', () => {
    const dest = { region: 'eu-west-1', account: DR };
    const full = fullCleanup(jobTo(dest));
    for (const setting of [drOtherRegion, { ...drOtherRegion, shareKmsKeyId: SHARE_KEY }]) {
      const { cleanup } = copyRoute(jobTo(dest), SOURCE_ARN, setting);
      for (const share of cleanup.unshare) expect(full.unshare).toContainEqual(share);
      for (const intermediate of cleanup.remove) expect(full.remove).toContainEqual(intermediate);
    }
  });

  it('measures the window from the first hop, or from the opening for a copy not started', () => {
    expect(copyWindowEndsAt({ requestedAt: '2026-11-28T03:20:00.000Z' }, 60)).toBe(
      Date.parse('2026-11-28T04:20:00.000Z'),
    );
    expect(
      copyWindowEndsAt(
        { requestedAt: '2026-11-28T03:20:00.000Z', startedAt: '2026-11-28T03:30:00.000Z' },
        60,
      ),
    ).toBe(Date.parse('2026-11-28T04:30:00.000Z'));
  });
});

describe('hopProgress', () => {
  const followed = {
    snapshotId: SNAPSHOT,
    destination: { region: 'eu-west-1', account: DR },
    requestedAt: '2026-11-28T03:20:00.000Z',
    startedAt: '2026-11-28T03:20:05.000Z',
  };
  const at = (time: string) => new Date(`2026-11-28T${time}Z`);

  it('is done when the copy is available', () => {
    expect(hopProgress({ status: 'available' }, followed, 60, at('03:30:00'))).toEqual({ next: 'done' });
  });

  it('waits while the copy is in flight inside the completion window', () => {
    for (const status of ['copying', 'creating', 'pending'])
      expect(hopProgress({ status }, followed, 60, at('04:20:04'))).toEqual({ next: 'wait' });
  });

  it('fails, naming the destination, when the copy vanished', () => {
    expect(hopProgress(undefined, followed, 60, at('03:30:00'))).toEqual({
      next: 'fail',
      error: {
        code: 'copy-failed',
        message: `the copy of "${SNAPSHOT}" to eu-west-1 of account ${DR} vanished while copying`,
      },
    });
  });

  it.each(['failed', 'deleting', 'incompatible-restore', 'unknown'])(
    'fails, naming the destination and the status, when the copy ended %s',
    (status) => {
      expect(hopProgress({ status }, followed, 60, at('03:30:00'))).toEqual({
        next: 'fail',
        error: {
          code: 'copy-failed',
          message: `the copy of "${SNAPSHOT}" to eu-west-1 of account ${DR} ended "${status}" instead of becoming available`,
        },
      });
    },
  );

  it('fails once the completion window, counted from when AWS accepted the first hop, closed', () => {
    expect(hopProgress({ status: 'copying' }, followed, 60, at('04:20:05'))).toEqual({
      next: 'fail',
      error: {
        code: 'copy-failed',
        message: `the copy of "${SNAPSHOT}" to eu-west-1 of account ${DR} was still "copying" when the completion window (60 min) closed at 2026-11-28T04:20:05.000Z`,
      },
    });
  });

  it('counts the window from the request when the first hop has no start time', () => {
    const { startedAt: _started, ...notStarted } = followed;
    expect(hopProgress({ status: 'copying' }, notStarted, 60, at('04:19:59'))).toEqual({ next: 'wait' });
    expect(hopProgress({ status: 'copying' }, notStarted, 60, at('04:20:00'))).toMatchObject({
      next: 'fail',
      error: { message: expect.stringContaining('closed at 2026-11-28T04:20:00.000Z') },
    });
  });

  it('names an own-account destination by its Region alone', () => {
    const own = { ...followed, destination: { region: 'us-west-2' } };
    expect(hopProgress(undefined, own, 60, at('03:30:00'))).toMatchObject({
      error: { message: `the copy of "${SNAPSHOT}" to us-west-2 vanished while copying` },
    });
  });
});

describe('startable', () => {
  const west = { region: 'us-west-2' };
  const dr = { region: 'us-east-1', account: DR };
  const drEu = { region: 'eu-west-1', account: DR };
  const slot = (i: number) => new Date(Date.UTC(2026, 10, 1, i)).toISOString();
  function copy(i: number, destination: Location, state: CopyState, extra: Partial<CopyJob> = {}): CopyJob {
    return {
      ...job,
      clusterId: `c${i}`,
      snapshotId: `nightly-c${i}-20261101-0000`,
      destination,
      state,
      scheduledAt: slot(i),
      requestedAt: slot(i),
      ...extra,
    };
  }

  it('starts only as many as the copying ones leave room for, oldest slot first', () => {
    const jobs = [
      copy(5, west, 'waiting'),
      copy(1, west, 'copying'),
      copy(3, west, 'waiting'),
      copy(2, west, 'copying'),
      copy(4, west, 'waiting'),
    ];
    expect(startable(jobs, 3).map((j) => j.clusterId)).toEqual(['c3']);
    expect(startable(jobs, 4).map((j) => j.clusterId)).toEqual(['c3', 'c4']);
    expect(startable(jobs, 2)).toEqual([]);
  });

  it('breaks ties of a slot by when the job was requested', () => {
    const a = copy(1, west, 'waiting', { clusterId: 'late', requestedAt: slot(9) });
    const b = copy(1, west, 'waiting', { clusterId: 'early', requestedAt: slot(2) });
    expect(startable([a, b], 1).map((j) => j.clusterId)).toEqual(['early']);
  });

  it('counts each destination (account and Region) apart', () => {
    const jobs = [
      copy(1, west, 'copying'),
      copy(2, west, 'waiting'),
      copy(3, dr, 'waiting'),
      copy(4, drEu, 'waiting'),
      copy(5, drEu, 'copying'),
      copy(6, { region: 'us-west-2', account: DR }, 'waiting'),
    ];
    expect(startable(jobs, 1).map((j) => j.clusterId)).toEqual(['c3', 'c6']);
  });

  it('starts 5 of 20 waiting copies to one destination, the 5 oldest', () => {
    const jobs = Array.from({ length: 20 }, (_, i) => copy(20 - i, dr, 'waiting'));
    expect(startable(jobs, 5).map((j) => j.clusterId)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
  });

  it('never starts what is not waiting, nor more than the limit when more are already copying', () => {
    const jobs = [
      copy(1, west, 'copying'),
      copy(2, west, 'copying'),
      copy(3, west, 'available'),
      copy(4, west, 'failed'),
      copy(5, west, 'waiting'),
    ];
    expect(startable(jobs, 1)).toEqual([]);
    expect(startable(jobs, 3).map((j) => j.clusterId)).toEqual(['c5']);
  });

  it('keeps every destination within the limit, and fills it as far as there are waiting copies', () => {
    const places = [west, dr, drEu];
    const anyJob = fc
      .tuple(
        fc.nat({ max: 23 }),
        fc.constantFrom(...places),
        fc.constantFrom<CopyState>('waiting', 'copying', 'available', 'failed'),
      )
      .map(([i, at, state]) => copy(i, at, state));
    fc.assert(
      fc.property(fc.array(anyJob, { maxLength: 40 }), fc.integer({ min: 1, max: 20 }), (jobs, limit) => {
        const chosen = startable(jobs, limit);
        expect(chosen.every((j) => j.state === 'waiting')).toBe(true);
        for (const at of places) {
          const here = (list: CopyJob[], state?: CopyState) =>
            list.filter((j) => j.destination === at && (state === undefined || j.state === state)).length;
          const copying = here(jobs, 'copying');
          const started = here(chosen);
          expect(started).toBe(Math.min(here(jobs, 'waiting'), Math.max(0, limit - copying)));
          if (started > 0) expect(copying + started).toBeLessThanOrEqual(limit);
        }
      }),
    );
  });
});

describe('canMoveCopy', () => {
  it.each([
    ['waiting', 'copying', true],
    ['waiting', 'failed', true],
    ['waiting', 'waiting', false],
    ['copying', 'copying', true],
    ['copying', 'available', true],
    ['copying', 'failed', true],
    ['copying', 'waiting', false],
    ['available', 'failed', false],
    ['available', 'copying', false],
    ['failed', 'copying', false],
    ['failed', 'waiting', false],
  ] as [CopyState, CopyState, boolean][])('%s → %s: %s', (from, to, allowed) => {
    expect(canMoveCopy(from, to)).toBe(allowed);
  });
});

describe('copyJobsFor', () => {
  const backup = {
    policy: 'nightly',
    scheduledAt: '2026-11-28T03:00:00.000Z',
    region: 'us-east-1',
    clusterId: 'orders',
    snapshotId: SNAPSHOT,
  };
  const now = new Date('2026-11-28T03:20:00Z');

  it('opens one waiting job per destination, at step 0, requested now', () => {
    const jobs = copyJobsFor(backup, [ownWest, drSameRegion, drOtherRegion], now);

    expect(jobs).toEqual(
      [
        { region: 'us-west-2' },
        { region: 'us-east-1', account: DR },
        { region: 'eu-west-1', account: DR },
      ].map((destination) => ({
        policy: 'nightly',
        scheduledAt: '2026-11-28T03:00:00.000Z',
        clusterId: 'orders',
        source: { region: 'us-east-1' },
        snapshotId: SNAPSHOT,
        destination,
        state: 'waiting',
        step: 0,
        requestedAt: '2026-11-28T03:20:00.000Z',
      })),
    );
  });

  it('skips a setting that would land on the source, and keeps the source account when there is one', () => {
    const jobs = copyJobsFor({ ...backup, account: '210987654321' }, [{ region: 'us-east-1' }, ownWest], now);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.source).toEqual({ region: 'us-east-1', account: '210987654321' });
    expect(jobs[0]?.destination).toEqual({ region: 'us-west-2' });
  });

  it('carries none of the settings (keys, roles, external ids) into the job', () => {
    const [opened] = copyJobsFor(backup, [drOtherRegion], now);
    const text = JSON.stringify(opened);
    expect(text).not.toContain('ext-1');
    expect(text).not.toContain(ROLE);
    expect(text).not.toContain(DR_EU_KEY);
  });
});

describe('transitions', () => {
  const waiting: CopyJob = {
    ...job,
    state: 'waiting',
    startedAt: undefined,
    sourceArn: undefined,
    encrypted: undefined,
  };

  it('records a completed copy with its duration from the first hop accepted', () => {
    const transition = copyTransitionOf(job, {
      state: 'available',
      step: 1,
      completedAt: '2026-11-28T04:20:05.000Z',
    });
    expect(transition).toEqual({
      policy: 'nightly',
      scheduledAt: '2026-11-28T03:00:00.000Z',
      clusterId: 'orders',
      source: { region: 'us-east-1' },
      destination: { region: 'us-west-2' },
      snapshotId: SNAPSHOT,
      from: 'copying',
      to: 'available',
      step: 1,
      durationMs: 3_600_000,
    });
  });

  it('takes the start time of the change when it carries one, and keeps the job step when it does not', () => {
    const transition = copyTransitionOf(waiting, {
      state: 'available',
      startedAt: '2026-11-28T04:00:00.000Z',
      completedAt: '2026-11-28T04:00:30.000Z',
    });
    expect(transition.durationMs).toBe(30_000);
    expect(transition.step).toBe(0);
    expect(transition.from).toBe('waiting');
  });

  it('has no duration unless the copy became available, and carries the error of a failure', () => {
    const started = copyTransitionOf(waiting, { state: 'copying', startedAt: '2026-11-28T03:20:05.000Z' });
    expect(started).not.toHaveProperty('durationMs');
    expect(started).not.toHaveProperty('error');
    const error = { code: 'kms-misconfigured' as const, message: 'no key' };
    const failed = copyTransitionOf(job, { state: 'failed', error, completedAt: '2026-11-28T05:00:00.000Z' });
    expect(failed.error).toEqual(error);
    expect(failed).not.toHaveProperty('durationMs');
    expect(failed.to).toBe('failed');
  });

  it('moves a job by the fields a change sets, and leaves the job it was given alone', () => {
    const moved = movedCopy(waiting, {
      state: 'copying',
      startedAt: '2026-11-28T03:20:05.000Z',
      sourceArn: SOURCE_ARN,
      encrypted: false,
    });
    expect(moved).toEqual({
      ...waiting,
      state: 'copying',
      step: 0,
      startedAt: '2026-11-28T03:20:05.000Z',
      sourceArn: SOURCE_ARN,
      encrypted: false,
    });
    expect(waiting.state).toBe('waiting');
    expect(waiting.sourceArn).toBeUndefined();
    const next = movedCopy(moved, { state: 'copying', step: 1 });
    expect(next.step).toBe(1);
    expect(next.startedAt).toBe('2026-11-28T03:20:05.000Z');
    expect(next.encrypted).toBe(false);
  });
});
