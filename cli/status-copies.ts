/**
 * `status`'s view of disaster-recovery copies: per cluster and destination of its policy, the latest copy
 * job (ResultsReader.latestCopies) and whether the destination holds a current copy, one that is
 * `available` and of the cluster's newest available backup. A destination with no copy, or whose newest
 * copy failed, needs a person (exit 1, like an overdue cluster); a copy on its way (`waiting`, `copying`)
 * or an older one not yet followed by the newest backup's (`behind`) does not. Pure: the command reads,
 * this judges and renders.
 */
import { describeLocation, type Location, locationKey } from '../shared/backup/location.js';
import type { CopyJob, CopyState } from '../shared/planning/copies.js';
import type { Failure } from '../shared/planning/failure.js';
import type { Style } from './style.js';
import { renderTable } from './table.js';
import { formatSpan } from './time.js';

/** A destination's latest copy as `status` shows it: every key present, `null` for none. */
export interface CopyStatus {
  /** `account` is null for the service's own account. */
  destination: { region: string; account: string | null };
  /** Null when no copy to this destination is recorded. */
  state: CopyState | null;
  snapshotId: string | null;
  /** The slot of the backup copied. */
  scheduledAt: string | null;
  completedAt: string | null;
  error: Failure | null;
  /** Available, and of the cluster's newest available backup (or newer). */
  current: boolean;
  /** Since the copy job was opened (its source became available), as of the status time; null without one. */
  ageSeconds: number | null;
}

/** What a destination's latest copy means for on-call. */
export type CopyVerdict = 'current' | 'behind' | 'in-flight' | 'failed' | 'none';

/** The rows `status` shows copies of: each cluster's place and its copies (null: not read). */
export interface ClusterCopies {
  region: string;
  clusterId: string;
  copies?: readonly CopyStatus[] | null;
}

/**
 * A destination's latest copy, judged against the slot of the cluster's newest available backup
 * (`newestSlot`; undefined when unknown: any available copy is then current).
 * Example: `copyStatus({ region: 'us-west-2' }, availableJob, new Date('2026-11-28T03:00Z'), now).current` → `true`
 */
export function copyStatus(
  destination: Location,
  job: CopyJob | undefined,
  newestSlot: Date | undefined,
  now: Date,
): CopyStatus {
  const at = { region: destination.region, account: destination.account ?? null };
  if (!job)
    return {
      destination: at,
      state: null,
      snapshotId: null,
      scheduledAt: null,
      completedAt: null,
      error: null,
      current: false,
      ageSeconds: null,
    };
  const current =
    job.state === 'available' && (!newestSlot || Date.parse(job.scheduledAt) >= newestSlot.getTime());
  return {
    destination: at,
    state: job.state,
    snapshotId: job.snapshotId,
    scheduledAt: job.scheduledAt,
    completedAt: job.completedAt ?? null,
    error: job.error ?? null,
    current,
    ageSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(job.requestedAt)) / 1000)),
  };
}

/**
 * Example: `copyVerdict({ state: 'copying', … })` → `'in-flight'`
 */
export function copyVerdict(copy: CopyStatus): CopyVerdict {
  if (copy.state === null) return 'none';
  if (copy.state === 'failed') return 'failed';
  if (copy.state === 'available') return copy.current ? 'current' : 'behind';
  return 'in-flight';
}

/** True when the copy needs a person: none recorded, or the newest failed. */
export function isCopyProblem(copy: CopyStatus): boolean {
  const verdict = copyVerdict(copy);
  return verdict === 'none' || verdict === 'failed';
}

/**
 * Where a copy goes, in a table: the Region, `<account>/<region>` for another account.
 * Example: `destinationText({ region: 'eu-west-1', account: '444455556666' })` → `'444455556666/eu-west-1'`
 */
export function destinationText(destination: CopyStatus['destination']): string {
  return locationKey({ region: destination.region, account: destination.account ?? undefined });
}

/**
 * The latest copy in a few words: `available`, `available (behind)`, `copying`, `waiting`,
 * `failed copy-failed` (the code as the last result shows it: the table stays within 100 columns), `none`.
 * Example: `copyText({ state: 'failed', error: { code: 'kms-misconfigured', … }, … })` → `'failed kms-misconfigured'`
 */
