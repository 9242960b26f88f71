/**
 * `docdb-backup reconcile [--json] [--file F]`: one reconcile pass now, by hand, with the engine the
 * reconcile function runs (shared/lifecycle `reconcile`) and the same records: each followed job of every
 * policy of the file (enabled or not) carried forward (pending ones tried again, creating ones checked),
 * retention after a completion, one page per policy for the failures, events. It needs the function's
 * environment (ALERT_TOPIC_ARN, RESULTS_TABLE, …), read by `readBackupEnv`.
 */

import { systemClock } from '../../shared/backup/clock.js';
import { NEXT_STEP } from '../../shared/backup/failures.js';
import type { FailureCode } from '../../shared/backup/results.js';
import { type ReconcileReport, reconcile } from '../../shared/lifecycle/pass.js';
import type { BackupJob, JobState, JobTransition } from '../../shared/planning/jobs.js';
import { nonEmpty, parseCommandArgs } from '../args.js';
import { requireAws } from '../aws.js';
import { awsSettingOf } from '../aws-errors.js';
import type { Command, CommandContext } from '../context.js';
import { copyTransitionJson, copyTransitionLines, openCopiesText, openCopyJson } from '../copy-lines.js';
import { readFunctionEnv } from '../environment.js';
import { EXIT } from '../errors.js';
import { counted, printOutcome } from '../output.js';
import { loadPolicies, policyFileOf } from '../policies.js';
import { deletionJson, deletionLines } from '../retention-lines.js';
import type { Style } from '../style.js';
import { renderTable } from '../table.js';
import { formatDuration, parseDurationFlag } from '../time.js';
import { RECONCILE_INFO } from './help.js';

/** A pass by hand gets the run's default deadline; the function's is its Lambda timeout. */
const DEFAULT_TIMEOUT_SECONDS = 900;

/** How many of the pass's transitions ended each way, and how many jobs are still open. */
export interface ReconcileCounts {
  /** Jobs whose snapshot became available. */
  available: number;
  failed: number;
  /** Pending jobs whose snapshot AWS accepted in this pass. */
  started: number;
  /** Jobs still pending or creating after the pass. */
  open: number;
}

/**
 * The counts of a pass.
 * Example: `reconcileCounts(report)` → `{ available: 1, failed: 0, started: 0, open: 2 }`
 */
export function reconcileCounts(report: Pick<ReconcileReport, 'transitions' | 'open'>): ReconcileCounts {
  const to = (state: JobState) => report.transitions.filter((t) => t.to === state).length;
  return {
    available: to('available'),
    failed: to('failed'),
    started: to('creating'),
    open: report.open.length,
  };
}

/**
 * Whether the pass did all it had to: no job failed, every page was sent, every policy's jobs were read.
 * Example: `passOk({ transitions: [], pages: [], unread: [] })` → `true`
 */
export function passOk(
  report: Pick<ReconcileReport, 'transitions' | 'pages' | 'unread'> &
    Partial<Pick<ReconcileReport, 'copies'>>,
): boolean {
  return (
    report.transitions.every((t) => t.to !== 'failed') &&
    (report.copies?.transitions ?? []).every((t) => t.to !== 'failed') &&
    (report.copies?.leftovers ?? []).length === 0 &&
    report.pages.every((p) => !p.failed) &&
    report.unread.length === 0
  );
}

function stateWord(state: JobState, style: Style): string {
  if (state === 'available') return style.green(state);
  return state === 'failed' ? style.red(state) : style.yellow(state);
}

/** What a transition says besides its states: the failure, or how long the snapshot took. */
function transitionDetail(t: JobTransition): string {
  if (t.error) return `${t.error.code}: ${t.error.message}`;
  if (t.to === 'available' && t.durationMs !== undefined) return `in ${formatDuration(t.durationMs)}`;
  if (t.to === 'creating') return 'snapshot requested';
  return '';
}

