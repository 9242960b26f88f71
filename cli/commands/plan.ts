/**
 * `docdb-backup plan [--policy P] [--at TIME] [--json]`: per policy the next three scheduled times (in the
 * policy's time zone and in UTC, with the daylight-saving changes among them and what EventBridge Scheduler
 * does then), and (with AWS credentials) per Region what the next run would do: the clusters it selects
 * now with the snapshot ids it would create, and what it would skip or fail, and why; for a policy with
 * copies, each copy of a selected encrypted cluster that cannot be made as the policy stands (a missing
 * key setting, an AWS managed key shared with another account: cli/copy-keys.ts). Read-only.
 */
import {
  type DaylightSavingChange,
  daylightSavingChanges,
  formatLocal,
  formatOffset,
  nextScheduledTimes,
  type ResolvedPolicy,
  type Schedule,
  scheduleOf,
} from '../../shared/policy/index.js';
import { parseCommandArgs } from '../args.js';
import { type CliAws, requireAws } from '../aws.js';
import { awsSettingOf, describeFailure } from '../aws-errors.js';
import type { Command, CommandContext } from '../context.js';
import {
  type CopyKeyContext,
  type CopyKeyProblem,
  checkCopyKeys,
  copyDestinations,
  copyPlanLines,
  listedOnce,
} from '../copy-keys.js';
import { countActions, inspectPolicy, type PlanAction, type PlannedCluster } from '../inspect.js';
import { counted, printOutcome } from '../output.js';
import { loadPolicies, POLICY_FLAGS, pickPolicies, readPolicyFlags } from '../policies.js';
import type { Style } from '../style.js';
import { renderTable } from '../table.js';
import { formatSpan, formatUtc } from '../time.js';
import { PLAN_INFO } from './help.js';

/** DocumentDB as the plan reads it. */
type CliDocdb = CliAws['docdb'];

/** How many scheduled times each policy lists. */
export const NEXT_RUNS = 3;

/** A daylight-saving change among the next runs, as `plan --json` shows it. */
export interface PlannedOffsetChange {
  /** The first instant of the new offset (ISO-8601, UTC). */
  at: string;
  /** The zone's offset before and after, `+01:00`. */
  offsetBefore: string;
  offsetAfter: string;
  /** Local fire times (`yyyy-mm-ddThh:mm`) that do not exist that day: EventBridge Scheduler skips them. */
  skipped: string[];
  /** Local fire times the clocks show twice: EventBridge Scheduler runs each once. */
  repeated: string[];
}

export interface PolicyPlan {
  name: string;
  enabled: boolean;
  schedule: string;
  /** The IANA zone the schedule is read in; null: UTC. */
  timezone: string | null;
  regions: string[];
  /** How long a slot may wait for a busy cluster to start, and a started snapshot to become available. */
  windows: { startMinutes: number; completionMinutes: number };
  /** The next scheduled times at or after the reference time (ISO-8601, UTC). */
  nextRuns: string[];
  /** The same times on the zone's clock with its offset (`2026-03-30T02:30+02:00`); null without a zone. */
  nextRunsLocal: string[] | null;
  /** Offset changes of the zone from the reference time to the last of `nextRuns`. */
  daylightSaving: PlannedOffsetChange[];
  /** The slot the clusters were planned for (the first of `nextRuns`), null when none. */
  slot: string | null;
  /** Null when AWS was not read (offline, no credentials, or no next run). */
  clusters: PlannedCluster[] | null;
  counts: Record<PlanAction, number> | null;
  /** Where the policy's copies go (`<account>/<region>` for another account); [] without copies. */
  copies: string[];
  /** The copies of selected clusters that cannot be made (cli/copy-keys.ts); null when AWS was not read. */
  copyProblems: CopyKeyProblem[] | null;
}

/**
 * The next `count` scheduled times at or after `at` (a time equal to `at` counts).
 * Example: `nextRunsFrom('cron(0 3 * * ? *)', new Date('2026-11-28T03:00Z'), 1)` → `[2026-11-28T03:00Z]`
 */
export function nextRunsFrom(schedule: string | Schedule, at: Date, count: number): Date[] {
  return nextScheduledTimes(schedule, new Date(at.getTime() - 1), count);
}

/**
 * The daylight-saving changes from `at` to the last of `runs`, for the plan.
 * Example: `offsetChangesAmong(scheduleOf(berlinNightly), at, runs)[0].skipped` → `['2026-03-29T02:30']`
 */
export function offsetChangesAmong(
  schedule: Schedule,
  at: Date,
  runs: readonly Date[],
): PlannedOffsetChange[] {
  const last = runs.at(-1);
  if (!last) return [];
  return daylightSavingChanges(schedule, at, last).map((change: DaylightSavingChange) => ({
    at: change.at.toISOString(),
    offsetBefore: formatOffset(change.offsetBefore),
    offsetAfter: formatOffset(change.offsetAfter),
    skipped: change.skipped,
    repeated: change.repeated,
  }));
}

