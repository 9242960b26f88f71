/**
 * `docdb-backup run --policy P [--at TIME] [--dry-run] [--json]`: one run now, with the engine the
 * scheduled function uses (`runBackup`) and the same records: results table, result events, and the one
 * alert per slot. It needs the function's environment (ALERT_TOPIC_ARN, RESULTS_TABLE, …), read by
 * `readBackupEnv`. `--dry-run` prints the plan for the slot and changes nothing.
 */

import { systemClock } from '../../shared/backup/clock.js';
import { RunFailedError, type RunObserver, type RunReport, runBackup } from '../../shared/backup/engine.js';
import { NEXT_STEP } from '../../shared/backup/failures.js';
import {
  type ClusterResult,
  countOutcomes,
  type FailureCode,
  isSnapshotTaken,
} from '../../shared/backup/results.js';
import type { RetryNotice } from '../../shared/backup/take-snapshot.js';
import type { BackupEnv } from '../../shared/env.js';
import { startWindowEndsAt } from '../../shared/planning/jobs.js';
import { slotOf } from '../../shared/planning/naming.js';
import { slotProblem } from '../../shared/planning/slot.js';
import type { ResolvedPolicy } from '../../shared/policy/index.js';
import { clip } from '../../shared/policy/text.js';
import { parseCommandArgs } from '../args.js';
import { requireAws } from '../aws.js';
import { awsSettingOf } from '../aws-errors.js';
import type { Command, CommandContext } from '../context.js';
import { readFunctionEnv } from '../environment.js';
import { EXIT, UsageError } from '../errors.js';
import { countActions, inspectPolicy } from '../inspect.js';
import { counted, printOutcome } from '../output.js';
import { loadPolicies, POLICY_FLAGS, pickPolicies, readPolicyFlags } from '../policies.js';
import { RunProgress } from '../progress.js';
import { deletionJson, deletionLines } from '../retention-lines.js';
import { formatDuration, formatUtc, parseDurationFlag } from '../time.js';
import { RUN_INFO } from './help.js';
import { countsLine, planTable } from './plan.js';

const DEFAULT_TIMEOUT_SECONDS = 900;

/**
 * The closing lines of a run: counts, what retention deleted, quota warnings, records, the alert, and
 * what to do about failures.
 * Example: `summaryLines(report, 12_300, 'results')` → `['4 created, 1 already existed, 0 failed, 0 skipped in 12.3s', …]`
 */
export function summaryLines(
  report: RunReport,
  elapsedMs: number,
  table: string,
  startWindowEndsAt?: Date,
): string[] {
  const counts = countOutcomes(report.summary.results);
  const results = report.summary.results;
  const pending = counts.pending ? `${counts.pending} pending, ` : '';
  const lines = [
    `${counts.created} created, ${counts['already-exists']} already existed, ${pending}${counts.failed} failed, ` +
      `${counts.skipped} skipped in ${formatDuration(elapsedMs)}`,
  ];
  lines.push(...deletionLines(report.summary.deletions));
  for (const w of report.warnings) {
    lines.push(
      `quota: ${w.region} holds ${w.used} of ${w.quota} manual snapshots (warning at ${w.warnAtPercent}%)`,
    );
  }
  lines.push(
    `recorded ${counted(results.length, 'result')} in ${table}` +
      (report.eventsFailed
        ? `; ${counted(report.eventsFailed, 'result event')} not delivered`
        : '; result events published'),
  );
  if (report.alert) {
    lines.push(
      report.alert.sent
        ? `on-call alerted: ${report.alert.subject}`
        : `alert not sent (${report.alert.note ?? 'unknown reason'}): ${report.alert.subject}`,
    );
  }
  if (results.length === 0) lines.push('the policy selected no cluster: nothing was backed up');
  const codes = [
    ...new Set(
      results
        .filter((r) => !isSnapshotTaken(r) && r.outcome !== 'pending')
        .map((r) => r.error?.code ?? ('aws-error' as FailureCode)),
    ),
  ];
  if (codes.length || counts.pending) lines.push('next steps:');
  for (const code of codes) lines.push(`  ${code}: ${NEXT_STEP[code] ?? ''}`);
  if (counts.pending) lines.push(`  pending: ${pendingHint(counts.pending, startWindowEndsAt)}`);
  return lines;
}

/**
 * What to do about clusters left `pending` (busy through the run, start window still open).
 * Example: `pendingHint(1, new Date('2026-11-28T11:00Z'))` → `'1 cluster not backed up yet: the reconciler starts its snapshot once the cluster is free, until 2026-11-28 11:00 UTC; …'`
 */
