/** The emulator's whole state as plain JSON, for tests, benchmarks and `GET /_emulator/state`. */
import { clusterStatus, snapshotProgress, snapshotStatus } from './docdb/status.js';
import type { FaultEngine, FaultState } from './faults.js';
import type { PublishedMessage, RecordedEvent, SnapshotType, World, WorldSettings } from './world.js';

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
  tags: Record<string, string>;
}

export interface RegionView {
  quota: number;
  /** Manual snapshots, the ones the quota counts. */
  manualSnapshots: number;
  clusters: ClusterView[];
  snapshots: SnapshotView[];
  topics: string[];
  eventBuses: string[];
}

export interface EmulatorState {
  /** The emulator's clock (wall clock plus any `advanceClock`). */
  now: string;
  settings: WorldSettings;
  accessKeys: Record<string, string>;
  accounts: Record<string, { regions: Record<string, RegionView> }>;
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

/** A deep, JSON-safe copy of the state. */
export function buildState(world: World, faults: FaultEngine): EmulatorState {
  const nowMs = world.now();
  const accounts: EmulatorState['accounts'] = {};
  for (const store of world.allStores()) {
    store.settle(nowMs);
    const account = accounts[store.accountId] ?? { regions: {} };
    accounts[store.accountId] = account;
    account.regions[store.region] = {
      quota: world.quotaOf(store),
      manualSnapshots: store.manualSnapshotCount(),
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
      snapshots: [...store.snapshots.values()]
        .map((snapshot) => ({
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
        }))
        .sort(byId),
      topics: [...store.topics.values()].map((topic) => topic.arn).sort(),
      eventBuses: [...store.eventBuses].sort(),
    };
  }
  return structuredClone({
    now: new Date(nowMs).toISOString(),
    settings: world.settings,
    accessKeys: Object.fromEntries(world.accessKeys),
    accounts,
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