/**
 * The pass's transitions as aligned lines: new state, policy, Region, cluster, snapshot, from → to, detail.
 * Example: `transitionLines([t], style)` → `['  available  nightly  us-east-1  orders  nightly-orders-20261128-0300  creating → available  in 4m 10s']`
 */
export function transitionLines(transitions: readonly JobTransition[], style: Style): string[] {
  if (transitions.length === 0) return ['  no job changed'];
  return renderTable(
    [
      { header: '' },
      { header: '' },
      { header: '' },
      { header: '' },
      { header: '' },
      { header: '' },
      { header: '' },
    ],
    transitions.map((t) => [
      stateWord(t.to, style),
      t.policy,
      t.region,
      t.clusterId,
      t.snapshotId,
      `${t.from} → ${t.to}`,
      transitionDetail(t),
    ]),
    { indent: '  ', noHeader: true, style },
  );
}

/** `2 jobs still open (1 pending, 1 creating)`, or `no job open`. */
export function openText(open: readonly Pick<BackupJob, 'state'>[]): string {
  if (open.length === 0) return 'no job open';
  const pending = open.filter((j) => j.state === 'pending').length;
  const creating = open.length - pending;
  return `${counted(open.length, 'job')} still open (${pending} pending, ${creating} creating)`;
}

/**
 * The closing lines of a pass: counts and open jobs, retention, pages, unread policies, events, next steps.
 * Example: `passSummaryLines(report, 2_100)` → `['1 available, 0 failed, 0 started; 2 jobs still open (1 pending, 1 creating) in 2.1s', …]`
 */
export function passSummaryLines(report: ReconcileReport, elapsedMs: number): string[] {
  const counts = reconcileCounts(report);
  const lines = [
    `${counts.available} available, ${counts.failed} failed, ${counts.started} started; ` +
      `${openText(report.open)} in ${formatDuration(elapsedMs)}`,
  ];
  const copies = report.copies ?? { transitions: [], open: [], leftovers: [] };
  const copied = copies.transitions.filter((t) => t.to === 'available').length;
  const copyFailed = copies.transitions.filter((t) => t.to === 'failed').length;
  const openCopies = openCopiesText(copies.open);
  if (copies.transitions.length || openCopies)
    lines.push(`copies: ${copied} copied, ${copyFailed} failed${openCopies ? `; ${openCopies}` : ''}`);
  for (const left of copies.leftovers) lines.push(`not undone, remove by hand: ${left}`);
  lines.push(...deletionLines(report.deletions.flatMap((slot) => slot.deletions)));
  for (const page of report.pages) {
    lines.push(
      page.sent
        ? `on-call alerted for ${counted(page.jobs, 'failed job')}: ${page.subject}`
        : `page not sent (${page.note ?? 'unknown reason'}): ${page.subject}; the next pass pages again`,
    );
  }
  for (const u of report.unread) {
    lines.push(`jobs of policy ${u.policy} not read: ${u.error}; the next pass tries again`);
  }
  if (report.eventsFailed) lines.push(`${counted(report.eventsFailed, 'event')} not delivered`);
  const codes = [
    ...new Set(
      [...report.transitions, ...copies.transitions]
        .filter((t) => t.to === 'failed')
        .map((t) => t.error?.code ?? ('aws-error' as FailureCode)),
    ),
  ];
  if (codes.length) {
    lines.push('next steps:');
    for (const code of codes) lines.push(`  ${code}: ${NEXT_STEP[code] ?? ''}`);
  }
  return lines;
}

function transitionJson(t: JobTransition) {
  return {
    policy: t.policy,
    region: t.region,
    clusterId: t.clusterId,
    snapshotId: t.snapshotId,
    scheduledAt: t.scheduledAt,
    from: t.from,
    to: t.to,
    durationMs: t.durationMs ?? null,
    error: t.error ?? null,
  };
}

