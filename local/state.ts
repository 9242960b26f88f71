/** The emulator's whole state as plain JSON, for tests, benchmarks and `GET /_emulator/state`. */
import { copiesInFlight } from './docdb/copies.js';
import { clusterStatus, snapshotProgress, snapshotStatus } from './docdb/status.js';
import type { FaultEngine, FaultState } from './faults.js';
import type {
  AssumedSession,
  CopyOrigin,
  CopyRequestRecord,
  KmsKeyRecord,
  PublishedMessage,
  RecordedEvent,
  RegionStore,
  RoleRecord,
  SnapshotRecord,
  SnapshotType,
  World,
  WorldSettings,
} from './world.js';

export interface ClusterView {
  id: string;
  arn: string;
  engine: string;
  engineVersion: string;
  /** As DescribeDBClusters would show it now (faults included). */
  status: string;
  createdAt: string;
  encrypted: boolean;
  kmsKeyId?: string;
  tags: Record<string, string>;
}

export interface SnapshotView {
  id: string;
  arn: string;
  clusterId: string;
  type: SnapshotType;
  engine: string;
  status: string;
  percentProgress: number;
  createdAt: string;
  encrypted: boolean;
  /** The key ARN when encrypted. */
  kmsKeyId?: string;
  tags: Record<string, string>;
  /** Its `restore` attribute: accounts (or `all`) it is shared with, sorted. */
  sharedWith: string[];
  /** Set on a copy: its source and the PreSignedUrl that came with a cross-Region copy. */
  copy?: CopyOrigin;
}

export interface KmsKeyView {
  id: string;
  arn: string;
  manager: 'CUSTOMER' | 'AWS';
  aliases: string[];
  enabled: boolean;
}

export interface RegionView {
  quota: number;
  /** Manual snapshots, the ones the quota counts. */
  manualSnapshots: number;
  /** Copies `copying` into this account and Region now, and the most there ever were at once. */
  copiesInFlight: number;
  copiesInFlightPeak: number;
  clusters: ClusterView[];
  snapshots: SnapshotView[];
  /** Seeded customer managed keys (the AWS managed `alias/aws/rds` key is implicit). */
  kmsKeys: KmsKeyView[];
  topics: string[];
  eventBuses: string[];
}

export interface AccountView {
  regions: Record<string, RegionView>;
  /** IAM roles of the account by ARN, with their trust. */
  roles: Record<string, RoleRecord>;
}

export interface EmulatorState {
  /** The emulator's clock (wall clock plus any `advanceClock`). */
  now: string;
  settings: WorldSettings;
  accessKeys: Record<string, string>;
  accounts: Record<string, AccountView>;
  /** Credentials AssumeRole handed out, by access key id. */
  sessions: Record<string, AssumedSession>;
  /** Every CopyDBClusterSnapshot request as it arrived (refused ones too), oldest first. */
  copyRequests: CopyRequestRecord[];
  published: PublishedMessage[];
  events: RecordedEvent[];
  /** API calls received per action, faulted ones included, e.g. `{ 'rds:CreateDBClusterSnapshot': 12 }`. */
  calls: Record<string, number>;
  /** The same per Region (the caller's credential scope, all accounts), e.g. `{ 'eu-west-1': { 'rds:DescribeDBClusters': 1 } }`. */
  callsByRegion: Record<string, Record<string, number>>;
  /** Calls answered `Throttling` (token buckets and injected throttling) per action, e.g. `{ 'rds:CreateDBClusterSnapshot': 3 }`. */
  throttled: Record<string, number>;
  faults: FaultState;
}

const byId = <T extends { id: string }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function snapshotView(snapshot: SnapshotRecord, nowMs: number): SnapshotView {
  const view: SnapshotView = {
    id: snapshot.id,
    arn: snapshot.arn,
    clusterId: snapshot.clusterId,
    type: snapshot.type,
    engine: snapshot.engine,
    status: snapshotStatus(snapshot, nowMs),
    percentProgress: snapshotProgress(snapshot, nowMs),
    createdAt: new Date(snapshot.createdAtMs).toISOString(),
    encrypted: snapshot.encrypted,
    tags: Object.fromEntries(snapshot.tags),
    sharedWith: [...snapshot.sharedWith].sort(),
  };
  if (snapshot.kmsKeyId !== undefined) view.kmsKeyId = snapshot.kmsKeyId;
  if (snapshot.copy) view.copy = { ...snapshot.copy };
  return view;
}

function keyView(key: KmsKeyRecord): KmsKeyView {
  return { id: key.id, arn: key.arn, manager: key.manager, aliases: [...key.aliases], enabled: key.enabled };
}

function regionView(world: World, faults: FaultEngine, store: RegionStore, nowMs: number): RegionView {
  return {
    quota: world.quotaOf(store),
    manualSnapshots: store.manualSnapshotCount(),
    copiesInFlight: copiesInFlight(store, nowMs),
    copiesInFlightPeak: store.copiesInFlightPeak,
    clusters: [...store.clusters.values()]
      .map((cluster) => {
        const view: ClusterView = {
          id: cluster.id,
          arn: cluster.arn,
          engine: cluster.engine,
          engineVersion: cluster.engineVersion,
          status: clusterStatus(faults, store.accountId, store.region, cluster, nowMs),
          createdAt: new Date(cluster.createdAtMs).toISOString(),
          encrypted: cluster.encrypted,
          tags: Object.fromEntries(cluster.tags),
        };
        if (cluster.kmsKeyId !== undefined) view.kmsKeyId = cluster.kmsKeyId;
        return view;
      })
      .sort(byId),
    snapshots: [...store.snapshots.values()].map((snapshot) => snapshotView(snapshot, nowMs)).sort(byId),
    kmsKeys: [...store.kmsKeys.values()].map(keyView).sort(byId),
    topics: [...store.topics.values()].map((topic) => topic.arn).sort(),
    eventBuses: [...store.eventBuses].sort(),
  };
}

/** A deep, JSON-safe copy of the state. */
export function buildState(world: World, faults: FaultEngine): EmulatorState {
  const nowMs = world.now();
  const accounts: EmulatorState['accounts'] = {};
  const accountOf = (accountId: string): AccountView => {
    const account = accounts[accountId] ?? { regions: {}, roles: {} };
    accounts[accountId] = account;
    return account;
  };
  for (const store of world.allStores()) {
    store.settle(nowMs);
    accountOf(store.accountId).regions[store.region] = regionView(world, faults, store, nowMs);
  }
  for (const role of world.roles.values()) accountOf(role.accountId).roles[role.arn] = role;
  return structuredClone({
    now: new Date(nowMs).toISOString(),
    settings: world.settings,
    accessKeys: Object.fromEntries(world.accessKeys),
    accounts,
    sessions: Object.fromEntries(world.sessions),
    copyRequests: world.copyRequests,
    published: world.published,
    events: world.events,
    calls: Object.fromEntries(world.calls),
    callsByRegion: Object.fromEntries(
      [...world.callsByRegion].map(([region, calls]) => [region, Object.fromEntries(calls)]),
    ),
    throttled: Object.fromEntries(world.throttled),
    faults: faults.snapshot(nowMs),
  });
}