export function pendingHint(count: number, startWindowEndsAt?: Date): string {
  const until = startWindowEndsAt ? `, until ${formatUtc(startWindowEndsAt)} UTC` : '';
  const one = count === 1;
  return (
    `${counted(count, 'cluster')} not backed up yet: the reconciler starts ${one ? 'its snapshot' : 'their snapshots'} ` +
    `once ${one ? 'the cluster is' : 'they are'} free${until}; wait for it, or run "docdb-backup reconcile" ` +
    'now, then "docdb-backup status"'
  );
}

/** A result with every key present, in the documented order (stable JSON). */
function resultJson(r: ClusterResult) {
  return {
    region: r.region,
    clusterId: r.clusterId,
    outcome: r.outcome,
    snapshotId: r.snapshotId ?? null,
    attempts: r.attempts,
    durationMs: r.durationMs,
    error: r.error ?? null,
  };
}

async function dryRun(
  ctx: CommandContext,
  policy: ResolvedPolicy,
  slot: Date,
  json: boolean,
): Promise<number> {
  await requireAws(ctx.aws(), 'run', { regions: policy.regions, setting: awsSettingOf(ctx.io.env) });
  const rows = await inspectPolicy({ docdb: ctx.aws().docdb, log: ctx.log, concurrency: 10 }, policy, slot);
  const counts = countActions(rows);
  const ok = counts.fail === 0 && counts.snapshot > 0;
  return printOutcome(ctx.io, 'run', json, ok, {
    json: () => ({
      dryRun: true,
      policy: policy.name,
      scheduledAt: slot.toISOString(),
      ok,
      clusters: rows,
      counts,
    }),
    text: () => {
      const { out } = ctx;
      const lines = [
        `${out.bold('dry run')} of ${out.bold(policy.name)} for slot ${formatUtc(slot)} UTC: nothing is changed`,
        ...(rows.length ? planTable(rows, out, '  ') : ['  the policy selects no cluster']),
        countsLine(
          counts,
          rows.reduce((n, r) => n + r.wouldDelete.length, 0),
        ),
      ];
      return `${lines.join('\n')}\n`;
    },
  });
}

function readEnvironment(ctx: CommandContext): BackupEnv {
  return readFunctionEnv(
    ctx,
    'run',
    "a run records its results and pages like the scheduled function, so it needs the function's environment:",
    ', or use --dry-run',
  );
}

interface RunOptions {
  policy: ResolvedPolicy;
  policies: ResolvedPolicy[];
  slot: Date;
  timeoutSeconds: number;
  dryRun: boolean;
  json: boolean;
}

/** The flags and the policy file, checked: what to run, for which slot. Throws UsageError. */
async function runOptions(args: string[], ctx: CommandContext): Promise<RunOptions> {
  const { values } = parseCommandArgs(
    'run',
    args,
    { ...POLICY_FLAGS, 'dry-run': { type: 'boolean' }, timeout: { type: 'string' } },
    0,
  );
  if (values.policy === undefined)
    throw new UsageError('--policy is required: which policy to run', { command: 'run' });
  const { now, at, file } = readPolicyFlags(values, ctx.io, 'run');
  const name = values.policy;
  const slot = slotOf(at);
  // The same rule as the function's event: a slot ahead of the clock names future snapshots.
  const ahead = slotProblem(slot, now);
  if (ahead) throw new UsageError(`--at: ${ahead}`, { command: 'run' });
  const timeoutSeconds =
    values.timeout === undefined
      ? DEFAULT_TIMEOUT_SECONDS
      : parseDurationFlag(values.timeout, '--timeout', 'run');
  const policies = await loadPolicies(file, ctx.io, 'run');
  const [policy] = pickPolicies(policies, name, 'run', file);
  if (!policy) throw new UsageError(`unknown policy "${clip(name)}"`, { command: 'run' });
  if (!policy.enabled) {
    ctx.io.stderr.write(
      `${ctx.err.yellow('note')}: policy ${policy.name} is disabled in ${file}; running because asked\n`,
    );
  }
  const flags = { dryRun: values['dry-run'] === true, json: values.json === true };
  return { policy, policies, slot, timeoutSeconds, ...flags };
}

/** When the slot's start window closes: until then the reconciler starts what the run left pending. */
function startWindowEnd(policy: ResolvedPolicy, slot: Date): Date {
  return new Date(startWindowEndsAt({ scheduledAt: slot.toISOString() }, policy.windows));
}

/** The live progress lines of a run on a terminal (none for --json). */
function progressOf(
  ctx: CommandContext,
  policy: ResolvedPolicy,
  slot: Date,
  json: boolean,
): RunProgress | undefined {
  if (json) return undefined;
  return new RunProgress(ctx.io.stdout, policy.regions, {
    live: ctx.io.stdout.isTTY,
    style: ctx.out,
    now: () => Date.now(),
    startWindowEndsAt: startWindowEnd(policy, slot),
    widths: {
      region: Math.max(1, ...policy.regions.map((r) => r.length)),
      cluster: Math.max(16, ...policy.clusters.identifiers.map((id) => id.length)),
    },
  });
}

