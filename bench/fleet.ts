/**
 * The bench fleet: 400 DocumentDB clusters in 10 Regions, 5 % of them busy for two snapshot attempts,
 * 1 % of all API calls throttled (seeded), 50 ms per API call. bench/policies.yml selects all of them, once
 * by tag (`fleet-by-tag`) and once by identifier (`fleet-by-id`).
 *
 * The throttling scenario: 400 clusters in one Region under AWS's request-rate token buckets, 5
 * CreateDBClusterSnapshot per second (burst 5) and 10 other DocumentDB calls per second (burst 10), 50 ms
 * per call; `throttle-by-id` selects them (`throttle-quick` the first 100, for `--quick`).
 */
import type { FaultConfig, FleetSeed } from '../local/emulator.js';
import { mulberry32 } from '../local/prng.js';

export const FLEET_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'eu-west-2',
  'eu-central-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
] as const;

export const CLUSTERS_PER_REGION = 40;
export const LATENCY_MS = 50;
export const THROTTLE_RATE = 0.01;
export const FAULT_SEED = 20261128;
/** 5 % of the clusters, picked at random (fixed seed), are busy for their first two snapshot attempts. */
export const BUSY_SHARE = 0.05;
export const BUSY_ATTEMPTS = 2;
/** The throttling scenario (issue 13): one Region, AWS's buckets for creates and for every other call. */
export const THROTTLE_REGION = 'us-east-1';
export const THROTTLE_CLUSTERS = 400;
export const THROTTLE_QUICK_CLUSTERS = 100;
export const THROTTLE_BUCKETS = {
  'rds:CreateDBClusterSnapshot': { rate: 5, burst: 5 },
  'rds:*': { rate: 10, burst: 10 },
} as const;
/** Above the scenario's snapshots, so the quota never answers instead of the throttle. */
export const THROTTLE_QUOTA = 2000;

/** The tags every fleet cluster carries; `fleet-by-tag` selects on `backup: nightly`. */
export const FLEET_TAGS = { backup: 'nightly', environment: 'production' } as const;

export interface FleetCluster {
  region: string;
  id: string;
  busy: boolean;
}

/** `us-east-1` → `use1`, `ap-southeast-2` → `apse2`. */
function shortRegion(region: string): string {
  const [area = '', direction = '', number = ''] = region.split('-');
  const initials = direction.replace(
    /(north|south)?(east|west|central)?/,
    (_, ns = '', ew = '') => `${ns.slice(0, 1)}${ew.slice(0, 1)}`,
  );
  return `${area}${initials}${number}`;
}

/** Which fleet positions are busy: a seeded shuffle, so they spread over the run like real ones would. */
function busyPositions(total: number): Set<number> {
  const random = mulberry32(FAULT_SEED);
  const positions = Array.from({ length: total }, (_, k) => k);
  for (let k = total - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    [positions[k], positions[j]] = [positions[j] as number, positions[k] as number];
  }
  return new Set(positions.slice(0, Math.round(total * BUSY_SHARE)));
}

export function fleetClusters(): FleetCluster[] {
  const busy = busyPositions(FLEET_REGIONS.length * CLUSTERS_PER_REGION);
  return FLEET_REGIONS.flatMap((region, r) =>
    Array.from({ length: CLUSTERS_PER_REGION }, (_, i) => ({
      region,
      id: `db-${shortRegion(region)}-${String(i).padStart(2, '0')}`,
      busy: busy.has(r * CLUSTERS_PER_REGION + i),
    })),
  );
}

/** The emulator seed: every cluster a `docdb` cluster carrying FLEET_TAGS plus a team tag. */
export function fleetSeed(): FleetSeed {
  const regions: NonNullable<FleetSeed['regions']> = {};
  for (const [i, cluster] of fleetClusters().entries()) {
    regions[cluster.region] ??= { clusters: [] };
    regions[cluster.region]?.clusters?.push({
      id: cluster.id,
      tags: { ...FLEET_TAGS, team: `team-${i % 7}` },
    });
  }
  return { regions };
}

/** The faults of a fleet run; `none` keeps only the latency (for the fault-free reference run). */
export function fleetFaults(kind: 'faults' | 'none' = 'faults'): FaultConfig {
  if (kind === 'none') return { seed: FAULT_SEED, latencyMs: LATENCY_MS };
  const clusters: NonNullable<FaultConfig['clusters']> = {};
  for (const cluster of fleetClusters())
    if (cluster.busy) clusters[cluster.id] = { busyForAttempts: BUSY_ATTEMPTS, region: cluster.region };
  return { seed: FAULT_SEED, latencyMs: LATENCY_MS, throttleRate: THROTTLE_RATE, clusters };
}

/** The throttling scenario's cluster ids: `tb-000` … `tb-399`. */
export function throttleClusterIds(count = THROTTLE_CLUSTERS): string[] {
  return Array.from({ length: count }, (_, i) => `tb-${String(i).padStart(3, '0')}`);
}