function openJson(job: BackupJob) {
  return {
    policy: job.policy,
    region: job.region,
    clusterId: job.clusterId,
    snapshotId: job.snapshotId,
    scheduledAt: job.scheduledAt,
    state: job.state,
    requestedAt: job.requestedAt,
    startedAt: job.startedAt ?? null,
  };
}

/** The `--json` document's fields after `version` and `command`. */
export function reconcileJson(file: string, report: ReconcileReport) {
  return {
    file,
    ok: passOk(report),
    counts: reconcileCounts(report),
    transitions: report.transitions.map(transitionJson),
    open: report.open.map(openJson),
    deletions: report.deletions.flatMap((slot) =>
      slot.deletions.map((d) => ({ policy: slot.policy, scheduledAt: slot.scheduledAt, ...deletionJson(d) })),
    ),
    pages: report.pages.map((p) => ({
      policy: p.policy,
      subject: p.subject,
      jobs: p.jobs,
      sent: p.sent,
      note: p.note ?? null,
    })),
    unread: report.unread,
    eventsFailed: report.eventsFailed,
    copies: {
      transitions: report.copies.transitions.map(copyTransitionJson),
      open: report.copies.open.map(openCopyJson),
      leftovers: report.copies.leftovers,
    },
  };
}

async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseCommandArgs(
    'reconcile',
    args,
    { file: { type: 'string' }, json: { type: 'boolean' }, timeout: { type: 'string' } },
    0,
  );
  const file = policyFileOf(nonEmpty(values.file, '--file', 'reconcile'), ctx.io);
  const timeoutSeconds =
    values.timeout === undefined
      ? DEFAULT_TIMEOUT_SECONDS
      : parseDurationFlag(values.timeout, '--timeout', 'reconcile');
  const policies = await loadPolicies(file, ctx.io, 'reconcile');
  const env = readFunctionEnv(
    ctx,
    'reconcile',
    "a reconcile pass records job changes and pages like the reconcile function, so it needs the function's environment:",
  );
  await requireAws(ctx.aws(), 'reconcile', {
    regions: policies.flatMap((p) => p.regions),
    setting: awsSettingOf(ctx.io.env),
  });

  const json = values.json === true;
  const { out } = ctx;
  if (!json)
    ctx.io.stdout.write(
      `${out.bold('reconcile')} the jobs of ${counted(policies.length, 'policy', 'policies')} of ${file}\n`,
    );
  const started = Date.now();
  const stop = new AbortController();
  const stopListening = ctx.io.onInterrupt(() => {
    if (stop.signal.aborted) return;
    ctx.io.stderr.write(
      '\ninterrupted: the pass stops; snapshots already requested go on in AWS, and the jobs it did not ' +
        'record stay as they were: the next pass (scheduled, or docdb-backup reconcile) carries them forward.\n',
    );
    stop.abort(new Error('interrupted'));
  });
  let report: ReconcileReport;
  try {
    report = await reconcile(ctx.aws().engineDeps(env, ctx.log, systemClock), {
      policies,
      maxCopiesInFlight: policies.reconcile.maxCopiesInFlight,
      // The target accounts' roles trust only the reconcile function's role: their copies are its own.
      ownAccountCopiesOnly: true,
      deadline: Date.now() + timeoutSeconds * 1000,
      concurrency: env.concurrency,
      signal: stop.signal,
    });
  } finally {
    stopListening();
  }
  if (stop.signal.aborted) return EXIT.interrupted;
  const ok = passOk(report);
  return printOutcome(ctx.io, 'reconcile', json, ok, {
    json: () => reconcileJson(file, report),
    text: () => {
      const [first, ...rest] = passSummaryLines(report, Date.now() - started);
      const verdict = ok ? out.green('done') : out.red('needs attention');
      const copyLines = copyTransitionLines(report.copies.transitions, out);
      return [...transitionLines(report.transitions, out), ...copyLines, `${verdict}: ${first}`, ...rest]
        .map((line) => `${line}\n`)
        .join('');
    },
  });
}

export const reconcileCommand: Command = {
  ...RECONCILE_INFO,
  run,
};
