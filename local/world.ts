/**
 * The emulator's in-memory state: resources per account and Region, what was published, and the
 * call counters. Time is the wall clock plus an offset tests can advance, and statuses that change
 * with time (`creating` → `available`) are computed from it when read: no timers run.
 */

export type SnapshotType = 'manual' | 'automated' | 'awsbackup';

export interface ClusterRecord {
  id: string;
  arn: string;
  engine: string;
  engineVersion: string;
  /** The status once created; `creating` is shown instead until `availableAtMs`. */
  status: string;
  availableAtMs?: number;
  createdAtMs: number;
  encrypted: boolean;
  kmsKeyId?: string;
  resourceId: string;
  port: number;
  parameterGroup: string;
  tags: Map<string, string>;
  /** How long its new manual snapshots stay `creating`; the emulator's setting when undefined. */
  snapshotAvailableAfterMs?: number;
}

/** Where a copy came from: kept on the copy (`SourceDBClusterSnapshotArn`) and shown by `state()`. */
export interface CopyOrigin {
  sourceArn: string;
  sourceAccountId: string;
  sourceRegion: string;
  /** The PreSignedUrl that arrived with a cross-Region copy (the SDK makes it from `SourceRegion`). */
  preSignedUrl?: string;
}

export interface SnapshotRecord {
  id: string;
  arn: string;
  clusterId: string;
  type: SnapshotType;
  engine: string;
  engineVersion: string;
  /** The status once created (`available` or `failed`); `pendingStatus` is shown instead until `availableAtMs`. */
  status: string;
  availableAtMs?: number;
  /** What DescribeDBClusterSnapshots shows before `availableAtMs`: `creating` (default) or `copying`. */
  pendingStatus?: string;
  /** When set, the snapshot is removed from its store at this time instead of becoming `status`. */
  vanishAtMs?: number;
  createdAtMs: number;
  clusterCreatedAtMs: number;
  encrypted: boolean;
  kmsKeyId?: string;
  port: number;
  tags: Map<string, string>;
  /** The `restore` attribute: account ids (or `all`) that may copy or restore this manual snapshot. */
  sharedWith: Set<string>;
  /** Set on a snapshot made by CopyDBClusterSnapshot. */
  copy?: CopyOrigin;
}

/** A KMS key of one account and Region (kms.ts); `alias/aws/rds` (AWS managed) exists without one. */
export interface KmsKeyRecord {
  id: string;
  arn: string;
  manager: 'CUSTOMER' | 'AWS';
  aliases: string[];
  enabled: boolean;
  createdAtMs: number;
}

/** An IAM role STS may assume (sts.ts): who its trust policy lets in. */
export interface RoleRecord {
  arn: string;
  accountId: string;
  name: string;
  /** Accounts whose principals may assume it; its own account when empty. */
  trustedAccounts: string[];
  /** The `sts:ExternalId` its trust policy demands, if any. */
  externalId?: string;
  maxSessionDurationSeconds: number;
}

/** Who signs with an access key: a seeded user's key or AssumeRole credentials. */
export interface Principal {
  accountId: string;
  arn: string;
  userId: string;
}

/** Credentials AssumeRole handed out. */
export interface AssumedSession extends Principal {
  accessKeyId: string;
  roleArn: string;
  sessionName: string;
  externalId?: string;
  expiration: string;
}

/** One CopyDBClusterSnapshot request as it arrived, refused or not (for tests: was the PreSignedUrl there?). */
export interface CopyRequestRecord {
  accountId: string;
  region: string;
  source: string;
  target: string;
  kmsKeyId?: string;
  copyTags: boolean;
  preSignedUrl?: string;
  /** Parameters that arrived besides the documented ones (e.g. `SourceRegion`, which the SDK never sends). */
  otherParameters: string[];
  time: string;
}

export interface TopicRecord {
  name: string;
  arn: string;
}

/** Resources of one account in one Region. */
export class RegionStore {
  /** Manual snapshot quota override; the emulator's default applies when undefined. */
  quota?: number;
  readonly clusters = new Map<string, ClusterRecord>();
  readonly snapshots = new Map<string, SnapshotRecord>();
  readonly topics = new Map<string, TopicRecord>();
  readonly eventBuses = new Set<string>(['default']);
  /** Customer managed KMS keys by key id (the AWS managed `alias/aws/rds` key is implicit: kms.ts). */
  readonly kmsKeys = new Map<string, KmsKeyRecord>();
  /** The most copies ever `copying` at once into this account and Region. */
  copiesInFlightPeak = 0;
  /** Snapshots due to vanish (`vanishAtMs`), removed by `settle`. */
  private readonly vanishing = new Set<SnapshotRecord>();

  constructor(
    readonly accountId: string,
    readonly region: string,
  ) {}

  /** Stores a snapshot (replacing one with its id); one with `vanishAtMs` vanishes at that time. */
  putSnapshot(snapshot: SnapshotRecord): void {
    const previous = this.snapshots.get(snapshot.id);
    if (previous) this.vanishing.delete(previous);
    this.snapshots.set(snapshot.id, snapshot);
    if (snapshot.vanishAtMs !== undefined) this.vanishing.add(snapshot);
  }

  /** Removes a snapshot; false when there is none with that id. */
  removeSnapshot(id: string): boolean {
    const snapshot = this.snapshots.get(id);
    if (!snapshot) return false;
    this.vanishing.delete(snapshot);
    return this.snapshots.delete(id);
  }