/** What a real run came to: its report, or why it failed, and the results seen before that. */
interface RunEnd {
  report?: RunReport;
  failure?: Error;
  seen: ClusterResult[];
  interrupted: boolean;
}

/** Runs the engine as the function would, watched by the progress lines; Ctrl-C stops new attempts. */
async function execute(ctx: CommandContext, options: RunOptions, env: BackupEnv): Promise<RunEnd> {
  const { policy, slot } = options;
  const progress = progressOf(ctx, policy, slot, options.json);
  const seen: ClusterResult[] = [];
  const stop = new AbortController();
  const stopListening = ctx.io.onInterrupt(() => {
    if (stop.signal.aborted) return;
    progress?.stop();
    ctx.io.stderr.write(
      '\ninterrupted: no new attempts; snapshots already requested go on in AWS, the run may not be recorded.\n' +
        `To complete the slot: docdb-backup run --policy ${policy.name} --at ${slot.toISOString().slice(0, 16)}Z\n`,
    );
    stop.abort(new Error('interrupted'));
  });
  const observer: RunObserver = {
    onClustersListed: (_at, ids) => progress?.knowClusters(ids),
    onAttempt: (at, clusterId) => progress?.attempt(at.region, clusterId),
    onRetry: (notice: RetryNotice) => progress?.retry(notice),
    onResult: (result) => {
      seen.push(result);
      progress?.result(result);
    },
  };
  try {
    const report = await runBackup(ctx.aws().engineDeps(env, ctx.log, systemClock), {
      policy,
      slot,
      deadline: Date.now() + options.timeoutSeconds * 1000,
      concurrency: env.concurrency,
      prefixOwners: options.policies.map((p) => ({ policy: p.name, prefix: p.snapshot.prefix })),
      signal: stop.signal,
      observer,
    });
    return { report, seen, interrupted: stop.signal.aborted };
  } catch (error) {
    if (!(error instanceof RunFailedError)) throw error;
    return { failure: error, seen, interrupted: stop.signal.aborted };
  } finally {
    progress?.stop();
    stopListening();
  }
}

/** Writes how the run ended (JSON or lines) and returns the exit code. */
function finish(ctx: CommandContext, options: RunOptions, end: RunEnd, took: number, env: BackupEnv): number {
  const { report, failure } = end;
  const results = report?.summary.results ?? [...end.seen];
  const ok = failure === undefined && results.length > 0 && results.every(isSnapshotTaken);
  return printOutcome(ctx.io, 'run', options.json, ok, {
    json: () => ({
      dryRun: false,
      policy: options.policy.name,
      scheduledAt: options.slot.toISOString(),
      ok,
      results: results.map(resultJson),
      counts: countOutcomes(results),
      deletions: (report?.summary.deletions ?? []).map((d) => deletionJson(d)),
      quotaWarnings: report?.warnings ?? [],
      alert: report?.alert ?? null,
      recorded: report?.recorded ?? false,
      eventsFailed: report?.eventsFailed ?? null,
      error: failure ? { name: failure.name, message: failure.message } : null,
    }),
    text: () => {
      const { out } = ctx;
      if (!report) return `${out.red('run failed')}: ${failure?.message}\n`;
      const [first, ...rest] = summaryLines(
        report,
        took,
        env.resultsTable,
        startWindowEnd(options.policy, options.slot),
      );
      const onlyPending = results.every((r) => isSnapshotTaken(r) || r.outcome === 'pending');
      const verdict = ok
        ? out.green('done')
        : onlyPending && results.length > 0
          ? out.yellow('not backed up yet')
          : out.red('not all backed up');
      return [`${verdict}: ${first}`, ...rest].map((line) => `${line}\n`).join('');
    },
  });
}

async function run(args: string[], ctx: CommandContext): Promise<number> {
  const options = await runOptions(args, ctx);
  if (options.dryRun) return dryRun(ctx, options.policy, options.slot, options.json);
  const env = readEnvironment(ctx);
  await requireAws(ctx.aws(), 'run', { regions: options.policy.regions, setting: awsSettingOf(ctx.io.env) });
  const started = Date.now();
  if (!options.json) {
    const { out } = ctx;
    ctx.io.stdout.write(
      `${out.bold('run')} ${out.bold(options.policy.name)} for slot ${formatUtc(options.slot)} UTC in ${options.policy.regions.join(', ')}\n`,
    );
  }
  const end = await execute(ctx, options, env);
  if (end.interrupted) return EXIT.interrupted;
  return finish(ctx, options, end, Date.now() - started, env);
}

export const runCommand: Command = {
  ...RUN_INFO,
  run,
};
