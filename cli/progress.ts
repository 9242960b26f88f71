/**
 * Live progress of `run`: a line per cluster as it completes and a line per retry, in every output; on a
 * terminal also one status line at the bottom (what is in flight, who waits for a retry and how long),
 * redrawn in place and erased at the end. The line builders are pure.
 */

import type { ClusterResult } from '../shared/backup/results.js';
import type { RetryNotice } from '../shared/backup/take-snapshot.js';
import type { CliOutput } from './io.js';
import type { Style } from './style.js';
import { formatDuration, formatUtc } from './time.js';

/** Column widths of progress lines; they only grow, so lines stay aligned as names get longer. */
export interface LineWidths {
  region: number;
  cluster: number;
}

const OUTCOME_WIDTH = 'already-exists'.length;

function cell(text: string, width: number): string {
  return text.padEnd(width);
}

function outcomeWord(outcome: ClusterResult['outcome'], style: Style): string {
  const padded = cell(outcome, OUTCOME_WIDTH);
  if (outcome === 'created' || outcome === 'already-exists') return style.green(padded);
  return outcome === 'failed' ? style.red(padded) : style.yellow(padded);
}

function attempts(count: number): string {
  return `${count} attempt${count === 1 ? '' : 's'}`;
}

/**
 * What a `pending` result means, for its line.
 * Example: `pendingText(new Date('2026-11-28T11:00Z'))` → `'busy; the reconciler tries again until 2026-11-28 11:00 UTC'`
 */
export function pendingText(startWindowEndsAt: Date | undefined): string {
  const until = startWindowEndsAt
    ? ` until ${formatUtc(startWindowEndsAt)} UTC`
    : ' while its start window is open';
  return `busy; the reconciler tries again${until}`;
}

/**
 * The line for a finished cluster (a `pending` one says until when the reconciler keeps trying).
 * Example: `resultLine({ outcome: 'created', region: 'us-east-1', clusterId: 'orders', snapshotId: 'n-orders-20261128-0300', attempts: 1, durationMs: 310 }, widths, style)`
 *   → `'  created         us-east-1  orders            n-orders-20261128-0300  (1 attempt, 0.3s)'`
 */
export function resultLine(
  result: ClusterResult,
  widths: LineWidths,
  style: Style,
  startWindowEndsAt?: Date,
): string {
  const where = `${cell(result.region, widths.region)}  ${cell(result.clusterId, widths.cluster)}`;
  const timing = style.dim(`(${attempts(result.attempts)}, ${formatDuration(result.durationMs)})`);
  let what: string;
  if (result.error)
    what = `${result.error.code}: ${result.error.message}${result.attempts > 0 ? ` ${timing}` : ''}`;
  else if (result.outcome === 'pending')
    what = `${result.snapshotId ?? ''} ${pendingText(startWindowEndsAt)} ${timing}`;
  else what = `${result.snapshotId ?? ''} ${timing}`;
  return `  ${outcomeWord(result.outcome, style)}  ${where}  ${what}`.trimEnd();
}

/**
 * The line for a busy cluster that will be tried again.
 * Example: `retryLine({ region: 'us-east-1', clusterId: 'orders', attempt: 1, delayMs: 31_000 }, widths, style)`
 *   → `'  busy            us-east-1  orders            attempt 1 refused: cluster busy; attempt 2 in 31s'`
 */
export function retryLine(notice: RetryNotice, widths: LineWidths, style: Style): string {
  const where = `${cell(notice.region, widths.region)}  ${cell(notice.clusterId, widths.cluster)}`;
  const wait = Math.max(1, Math.ceil(notice.delayMs / 1000));
  return `  ${style.yellow(cell('busy', OUTCOME_WIDTH))}  ${where}  attempt ${notice.attempt} refused: cluster busy; attempt ${notice.attempt + 1} in ${wait}s`;
}