  /**
   * Applies what time has done by `nowMs`: the snapshots due to vanish by then are gone. Called before
   * the store is read (each API call, `state()`), since no timers run.
   */
  settle(nowMs: number): void {
    for (const snapshot of this.vanishing) {
      if (snapshot.vanishAtMs === undefined || snapshot.vanishAtMs > nowMs) continue;
      this.vanishing.delete(snapshot);
      if (this.snapshots.get(snapshot.id) === snapshot) this.snapshots.delete(snapshot.id);
    }
  }

  manualSnapshotCount(): number {
    let count = 0;
    for (const snapshot of this.snapshots.values()) if (snapshot.type === 'manual') count++;
    return count;
  }
}

/** One SNS Publish as accepted. */
export interface PublishedMessage {
  accountId: string;
  region: string;
  topicArn: string;
  messageId: string;
  subject?: string;
  message: string;
  messageStructure?: string;
  attributes: Record<string, { dataType: string; stringValue?: string; binaryValue?: string }>;
  time: string;
}

/** One EventBridge event as accepted by PutEvents. */
export interface RecordedEvent {
  accountId: string;
  region: string;
  eventId: string;
  eventBusName: string;
  source: string;
  detailType: string;
  /** The parsed `Detail` JSON. */
  detail: unknown;
  resources: string[];
  time: string;
}

/** Settings that a reset may change. */
export interface WorldSettings {
  accountId: string;
  defaultQuota: number;
  snapshotAvailableAfterMs: number;
  clusterAvailableAfterMs: number;
  /** How long a copy stays `copying` unless its source cluster's fault says otherwise. */
  copyAvailableAfterMs: number;
  /** Copies `copying` at once per destination account and Region before CopyDBClusterSnapshot refuses. */
  maxConcurrentCopies: number;
}

export class World {
  settings: WorldSettings;
  private clockOffsetMs = 0;
  private readonly stores = new Map<string, RegionStore>();
  readonly accessKeys = new Map<string, string>();
  /** IAM roles by ARN (seeded `roles`). */
  readonly roles = new Map<string, RoleRecord>();
  /** AssumeRole credentials by access key id (their account is also in `accessKeys`). */
  readonly sessions = new Map<string, AssumedSession>();
  copyRequests: CopyRequestRecord[] = [];
  published: PublishedMessage[] = [];
  events: RecordedEvent[] = [];
  readonly calls = new Map<string, number>();
  /** Calls answered with a throttling error, per action. */
  readonly throttled = new Map<string, number>();
  /** Calls per Region (all accounts), then per action. */
  readonly callsByRegion = new Map<string, Map<string, number>>();

  constructor(
    settings: WorldSettings,
    private readonly startAccessKeys: Readonly<Record<string, string>> = {},
  ) {
    this.settings = { ...settings };
    this.reset(settings);
  }

  /** Forgets every resource, record and counter, and takes `settings`. */
  reset(settings: WorldSettings): void {
    this.settings = { ...settings };
    this.clockOffsetMs = 0;
    this.stores.clear();
    this.accessKeys.clear();
    for (const [key, account] of Object.entries(this.startAccessKeys)) this.accessKeys.set(key, account);
    this.roles.clear();
    this.sessions.clear();
    this.copyRequests = [];
    this.published = [];
    this.events = [];
    this.calls.clear();
    this.throttled.clear();
    this.callsByRegion.clear();
  }

  /** The emulator's time in epoch milliseconds. */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  /** The account an access key id belongs to; unknown keys use the default account. */
  accountFor(accessKeyId: string | undefined): string {
    return (accessKeyId && this.accessKeys.get(accessKeyId)) || this.settings.accountId;
  }

  /**
   * Who signs with `accessKeyId`: AssumeRole credentials are their role session; any other key is a user
   * of its account (`arn:aws:iam::<account>:user/emulator`).
   */
  principalFor(accessKeyId: string | undefined): Principal {
    const session = accessKeyId ? this.sessions.get(accessKeyId) : undefined;
    if (session) return session;
    const accountId = this.accountFor(accessKeyId);
    return {
      accountId,
      arn: `arn:aws:iam::${accountId}:user/emulator`,
      userId: `AIDA${accountId}EMULATOR`,
    };
  }

  /** The store of one account and Region, created on first use. */
  store(accountId: string, region: string): RegionStore {
    const key = `${accountId}/${region}`;
    let store = this.stores.get(key);
    if (!store) {
      store = new RegionStore(accountId, region);
      this.stores.set(key, store);
    }
    return store;
  }

  /** The store of one account and Region when it exists (lookups that must not create one). */
  findStore(accountId: string, region: string): RegionStore | undefined {
    return this.stores.get(`${accountId}/${region}`);
  }

  /** Every store created so far. */
  allStores(): RegionStore[] {
    return [...this.stores.values()];
  }

  quotaOf(store: RegionStore): number {
    return store.quota ?? this.settings.defaultQuota;
  }

  /** Counts one call of `action`, and in `region` when the caller's Region is known. */
  countCall(action: string, region?: string): void {
    this.calls.set(action, (this.calls.get(action) ?? 0) + 1);
    if (region === undefined) return;
    let regional = this.callsByRegion.get(region);
    if (!regional) {
      regional = new Map();
      this.callsByRegion.set(region, regional);
    }
    regional.set(action, (regional.get(action) ?? 0) + 1);
  }

  countThrottled(action: string): void {
    this.throttled.set(action, (this.throttled.get(action) ?? 0) + 1);
  }
}

/** The status of a resource that shows `creating` (or its `pendingStatus`) until `availableAtMs`. */
export function timedStatus(
  record: { status: string; availableAtMs?: number; pendingStatus?: string },
  nowMs: number,
): string {
  if (record.availableAtMs !== undefined && nowMs < record.availableAtMs)
    return record.pendingStatus ?? 'creating';
  return record.status;
}
