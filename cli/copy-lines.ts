/**
 * How the operator CLI shows a reconcile pass's disaster-recovery copies: each copy's move as an aligned
 * line (state, policy, cluster, snapshot, source → destination, hop, detail), the open copies in one
 * line, and the same as JSON.
 */
import { describeLocation } from '../shared/backup/location.js';
import type { CopyJob, CopyState, CopyTransition } from '../shared/planning/copies.js';
import { counted } from './output.js';
import type { Style } from './style.js';
import { renderTable } from './table.js';
import { formatDuration } from './time.js';

function stateWord(state: CopyState, style: Style): string {
  if (state === 'available') return style.green(state);
  return state === 'failed' ? style.red(state) : style.yellow(state);
}

function detail(t: CopyTransition): string {
  if (t.error) return `${t.error.code}: ${t.error.message}`;
  if (t.to === 'available' && t.durationMs !== undefined) return `copied in ${formatDuration(t.durationMs)}`;
  if (t.to === 'copying') return t.from === 'waiting' ? 'copy started' : `hop ${t.step + 1} started`;
  return '';
}

/**
 * The pass's copy moves, aligned; nothing when no copy moved.
 * Example: `copyTransitionLines([t], style)` → `['  available  nightly  orders  nightly-orders-20261128-0300  us-east-1 → us-west-2  copied in 12m']`
 */
export function copyTransitionLines(transitions: readonly CopyTransition[], style: Style): string[] {
  if (transitions.length === 0) return [];
  const columns = Array.from({ length: 6 }, () => ({ header: '' }));
  return renderTable(
    columns,
    transitions.map((t) => [
      stateWord(t.to, style),
      t.policy,
      t.clusterId,
      t.snapshotId,
      `${describeLocation(t.source)} → ${describeLocation(t.destination)}`,
      detail(t),
    ]),
    { indent: '  ', noHeader: true, style },
  );
}

/** `3 copies open (2 waiting, 1 copying)`, or undefined when none is open. */
export function openCopiesText(open: readonly Pick<CopyJob, 'state'>[]): string | undefined {
  if (open.length === 0) return undefined;
  const waiting = open.filter((job) => job.state === 'waiting').length;
  return `${counted(open.length, 'copy', 'copies')} open (${waiting} waiting, ${open.length - waiting} copying)`;
}

/** A copy move in the `--json` document. */
export function copyTransitionJson(t: CopyTransition) {
  return {
    policy: t.policy,
    clusterId: t.clusterId,
    snapshotId: t.snapshotId,
    scheduledAt: t.scheduledAt,
    source: t.source,
    destination: t.destination,
    from: t.from,
    to: t.to,
    step: t.step,
    durationMs: t.durationMs ?? null,
    error: t.error ?? null,
  };
}

/** An open copy in the `--json` document. */
export function openCopyJson(job: CopyJob) {
  return {
    policy: job.policy,
    clusterId: job.clusterId,
    snapshotId: job.snapshotId,
    scheduledAt: job.scheduledAt,
    source: job.source,
    destination: job.destination,
    state: job.state,
    step: job.step,
    requestedAt: job.requestedAt,
    startedAt: job.startedAt ?? null,
  };
}