/** What is going on right now, for the status line. */
export interface LiveState {
  phase: 'planning' | 'snapshots';
  regions: readonly string[];
  done: number;
  /** Clusters with a create call in flight. */
  inFlight: readonly string[];
  /** Clusters waiting to retry, with the time (epoch ms) of their next attempt. */
  waiting: readonly { clusterId: string; attempt: number; at: number }[];
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function truncate(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/**
 * The status line's text (no colour), cut to `width`.
 * Example: `statusText({ phase: 'snapshots', done: 3, inFlight: ['a'], waiting: [], regions: [] }, now, 0, 80)`
 *   → `'⠋ 3 done · in progress: a'`
 */
export function statusText(state: LiveState, now: number, frame: number, width: number): string {
  const spinner = SPINNER[frame % SPINNER.length];
  if (state.phase === 'planning') {
    return truncate(`${spinner} reading the clusters of ${state.regions.join(', ')}`, width);
  }
  const parts = [`${spinner} ${state.done} done`];
  if (state.inFlight.length) parts.push(`in progress: ${state.inFlight.join(', ')}`);
  if (state.waiting.length) {
    const waits = state.waiting.map(
      (w) => `${w.clusterId} (attempt ${w.attempt} in ${Math.max(0, Math.ceil((w.at - now) / 1000))}s)`,
    );
    parts.push(`waiting: ${waits.join(', ')}`);
  }
  return truncate(parts.join(' · '), width);
}

/** Cluster ids longer than this do not widen the column in advance (they still widen it when reported). */
const MAX_KNOWN_WIDTH = 40;

const CLEAR_LINE = '\r\u001b[2K';

export interface ProgressOptions {
  /** Redraw a status line in place (only on a terminal). */
  live: boolean;
  style: Style;
  now: () => number;
  widths: LineWidths;
  /** When the slot's start window closes: what a `pending` line says. */
  startWindowEndsAt?: Date;
}

/** Prints a run's progress to one output. Call `stop()` before printing anything else. */
export class RunProgress {
  private readonly widths: LineWidths;
  private readonly inFlight = new Map<string, string>();
  private readonly waiting = new Map<string, { clusterId: string; attempt: number; at: number }>();
  private done = 0;
  private phase: LiveState['phase'] = 'planning';
  private frame = 0;
  private drawn = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly out: CliOutput,
    private readonly regions: readonly string[],
    private readonly options: ProgressOptions,
  ) {
    this.widths = { ...options.widths };
    if (options.live) {
      this.timer = setInterval(() => {
        this.frame++;
        this.draw();
      }, 250);
      this.timer.unref();
      this.draw();
    }
  }

  /** Clusters the run may report on (read while planning): widens the cluster column once, up front. */
  knowClusters(clusterIds: readonly string[]): void {
    const longest = Math.max(0, ...clusterIds.map((id) => id.length));
    this.widths.cluster = Math.max(this.widths.cluster, Math.min(longest, MAX_KNOWN_WIDTH));
  }

  /** A create call is about to be sent for a cluster. */
  attempt(region: string, clusterId: string): void {
    this.phase = 'snapshots';
    const key = `${region}/${clusterId}`;
    this.waiting.delete(key);
    this.inFlight.set(key, clusterId);
    this.draw();
  }

  retry(notice: RetryNotice): void {
    const key = `${notice.region}/${notice.clusterId}`;
    this.inFlight.delete(key);
    this.waiting.set(key, {
      clusterId: notice.clusterId,
      attempt: notice.attempt + 1,
      at: this.options.now() + notice.delayMs,
    });
    this.print(retryLine(notice, this.grow(notice.region, notice.clusterId), this.options.style));
  }

  result(result: ClusterResult): void {
    this.phase = 'snapshots';
    const key = `${result.region}/${result.clusterId}`;
    this.inFlight.delete(key);
    this.waiting.delete(key);
    this.done++;
    this.print(
      resultLine(
        result,
        this.grow(result.region, result.clusterId),
        this.options.style,
        this.options.startWindowEndsAt,
      ),
    );
  }

  /** Erases the status line and stops redrawing; later calls print nothing. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.clear();
  }

  private grow(region: string, clusterId: string): LineWidths {
    this.widths.region = Math.max(this.widths.region, region.length);
    this.widths.cluster = Math.max(this.widths.cluster, clusterId.length);
    return this.widths;
  }

  private print(line: string): void {
    if (this.stopped) return;
    this.clear();
    this.out.write(`${line}\n`);
    this.draw();
  }

  private clear(): void {
    if (!this.drawn) return;
    this.out.write(CLEAR_LINE);
    this.drawn = false;
  }

  private draw(): void {
    if (!this.options.live || this.stopped) return;
    const state: LiveState = {
      phase: this.phase,
      regions: this.regions,
      done: this.done,
      inFlight: [...this.inFlight.values()],
      waiting: [...this.waiting.values()],
    };
    const width = Math.max(20, (this.out.columns ?? 80) - 1);
    this.out.write(
      `${CLEAR_LINE}${this.options.style.dim(statusText(state, this.options.now(), this.frame, width))}`,
    );
    this.drawn = true;
  }
}