/** `2026-03-30T02:30+02:00` → `2026-03-30 02:30 +02:00`. */
function localText(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} ${iso.slice(16)}`;
}

/** `+01:00` → 60. */
function offsetValue(offset: string): number {
  const [hours = 0, minutes = 0] = offset.slice(1).split(':').map(Number);
  return (offset.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/**
 * What one offset change means for the runs, as a plan line (without its label).
 * Example: `offsetChangeText(change)` → `'2026-03-29: the clocks go forward from 02:00 to 03:00 (UTC+01:00 to UTC+02:00): 02:30 does not exist that day, EventBridge Scheduler skips that run'`
 */
export function offsetChangeText(change: PlannedOffsetChange): string {
  const at = new Date(change.at).getTime();
  const before = offsetValue(change.offsetBefore);
  const after = offsetValue(change.offsetAfter);
  const clock = (offset: number) => new Date(at + offset * 60_000).toISOString();
  const base =
    `${clock(before).slice(0, 10)}: the clocks go ${after > before ? 'forward' : 'back'} from ` +
    `${clock(before).slice(11, 16)} to ${clock(after).slice(11, 16)} (UTC${change.offsetBefore} to UTC${change.offsetAfter})`;
  const times = (list: string[]) => list.map((t) => t.slice(11)).join(', ');
  if (change.skipped.length > 0) {
    const one = change.skipped.length === 1;
    return `${base}: ${times(change.skipped)} ${one ? 'does' : 'do'} not exist that day, EventBridge Scheduler skips ${one ? 'that run' : 'those runs'}`;
  }
  if (change.repeated.length > 0) {
    const one = change.repeated.length === 1;
    return (
      `${base}: ${times(change.repeated)} ${one ? 'happens' : 'happen'} twice (UTC${change.offsetBefore}, then ` +
      `UTC${change.offsetAfter}), EventBridge Scheduler runs ${one ? 'it' : 'each'} once (which of the two it ` +
      'does not document; shown here at the first)'
    );
  }
  return `${base}; no run falls into the change`;
}

/** The coloured action word of a plan line. */
export function actionWord(action: PlanAction, style: Style): string {
  if (action === 'snapshot') return style.green(action);
  return action === 'fail' ? style.red(action) : style.yellow(action);
}

/**
 * A plan's lines as an aligned table (REGION, CLUSTER, ACTION, DETAIL).
 * Example: `planTable(rows, style, '    ')` → `['    REGION     CLUSTER  ACTION    DETAIL', …]`
 */
export function planTable(rows: readonly PlannedCluster[], style: Style, indent: string): string[] {
  return renderTable(
    [{ header: 'REGION' }, { header: 'CLUSTER' }, { header: 'ACTION' }, { header: 'DETAIL' }],
    rows.flatMap((r) => [
      [r.region, r.clusterId, actionWord(r.action, style), r.detail],
      ...r.wouldDelete.map((d) => [
        r.region,
        r.clusterId,
        style.yellow('delete'),
        `${d.snapshotId} (${d.reason})`,
      ]),
    ]),
    { indent, style },
  );
}

/** `3 to snapshot, 1 skipped, 1 would fail, 2 to delete by retention`. */
export function countsLine(counts: Record<PlanAction, number>, deletions = 0): string {
  const deleting = deletions ? `, ${deletions} to delete by retention` : '';
  return `${counts.snapshot} to snapshot, ${counts.skip} skipped, ${counts.fail} would fail${deleting}`;
}

/**
 * A policy's windows as a plan line (without its indent).
 * Example: `windowsText({ startMinutes: 480, completionMinutes: 1440 })` → `'windows  start within 8h of the slot, available within 1d of the start'`
 */
export function windowsText(windows: { startMinutes: number; completionMinutes: number }): string {
  return (
    `windows  start within ${formatSpan(windows.startMinutes * 60)} of the slot, ` +
    `available within ${formatSpan(windows.completionMinutes * 60)} of the start`
  );
}

/** The text of one policy's plan. */
export function renderPolicyPlan(plan: PolicyPlan, style: Style, awsNote: string | undefined): string[] {
  const disabled = plan.enabled
    ? ''
    : `  ${style.yellow('disabled')} (enabled: false): its ${plan.timezone ? 'schedule' : 'rule'} does not fire`;
  const zone = plan.timezone ? `  ${plan.timezone}` : '';
  const lines = [
    `${style.bold(plan.name)}  ${plan.schedule}${zone}  ${plan.regions.join(', ')}${disabled}`,
    `  ${windowsText(plan.windows)}`,
  ];
  const none = 'none: the schedule never fires again';
  const utcLabel = 'next runs (UTC)';
  if (plan.timezone && plan.nextRunsLocal) {
    const localLabel = `next runs (${plan.timezone})`;
    const width = Math.max(localLabel.length, utcLabel.length);
    lines.push(
      `  ${localLabel.padEnd(width)}  ${plan.nextRunsLocal.length ? plan.nextRunsLocal.map(localText).join('  ') : none}`,
    );
    lines.push(
      `  ${utcLabel.padEnd(width)}  ${plan.nextRuns.length ? plan.nextRuns.map((t) => formatUtc(new Date(t))).join('  ') : none}`,
    );
    for (const change of plan.daylightSaving)
      lines.push(`  ${style.yellow('daylight saving')}  ${offsetChangeText(change)}`);
  } else {
    lines.push(
      `  ${utcLabel}  ${plan.nextRuns.length ? plan.nextRuns.map((t) => formatUtc(new Date(t))).join('  ') : none}`,
    );
  }
  if (plan.clusters && plan.slot) {
    lines.push(`  the run at ${formatUtc(new Date(plan.slot))} would:`);
    lines.push(
      ...(plan.clusters.length ? planTable(plan.clusters, style, '    ') : ['    select no cluster']),
    );
    if (plan.counts)
      lines.push(
        `  ${countsLine(
          plan.counts,
          plan.clusters.reduce((n, r) => n + r.wouldDelete.length, 0),
        )}`,
      );
  } else if (awsNote && plan.slot) {
    lines.push(`  clusters: ${awsNote}`);
  }
  lines.push(...copyPlanLines(plan.copies, plan.copyProblems, style));
  return lines;
}

async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseCommandArgs('plan', args, { ...POLICY_FLAGS, offline: { type: 'boolean' } }, 0);
  const { at, file, named } = readPolicyFlags(values, ctx.io, 'plan');
  const policies = pickPolicies(await loadPolicies(file, ctx.io, 'plan'), named, 'plan', file);

  // Without --offline, AWS is part of the answer: no credentials or no AWS is exit 2, like run and status.
  const awsNote = values.offline ? 'not read (--offline)' : undefined;
  if (!values.offline)
    await requireAws(ctx.aws(), 'plan', {
      regions: policies.flatMap((p) => p.regions),
      setting: awsSettingOf(ctx.io.env),
      hint: '`plan --offline` shows the schedules without AWS',
    });

  // One listing per Region for every policy of the plan and the check of its copies.
  const keys: (CopyKeyContext & { docdb: CliDocdb }) | undefined =
    awsNote === undefined
      ? {
          docdb: listedOnce(ctx.aws().docdb),
          kms: ctx.aws().kms,
          describe: (error) => describeFailure(error, awsSettingOf(ctx.io.env)),
        }
      : undefined;
  const plans: PolicyPlan[] = [];
  for (const policy of policies) plans.push(await planPolicy(policy, at, ctx, keys));

  const failing = plans.some((p) => (p.counts?.fail ?? 0) > 0 || (p.copyProblems?.length ?? 0) > 0);
  return printOutcome(ctx.io, 'plan', values.json, !failing, {
    json: () => ({
      file,
      at: at.toISOString(),
      aws: awsNote === undefined,
      awsNote: awsNote ?? null,
      policies: plans,
    }),
    text: () => planText(plans, ctx.out, awsNote),
  });
}

/** Every policy's plan as text, and the totals when AWS was read for more than one policy. */
function planText(plans: readonly PolicyPlan[], style: Style, awsNote: string | undefined): string {
  const blocks = plans.map((plan) => renderPolicyPlan(plan, style, awsNote).join('\n'));
  if (awsNote !== undefined || plans.length <= 1) return `${blocks.join('\n\n')}\n`;
  const totals = countActions(plans.flatMap((p) => p.clusters ?? []));
  return `${blocks.join('\n\n')}\n\n${counted(plans.length, 'policy', 'policies')}: ${countsLine(totals)}\n`;
}

/** A policy's plan; `keys` (AWS as the plan reads it) is undefined when AWS is not read. */
async function planPolicy(
  policy: ResolvedPolicy,
  at: Date,
  ctx: CommandContext,
  keys: (CopyKeyContext & { docdb: CliDocdb }) | undefined,
): Promise<PolicyPlan> {
  const schedule = scheduleOf(policy);
  const nextRuns = nextRunsFrom(schedule, at, NEXT_RUNS);
  const slot = nextRuns[0];
  const zone = policy.timezone;
  const clusters =
    keys && slot
      ? await inspectPolicy({ docdb: keys.docdb, log: ctx.log, concurrency: 10 }, policy, slot)
      : null;
  const copyProblems = keys && clusters ? await checkCopyKeys(keys, policy, clusters) : null;
  return {
    name: policy.name,
    enabled: policy.enabled,
    schedule: policy.schedule,
    timezone: zone ?? null,
    regions: policy.regions,
    windows: {
      startMinutes: policy.windows.startMinutes,
      completionMinutes: policy.windows.completionMinutes,
    },
    nextRuns: nextRuns.map((t) => t.toISOString()),
    nextRunsLocal: zone ? nextRuns.map((t) => formatLocal(zone, t)) : null,
    daylightSaving: offsetChangesAmong(schedule, at, nextRuns),
    slot: slot?.toISOString() ?? null,
    clusters,
    counts: clusters ? countActions(clusters) : null,
    copies: copyDestinations(policy),
    copyProblems,
  };
}

export const planCommand: Command = {
  ...PLAN_INFO,
  run,
};
