/**
 * The disaster-recovery world of the copies' integration tests: the service's account and a DR account,
 * KMS keys in both, the copier role trusting the service's account with its external id, and helpers to
 * write `copies` entries, look at snapshots where they are and run reconcile passes on a shared clock.
 */
import type { FleetSeed } from '../../../local/emulator.js';
import { type lifecycleWorld, reconcilePass, type World } from './support.js';

export const OWN = '123456789012';
export const DR = '444455556666';
export const ROLE = `arn:aws:iam::${DR}:role/docdb-backup-copier`;
export const EXTERNAL_ID = 'docdb-backup-7f3a9c';
export const MINUTE = 60_000;
const key = (region: string, account: string, id: string) => `arn:aws:kms:${region}:${account}:key/${id}`;
export const KEYS = {
  source: key('us-east-1', OWN, '0000aaaa-0000-4000-8000-000000000001'),
  west: key('us-west-2', OWN, '0000aaaa-0000-4000-8000-000000000002'),
  share: key('us-east-1', OWN, '0000aaaa-0000-4000-8000-000000000003'),
  drEast: key('us-east-1', DR, '0000aaaa-0000-4000-8000-000000000004'),
  drEu: key('eu-west-1', DR, '0000aaaa-0000-4000-8000-000000000005'),
  /** Well-formed, of the right account and Region, but no such key there (a typo, a key deleted). */
  drEuMissing: key('eu-west-1', DR, '0000aaaa-0000-4000-8000-0000000000ff'),
  drEastMissing: key('us-east-1', DR, '0000aaaa-0000-4000-8000-0000000000fe'),
};
const idOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/** The DR world: orders (encrypted as `encryption` says), the keys, the copier role. */
export function drFleet(
  encryption: { kmsKeyId?: string; encrypted?: boolean } = { kmsKeyId: KEYS.source },
): FleetSeed {
  const encrypted = encryption.encrypted ?? true;
  return {
    regions: {
      'us-east-1': {
        clusters: [
          { id: 'orders', encrypted, ...(encryption.kmsKeyId ? { kmsKeyId: encryption.kmsKeyId } : {}) },
        ],
        kmsKeys: [{ id: idOf(KEYS.source) }, { id: idOf(KEYS.share) }],
      },
      'us-west-2': { kmsKeys: [{ id: idOf(KEYS.west) }] },
    },
    accounts: {
      [DR]: {
        regions: {
          'us-east-1': { kmsKeys: [{ id: idOf(KEYS.drEast) }] },
          'eu-west-1': { kmsKeys: [{ id: idOf(KEYS.drEu) }] },
        },
        roles: { 'docdb-backup-copier': { trust: { accounts: [OWN], externalId: EXTERNAL_ID } } },
      },
    },
  };
}

/** A `copies` entry to the DR account with its role and external id, and `extra` lines. */
export const account = (extra: string) => `      - account: "${DR}"
        roleArn: ${ROLE}
        externalId: ${EXTERNAL_ID}
${extra}`;

/** The snapshots of an account's Region, as the emulator holds them. */
export function snapshots(world: World, region: string, acct = OWN) {
  return world.emu.state().accounts[acct]?.regions[region]?.snapshots ?? [];
}

export type Lifecycle = Awaited<ReturnType<typeof lifecycleWorld>>;

/** `count` passes, the clock moved `stepMs` before each; every pass's result. */
/** `count` reconcile passes, the clock moved `stepMs` before each; every pass's result. */
export async function passes(
  world: World,
  policies: string,
  lifecycle: Lifecycle,
  count: number,
  stepMs: number,
) {
  const out = [];
  for (let i = 0; i < count; i++) {
    lifecycle.advance(stepMs);
    out.push(await reconcilePass(world, policies, { clock: lifecycle.clock }));
  }
  return out;
}

/** The pages of failed copies published so far. */
export const copyPages = (world: World) =>
  world.emu.state().published.filter((m) => / cop(y|ies) failed/.test(m.subject ?? ''));