/** The throttling scenario's seed: `count` DocumentDB clusters in THROTTLE_REGION, a quota above them. */
export function throttleSeed(count = THROTTLE_CLUSTERS): FleetSeed {
  const clusters = throttleClusterIds(count).map((id) => ({ id, tags: { ...FLEET_TAGS } }));
  return { regions: { [THROTTLE_REGION]: { quota: THROTTLE_QUOTA, clusters } } };
}

/** The throttling scenario's faults: latency and the buckets, nothing random. */
export function throttleFaults(): FaultConfig {
  return { seed: FAULT_SEED, latencyMs: LATENCY_MS, throttle: structuredClone(THROTTLE_BUCKETS) };
}

/** bench/policies.yml as generated from the fleet (`npm run bench -- --write-policies`); Biome-formatted. */
export function policyFileText(): string {
  const list = (indent: string, items: readonly string[]) =>
    items.map((item) => `${indent}- ${item}`).join('\n');
  return `# yaml-language-server: $schema=../config/policies.schema.json
# The bench fleet's policies (bench/fleet.ts; regenerate with \`npm run bench -- --write-policies\`):
# the same 400 clusters in 10 Regions, selected by tag or by identifier, with short retry delays so the
# busy clusters clear in a moment instead of minutes. No retention: a run only creates snapshots.
# throttle-by-id / throttle-quick: the throttling scenario's 400 (100) clusters in one Region.
version: 1
defaults:
  regions:
${list('    ', FLEET_REGIONS)}
  snapshot:
    tags:
      owner: bench
  retry:
    maxAttempts: 8
    baseDelaySeconds: 0.1
    maxDelaySeconds: 0.2

# The throttling scenario keeps 400 snapshots in one Region: its quota is raised as an account would.
quota:
  regions:
    ${THROTTLE_REGION}: ${THROTTLE_QUOTA}

policies:
  - name: fleet-by-tag
    description: Every fleet cluster, selected by tag (ListTagsForResource per cluster)
    schedule: cron(0 3 * * ? *)
    clusters:
      tags:
        backup: ${FLEET_TAGS.backup}
    snapshot:
      prefix: bytag

  - name: fleet-by-id
    description: Every fleet cluster, selected by identifier (no tag reads)
    schedule: cron(0 4 * * ? *)
    clusters:
      identifiers:
${list(
  '        ',
  fleetClusters().map((c) => c.id),
)}
    snapshot:
      prefix: byid

  - name: throttle-by-id
    description: The throttling scenario, 400 clusters in one Region under AWS's request-rate buckets
    schedule: cron(0 5 * * ? *)
    regions:
      - ${THROTTLE_REGION}
    clusters:
      identifiers:
${list('        ', throttleClusterIds())}
    snapshot:
      prefix: throttle

  - name: throttle-quick
    description: The throttling scenario for --quick, its first 100 clusters
    schedule: cron(0 6 * * ? *)
    regions:
      - ${THROTTLE_REGION}
    clusters:
      identifiers:
${list('        ', throttleClusterIds(THROTTLE_QUICK_CLUSTERS))}
    snapshot:
      prefix: throttleq
`;
}

/**
 * Problems with bench/policies.yml as loaded: it must select exactly the fleet, by tag and by identifier.
 * @example fleetPolicyProblems(await loadPolicyFile('bench/policies.yml')) // []
 */
export function fleetPolicyProblems(
  policies: readonly {
    name: string;
    regions: string[];
    clusters: { identifiers: string[]; tags: Record<string, string> };
  }[],
): string[] {
  const problems: string[] = [];
  const ids = fleetClusters()
    .map((c) => c.id)
    .sort();
  const byTag = policies.find((p) => p.name === 'fleet-by-tag');
  const byId = policies.find((p) => p.name === 'fleet-by-id');
  for (const [name, count] of [
    ['throttle-by-id', THROTTLE_CLUSTERS],
    ['throttle-quick', THROTTLE_QUICK_CLUSTERS],
  ] as const) {
    const policy = policies.find((p) => p.name === name);
    if (
      !policy ||
      policy.regions.join() !== THROTTLE_REGION ||
      policy.clusters.identifiers.join() !== throttleClusterIds(count).join()
    )
      problems.push(
        `${name} must name the throttling scenario's first ${count} clusters in ${THROTTLE_REGION}`,
      );
  }
  for (const p of [byTag, byId]) {
    if (p && p.regions.join() !== FLEET_REGIONS.join())
      problems.push(`${p.name}: Regions differ from the fleet`);
  }
  if (!byTag || JSON.stringify(byTag.clusters.tags) !== JSON.stringify({ backup: FLEET_TAGS.backup }))
    problems.push('fleet-by-tag must select by the tag backup: nightly');
  if (!byId || [...byId.clusters.identifiers].sort().join() !== ids.join())
    problems.push('fleet-by-id must name exactly the fleet clusters');
  return problems;
}