export function copyText(copy: CopyStatus): string {
  if (copy.state === null) return 'none';
  if (copy.state === 'failed') return copy.error ? `failed ${copy.error.code}` : 'failed';
  if (copy.state === 'available') return copy.current ? 'available' : 'available (behind)';
  return copy.state;
}

function copyWord(copy: CopyStatus, style: Style): string {
  const text = copyText(copy);
  const verdict = copyVerdict(copy);
  if (verdict === 'current') return style.green(text);
  return verdict === 'none' || verdict === 'failed' ? style.red(text) : style.yellow(text);
}

/**
 * The copies of a policy's clusters as an aligned table (in the order of `rows`, destinations in the
 * policy's order), the source Region only when the clusters are in more than one; [] when no row has one.
 * Example: `copyLines(rows, style)` → `['  CLUSTER  DESTINATION  LATEST COPY  AGE  SNAPSHOT', '  orders   us-west-2    available  …']`
 */
export function copyLines(rows: readonly ClusterCopies[], style: Style): string[] {
  const withCopies = rows.filter((r) => (r.copies?.length ?? 0) > 0);
  if (withCopies.length === 0) return [];
  const regions = new Set(withCopies.map((r) => r.region)).size > 1;
  const lines = withCopies.flatMap((r) =>
    (r.copies ?? []).map((c) => [
      ...(regions ? [r.region] : []),
      r.clusterId,
      destinationText(c.destination),
      copyWord(c, style),
      c.ageSeconds === null ? '-' : formatSpan(c.ageSeconds),
      c.snapshotId ?? '-',
    ]),
  );
  return renderTable(
    [
      ...(regions ? [{ header: 'REGION' }] : []),
      { header: 'CLUSTER' },
      { header: 'DESTINATION' },
      { header: 'LATEST COPY' },
      { header: 'AGE', align: 'right' as const },
      { header: 'SNAPSHOT' },
    ],
    lines,
    { indent: '  ', style },
  );
}

/**
 * Why each copy problem needs a person, one line each, under the policy's table.
 * Example: `copyReasons(rows, style)` → `['  · payments → us-west-2: the newest copy failed: copy-failed: …']`
 */
export function copyReasons(rows: readonly ClusterCopies[], style: Style): string[] {
  return rows.flatMap((r) =>
    (r.copies ?? []).filter(isCopyProblem).map((c) => {
      const where = `${r.clusterId} → ${describeLocation({ region: c.destination.region, account: c.destination.account ?? undefined })}`;
      const why =
        c.state === null
          ? 'no copy recorded for this policy'
          : `the newest copy (${c.snapshotId}) failed${c.error ? `: ${c.error.code}: ${c.error.message}` : ''}`;
      return `  ${style.dim('·')} ${where}: ${why}`;
    }),
  );
}

/** Copies by verdict, for `--json` (`inFlight`: waiting or copying). */
export interface CopyCounts {
  current: number;
  behind: number;
  inFlight: number;
  failed: number;
  none: number;
}

/** Counts of every row's copies by verdict. */
export function countCopies(rows: readonly ClusterCopies[]): CopyCounts {
  const counts: CopyCounts = { current: 0, behind: 0, inFlight: 0, failed: 0, none: 0 };
  const key: Record<CopyVerdict, keyof CopyCounts> = {
    current: 'current',
    behind: 'behind',
    'in-flight': 'inFlight',
    failed: 'failed',
    none: 'none',
  };
  for (const r of rows) for (const c of r.copies ?? []) counts[key[copyVerdict(c)]]++;
  return counts;
}

/**
 * The copies in the verdict line, or undefined when no row has any.
 * Example: `copySummary(rows)` → `'copies: 2 of 4 current, 1 in flight, 1 failed'`
 */
export function copySummary(rows: readonly ClusterCopies[]): string | undefined {
  const counts = countCopies(rows);
  const total = counts.current + counts.behind + counts.inFlight + counts.failed + counts.none;
  if (total === 0) return undefined;
  const others = [
    counts.behind ? `${counts.behind} behind` : '',
    counts.inFlight ? `${counts.inFlight} in flight` : '',
    counts.failed ? `${counts.failed} failed` : '',
    counts.none ? `${counts.none} none` : '',
  ].filter(Boolean);
  return `copies: ${counts.current} of ${total} current${others.map((o) => `, ${o}`).join('')}`;
}
