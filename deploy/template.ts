/**
 * The parts of the CloudFormation stack that follow from the policy file and from the code: per policy
 * one schedule (an EventBridge rule and its invoke permission for a UTC policy, an EventBridge Scheduler
 * schedule for a policy with a time zone, plus the stack's schedule group and the execution role they
 * share), one "no successful snapshot" alarm per enabled policy, the alert subscriptions, the result-event
 * archive, the reconcile function's schedule and alarms (from the file's `reconcile.schedule` and the
 * policies' windows), the dashboard and one quota alarm per Region (deploy/dashboard.ts), and one execution role per deployed function whose IAM statements are derived from
 * the calls its adapters declare (deploy/functions.ts). Pure: policies and settings in, plain CloudFormation objects out. serverless.yml holds the fixed resources (topic, key, table, queue)
 * whose logical ids are in `LOGICAL_IDS`.
 */

import { DELETION_DETAIL_TYPE, EVENT_DETAIL_TYPE, EVENT_SOURCE } from '../shared/aws/eventbridge.js';
import {
  commandName,
  type DeclaredCall,
  kindOf,
  type Placement,
  placementOf,
  type ResourceKind,
  type ResourceRef,
} from '../shared/aws/permissions.js';
import { METRICS, RECONCILE_METRIC_NAMES } from '../shared/metrics.js';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, POLICY_TAG } from '../shared/planning/tags.js';
import { type CopyDestination, copyDestinations, parseKeyArn, partitionOf } from '../shared/policy/copies.js';
import type { ReconcileSettings } from '../shared/policy/resolved.js';
import { longestIntervalSeconds, scheduleOf } from '../shared/policy/schedule.js';
import type { ResolvedPolicy } from '../shared/policy/schema.js';
import { dashboardResources } from './dashboard.js';

/**
 * Logical ids of the resources serverless.yml declares (and the functions osls names `BackupLambdaFunction`
 * and `ReconcileLambdaFunction`).
 */
export const LOGICAL_IDS = {
  function: 'BackupLambdaFunction',
  reconcileFunction: 'ReconcileLambdaFunction',
  alertTopic: 'AlertTopic',
  alertTopicKey: 'AlertTopicKey',
  resultsTable: 'ResultsTable',
  deadLetterQueue: 'DeadLetterQueue',
} as const;

/** The bus the function publishes result events to (EVENT_BUS_NAME). */
export const EVENT_BUS = 'default';

/** Logical ids of what policies with a time zone share: the stack's schedule group and execution role. */
export const SCHEDULER_IDS = {
  group: 'ScheduleGroup',
  role: 'SchedulerExecutionRole',
} as const;

/**
 * How long and how often a schedule's delivery to the function is retried before it goes to the
 * dead-letter queue: the same for EventBridge rules and EventBridge Scheduler schedules (Scheduler allows
 * 60-86,400 s and 0-185 attempts, "AWS::Scheduler::Schedule RetryPolicy" in the CloudFormation reference).
 */
export const DELIVERY_RETRY = { MaximumEventAgeInSeconds: 3_600, MaximumRetryAttempts: 20 } as const;

/**
 * The input a Scheduler schedule sends: EventBridge Scheduler replaces `<aws.scheduler.scheduled-time>` with
 * the time the schedule was due, e.g. `2022-03-22T18:59:43Z` ("Adding context attributes in EventBridge
 * Scheduler", https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html),
 * the same on every retry of that invocation, so the event carries the slot exactly as a rule's does.
 */
export const SCHEDULED_TIME = '<aws.scheduler.scheduled-time>';

/**
 * Time allowed after a scheduled fire for the run to report: the 900 s function timeout, Lambda's two
 * asynchronous retries (each up to 900 s, after 1 and 2 minutes) and metric ingestion fit in one hour.
 */
export const ALARM_GRACE_SECONDS = 3_600;
/** CloudWatch: Period × EvaluationPeriods of an alarm can be at most seven days. */
export const MAX_ALARM_WINDOW_SECONDS = 604_800;
/** CloudFormation's 500 resources per stack, less what serverless.yml and osls add. */
const MAX_GENERATED_RESOURCES = 475;
/** EventBridge rule and EventBridge Scheduler schedule names: 1–64 of `.`, `-`, `_`, letters, digits. */
const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;

export type CfnValue = string | number | boolean | null | CfnValue[] | { [key: string]: CfnValue };
export interface CfnResource {
  Type: string;
  Properties: Record<string, CfnValue>;
  DependsOn?: string[];
}

export interface IamStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: CfnValue[];
  Condition?: Record<string, Record<string, CfnValue>>;
}

/** Who hears the alerts: each entry becomes a subscription of the alert topic. */
export interface AlertSubscriptions {
  email: string[];
  https: string[];
}

/**
 * A function the stack deploys, as the generator needs it: its key under serverless.yml's `functions:`
 * and the AWS calls its code makes (deploy/functions.ts).
 */
export interface DeployedFunction {
  /** The key under serverless.yml's `functions:`, e.g. `backup`. */
  name: string;
  /** Every call the function's adapters make (but those only copies make). */
  calls: readonly DeclaredCall[];
  /** The calls only disaster-recovery copies make: granted only when some policy of the file copies. */
  copyCalls?: readonly DeclaredCall[];
  /** Whether failed invocations go to the stack's dead-letter queue (its role may send there). */
  deadLetterQueue: boolean;
}

export interface DeployInput {
  /** `service` of serverless.yml, e.g. `docdb-backup`. */
  service: string;
  /** The stage being deployed, e.g. `prod`. */
  stage: string;
  policies: readonly ResolvedPolicy[];
  /** The deployed functions; each gets its own role. */
  functions: readonly DeployedFunction[];
  alerts: AlertSubscriptions;
  /**
   * The policy file's reconcile settings (`compilePolicyFile(…).reconcile`): the reconcile function's
   * schedule and alarms (`reconcileResources`). Requires a deployed function named `reconcile`; absent,
   * nothing of the reconciler is generated.
   */
  reconcile?: ReconcileSettings;
  /** Reference time for schedule intervals (the longest gap from now on). */
  now: Date;
}

export interface Deployment {
  /** Merged into serverless.yml's `resources`. */
  resources: { Resources: Record<string, CfnResource> };
  /** Per deployed function, the logical id of its role (in `resources`): serverless.yml's `functions.<name>.role`. */
  roles: Record<string, string>;
}

/** The generator cannot produce a sound stack from its input; the message says what to change. */
export class DeployConfigError extends Error {
  override readonly name = 'DeployConfigError';
}

const sub = (text: string): CfnValue => ({ 'Fn::Sub': text });
const getAtt = (id: string, attribute: string): CfnValue => ({ 'Fn::GetAtt': [id, attribute] });
const ref = (id: string): CfnValue => ({ Ref: id });

/**
 * The CloudFormation id part for a policy name: PascalCase of its hyphen-separated words.
 * @example policyLogicalId('nightly-prod') // 'NightlyProd'
 */
export function policyLogicalId(name: string): string {
  return name
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/**
 * The EventBridge rule name of a policy: `<service>-<stage>.<policy>`. The handler reads the policy back
 * from the text after the last `.`.
 * @example ruleName('docdb-backup', 'prod', 'nightly') // 'docdb-backup-prod.nightly'
 */
export function ruleName(service: string, stage: string, policy: string): string {
  return `${service}-${stage}.${policy}`;
}

/**
 * The EventBridge Scheduler schedule group of a stack: `<service>-<stage>`. Its schedules are named like
 * the rules (`ruleName`), so a schedule's ARN ends in the same `<stack>.<policy>` the handler reads.
 * @example scheduleGroupName('docdb-backup', 'prod') // 'docdb-backup-prod'
 */
export function scheduleGroupName(service: string, stage: string): string {
  return `${service}-${stage}`;
}

/**
 * The alarm window for a schedule: its longest gap between fires plus the grace for the run to report,
 * rounded up to whole minutes (CloudWatch periods of an hour or more must be multiples of 60 s).
 * @example alarmWindowSeconds(86_400) // 90_000 (25 hours for a nightly schedule)
 */
export function alarmWindowSeconds(longestIntervalSec: number): number {
  return Math.ceil((longestIntervalSec + ALARM_GRACE_SECONDS) / 60) * 60;
}

function humanDuration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day(s)`;
  if (seconds % 3_600 === 0) return `${seconds / 3_600} hour(s)`;
  return `${Math.round(seconds / 60)} minute(s)`;
}

function policyMetric(id: string, metricName: string, policy: string, period: number): CfnValue {
  return {
    Id: id,
    ReturnData: false,
    MetricStat: {
      Metric: {
        Namespace: METRICS.namespace,
        MetricName: metricName,
        Dimensions: [
          { Name: 'service', Value: METRICS.service },
          { Name: METRICS.policyDimension, Value: policy },
        ],
      },
      Period: period,
      Stat: 'Sum',
    },
  };
}

/**
 * The alarm that pages when a run of the policy could not deliver some of its result events: whatever
 * listens on the bus (audit, tickets, dashboards) missed outcomes, and nothing else would tell.
 */
export function eventsFailedAlarm(
  policy: ResolvedPolicy,
  input: Pick<DeployInput, 'service' | 'stage'>,
): [string, CfnResource] {
  return [
    `${policyLogicalId(policy.name)}EventsFailedAlarm`,
    {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${input.service}-${input.stage}-${policy.name}-events-failed`,
        AlarmDescription:
          `docdb-backup policy "${policy.name}" could not deliver some result events to EventBridge after ` +
          'retries. The results table still has every outcome; consumers of the events missed them. Check ' +
          'the function logs ("some result events were not delivered") and the event bus.',
        ActionsEnabled: true,
        AlarmActions: [ref(LOGICAL_IDS.alertTopic)],
        OKActions: [ref(LOGICAL_IDS.alertTopic)],
        Namespace: METRICS.namespace,
        MetricName: METRICS.eventsFailed,
        Dimensions: [
          { Name: 'service', Value: METRICS.service },
          { Name: METRICS.policyDimension, Value: policy.name },
        ],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      },
    },
  ];
}

/**
 * The alarm that pages when a policy stops producing snapshots.
 *
 * When the schedule's longest gap plus grace fits CloudWatch's seven-day evaluation limit, the alarm sums
 * SnapshotsCreated + SnapshotsAlreadyExisting over that window and breaches below 1, missing data
 * included: a run that never happened is as bad as a run that failed. Longer schedules (weekly, monthly)
 * cannot be watched that way; their alarm fires on any run that reports zero successful snapshots and
 * stays in ALARM until a run succeeds (missing data keeps the state), and runs that never happen are caught by the function-error and
 * dead-letter alarms (delivery failures land in the queue) — only a rule disabled outside this stack
 * goes unnoticed.
 */
export function policyAlarm(
  policy: ResolvedPolicy,
  input: Pick<DeployInput, 'service' | 'stage' | 'now'>,
): [string, CfnResource] {
  // In the policy's zone: a local time skipped at a daylight-saving change makes the longest gap (a nightly
  // schedule's 24 h becomes 47 h once a year), and the window must cover it.
  const longest = longestIntervalSeconds(scheduleOf(policy), input.now);
  const when = policy.timezone ? `${policy.schedule} in ${policy.timezone}` : policy.schedule;
  const window = Number.isFinite(longest) ? alarmWindowSeconds(longest) : Number.POSITIVE_INFINITY;
  const watchesWindow = window <= MAX_ALARM_WINDOW_SECONDS;
  const period = watchesWindow ? window : 3_600;
  const [created, existing] = METRICS.succeeded;
  const common = {
    ActionsEnabled: true,
    AlarmActions: [ref(LOGICAL_IDS.alertTopic)],
    OKActions: [ref(LOGICAL_IDS.alertTopic)],
    ComparisonOperator: 'LessThanThreshold',
    Threshold: 1,
    EvaluationPeriods: 1,
    DatapointsToAlarm: 1,
  };
  const id = `${policyLogicalId(policy.name)}NoSnapshotAlarm`;
  if (watchesWindow) {
    return [
      id,
      {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: `${input.service}-${input.stage}-${policy.name}-no-snapshot`,
          AlarmDescription:
            `docdb-backup policy "${policy.name}" (${when}) produced no successful snapshot in the last ` +
            `${humanDuration(window)} (its longest gap between runs plus ${humanDuration(ALARM_GRACE_SECONDS)}). ` +
            'Check the function logs and the results table.',
          ...common,
          TreatMissingData: 'breaching',
          Metrics: [
            {
              Id: 'succeeded',
              Label: 'Snapshots created or already existing',
              Expression: 'FILL(created, 0) + FILL(existing, 0)',
              ReturnData: true,
            },
            policyMetric('created', created, policy.name, period),
            policyMetric('existing', existing, policy.name, period),
          ],
        },
      },
    ];
  }
  return [
    id,
    {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${input.service}-${input.stage}-${policy.name}-no-snapshot`,
        AlarmDescription:
          `docdb-backup policy "${policy.name}" (${when}) ran without any successful snapshot. Its ` +
          'schedule leaves more than seven days between runs, longer than a CloudWatch alarm can look back, ' +
          'so missed runs are reported by the function-error and dead-letter alarms instead.',
        ...common,
        TreatMissingData: 'ignore',
        Metrics: [
          {
            Id: 'succeeded',
            Label: 'Snapshots created or already existing, per run',
            Expression: 'created + existing',
            ReturnData: true,
          },
          policyMetric('created', created, policy.name, period),
          policyMetric('existing', existing, policy.name, period),
        ],
      },
    },
  ];
}

/**
 * The schedule of a policy. A UTC policy (no `timezone`) gets an EventBridge rule and the permission that
 * lets exactly that rule invoke the function; the target's input transformer sends `{"policy": "<name>",
 * "time": <time of the event>}`, so a retried delivery names the same slot. A policy with a time zone gets
 * an EventBridge Scheduler schedule instead (`zonedScheduleResources`). Either way deliveries that fail
 * for an hour go to the dead-letter queue.
 */
export function scheduleResources(
  policy: ResolvedPolicy,
  input: Pick<DeployInput, 'service' | 'stage'>,
): Record<string, CfnResource> {
  if (policy.timezone !== undefined) return zonedScheduleResources(policy, policy.timezone, input);
  const id = policyLogicalId(policy.name);
  const name = ruleName(input.service, input.stage, policy.name);
  const description = (policy.description || `docdb-backup policy ${policy.name}`).slice(0, 512);
  return {
    [`${id}ScheduleRule`]: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Name: name,
        Description: description,
        ScheduleExpression: policy.schedule,
        State: policy.enabled ? 'ENABLED' : 'DISABLED',
        Targets: [
          {
            Id: 'backup',
            Arn: getAtt(LOGICAL_IDS.function, 'Arn'),
            InputTransformer: {
              InputPathsMap: { time: '$.time' },
              InputTemplate: `{"policy": ${JSON.stringify(policy.name)}, "time": <time>}`,
            },
            RetryPolicy: { ...DELIVERY_RETRY },
            DeadLetterConfig: { Arn: getAtt(LOGICAL_IDS.deadLetterQueue, 'Arn') },
          },
        ],
      },
    },
    [`${id}SchedulePermission`]: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: getAtt(LOGICAL_IDS.function, 'Arn'),
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceAccount: ref('AWS::AccountId'),
        SourceArn: getAtt(`${id}ScheduleRule`, 'Arn'),
      },
    },
  };
}

/**
 * The EventBridge Scheduler schedule of a policy with a time zone, in the stack's schedule group, named like
 * its rule would be. Properties as the CloudFormation reference gives them ("AWS::Scheduler::Schedule"):
 * `ScheduleExpression` in `ScheduleExpressionTimezone` (Scheduler follows the zone's daylight-saving
 * changes: a local time that does not exist is skipped, a repeated one runs once; see
 * shared/policy/schedule.ts), `FlexibleTimeWindow` OFF (invoked within the minute it is due), `State`,
 * and a Lambda target with the shared execution role, the same retry policy as the rules (`RetryPolicy`:
 * `MaximumEventAgeInSeconds`, `MaximumRetryAttempts`), the stack's dead-letter queue (`DeadLetterConfig`)
 * and an `Input` of `{"policy": "<name>", "time": "<aws.scheduler.scheduled-time>"}`, so the slot, the
 * snapshot ids and idempotency are exactly those of a rule's event. No Lambda permission: Scheduler invokes
 * through the role's identity policy.
 */
export function zonedScheduleResources(
  policy: ResolvedPolicy,
  timeZone: string,
  input: Pick<DeployInput, 'service' | 'stage'>,
): Record<string, CfnResource> {
  const id = policyLogicalId(policy.name);
  const description = (policy.description || `docdb-backup policy ${policy.name}`).slice(0, 512);
  return {
    [`${id}Schedule`]: {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        Name: ruleName(input.service, input.stage, policy.name),
        GroupName: ref(SCHEDULER_IDS.group),
        Description: description,
        ScheduleExpression: policy.schedule,
        ScheduleExpressionTimezone: timeZone,
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: policy.enabled ? 'ENABLED' : 'DISABLED',
        Target: {
          Arn: getAtt(LOGICAL_IDS.function, 'Arn'),
          RoleArn: getAtt(SCHEDULER_IDS.role, 'Arn'),
          Input: `{"policy": ${JSON.stringify(policy.name)}, "time": "${SCHEDULED_TIME}"}`,
          RetryPolicy: { ...DELIVERY_RETRY },
          DeadLetterConfig: { Arn: getAtt(LOGICAL_IDS.deadLetterQueue, 'Arn') },
        },
      },
    },
  };
}

/**
 * What the stack's zoned schedules share: their schedule group and the execution role EventBridge
 * Scheduler assumes to deliver them. The role trusts `scheduler.amazonaws.com` for this account only
 * (`aws:SourceAccount`, as "Set up the execution role" in the EventBridge Scheduler User Guide shows) and
 * may invoke this function and nothing else, plus send to the stack's dead-letter queue: Scheduler
 * delivers a schedule's dead letters with the schedule's execution role ("Configuring a schedule's
 * dead-letter queue", https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html).
 */
export function schedulerResources(
  input: Pick<DeployInput, 'service' | 'stage'>,
): Record<string, CfnResource> {
  return {
    [SCHEDULER_IDS.group]: {
      Type: 'AWS::Scheduler::ScheduleGroup',
      Properties: { Name: scheduleGroupName(input.service, input.stage) },
    },
    [SCHEDULER_IDS.role]: {
      Type: 'AWS::IAM::Role',
      Properties: {
        Description: `EventBridge Scheduler invokes the ${input.service}-${input.stage} backup function with it`,
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } },
            },
          ],
        },
        Policies: [
          {
            PolicyName: 'invoke-backup-function',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Sid: 'InvokeBackupFunction',
                  Effect: 'Allow',
                  Action: 'lambda:InvokeFunction',
                  Resource: getAtt(LOGICAL_IDS.function, 'Arn'),
                },
                {
                  Sid: 'DeadLetters',
                  Effect: 'Allow',
                  Action: 'sqs:SendMessage',
                  Resource: getAtt(LOGICAL_IDS.deadLetterQueue, 'Arn'),
                },
              ],
            },
          },
        ],
      },
    },
  };
}

/** The key of the reconcile function under serverless.yml's `functions:`. */
export const RECONCILE_FUNCTION_NAME = 'reconcile';

/**
 * Reconcile intervals in a row without a pass reporting `OpenJobs` before the reconciler-stopped alarm
 * pages: one late or failed pass is not a page, three are.
 */
export const RECONCILE_MISSED_PASSES = 3;

/** Period of the reconciler's error and open-job alarms: each pass reports within minutes of its start. */
const RECONCILE_WATCH_PERIOD = 300;

/**
 * The EventBridge rule of the reconcile schedule: `<service>-<stage>-reconcile`. Not `<service>-<stage>.…`,
 * which is the policies' (a policy may be named `reconcile`).
 * @example reconcileRuleName('docdb-backup', 'prod') // 'docdb-backup-prod-reconcile'
 */
export function reconcileRuleName(service: string, stage: string): string {
  return `${service}-${stage}-reconcile`;
}

/** What the reconciler's alarms watch, derived from the reconcile schedule and the policies' windows. */
export interface ReconcileAlarmSettings {
  /** The reconcile schedule's longest gap between passes, in seconds. */
  intervalSeconds: number;
  /** Period of the reconciler-stopped alarm: the interval rounded up to whole minutes. */
  missingPeriodSeconds: number;
  /** Periods in a row without a pass (`RECONCILE_MISSED_PASSES`, fewer when seven days would be exceeded). */
  missingPeriods: number;
  /** The largest start + completion window of the policies, in seconds. */
  longestWindowsSeconds: number;
  /**
   * `OldestOpenJobAgeSeconds` above this pages: the longest windows plus one reconcile interval (the pass
   * that closes a job may come an interval after its window does, and a run may ask for a job up to five
   * minutes before its slot).
   */
  oldestOpenJobSeconds: number;
}

/**
 * The reconciler alarms' periods and thresholds. Pure.
 * @example reconcileAlarmSettings({ schedule: 'rate(10 minutes)' }, policies, now) // { intervalSeconds: 600, missingPeriods: 3, oldestOpenJobSeconds: 1920 * 60 + 600, … } for 8 h + 24 h windows
 */
export function reconcileAlarmSettings(
  reconcile: ReconcileSettings,
  policies: readonly ResolvedPolicy[],
  now: Date,
): ReconcileAlarmSettings {
  const interval = longestIntervalSeconds(reconcile.schedule, now);
  if (!Number.isFinite(interval)) {
    throw new DeployConfigError(
      `reconcile.schedule "${reconcile.schedule}" fires fewer than twice from now on; the reconciler must run ` +
        'regularly, e.g. rate(10 minutes)',
    );
  }
  if (policies.length === 0) throw new DeployConfigError('the policy file defines no policy');
  const period = Math.ceil(interval / 60) * 60;
  if (period > MAX_ALARM_WINDOW_SECONDS) {
    throw new DeployConfigError(
      `reconcile.schedule "${reconcile.schedule}" leaves ${durationText(period)} between passes, longer than a ` +
        'CloudWatch alarm can look back (seven days): run the reconciler more often',
    );
  }
  // Every policy, disabled ones included: a pass follows the open jobs of every policy in the file, so a
  // policy disabled after its last run still has jobs open for up to its windows.
  const longestWindows = Math.max(
    ...policies.map((policy) => (policy.windows.startMinutes + policy.windows.completionMinutes) * 60),
  );
  return {
    intervalSeconds: interval,
    missingPeriodSeconds: period,
    missingPeriods: Math.min(RECONCILE_MISSED_PASSES, Math.floor(MAX_ALARM_WINDOW_SECONDS / period)),
    longestWindowsSeconds: longestWindows,
    oldestOpenJobSeconds: longestWindows + interval,
  };
}

/**
 * A duration in words, largest units first: `1 day 8 hours 10 minutes`.
 * @example durationText(115_800) // '1 day 8 hours 10 minutes'
 */
export function durationText(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  const parts: [number, string][] = [
    [Math.floor(minutes / 1_440), 'day'],
    [Math.floor((minutes % 1_440) / 60), 'hour'],
    [minutes % 60, 'minute'],
  ];
  const words = parts.filter(([n]) => n > 0).map(([n, unit]) => `${n} ${unit}${n === 1 ? '' : 's'}`);
  return words.join(' ') || '0 minutes';
}

function reconcileMetricAlarm(
  input: Pick<DeployInput, 'service' | 'stage'>,
  suffix: string,
  description: string,
  properties: Record<string, CfnValue>,
): CfnResource {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: `${input.service}-${input.stage}-reconcile-${suffix}`,
      AlarmDescription: description,
      ActionsEnabled: true,
      AlarmActions: [ref(LOGICAL_IDS.alertTopic)],
      OKActions: [ref(LOGICAL_IDS.alertTopic)],
      ...properties,
    },
  };
}

/**
 * `ReconcileStuckCopyAlarm`, only when a policy copies: the oldest open copy is older than its windows
 * allow (waiting for a place, then copying, each bounded by the policy's completion window) plus one
 * interval: passes run but cannot close it.
 */
function stuckCopyAlarm(
  input: Pick<DeployInput, 'service' | 'stage' | 'policies'>,
  intervalSeconds: number,
): Record<string, CfnResource> {
  const copying = input.policies.filter((policy) => policy.copies.length > 0);
  if (copying.length === 0) return {};
  const windows = Math.max(...copying.map((policy) => 2 * policy.windows.completionMinutes * 60));
  const threshold = windows + intervalSeconds;
  return {
    ReconcileStuckCopyAlarm: reconcileMetricAlarm(
      input,
      'copy-overdue',
      `A docdb-backup disaster-recovery copy has been open for more than ${durationText(threshold)} (twice the ` +
        'longest completion window of the policies that copy, plus one reconcile interval): passes run but ' +
        'cannot close it. Check the reconcile function’s log group and `npx docdb-backup status`.',
      {
        Namespace: METRICS.namespace,
        MetricName: RECONCILE_METRIC_NAMES.oldestOpenCopyAge,
        Dimensions: [{ Name: 'service', Value: METRICS.service }],
        Statistic: 'Maximum',
        Period: RECONCILE_WATCH_PERIOD,
        EvaluationPeriods: 1,
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'ignore',
      },
    ),
  };
}

/**
 * The reconcile function's schedule and alarms. The schedule is an EventBridge rule (the reconcile
 * schedule is UTC) sending `{}`, with the permission for exactly that rule to invoke the function; a
 * delivery that fails for one interval is dropped to the dead-letter queue (the next pass does the same
 * work). The alarms:
 * - `ReconcileFunctionErrorsAlarm`: a pass failed (a page not sent, a policy's jobs not read, bad wiring).
 * - `ReconcileStoppedAlarm`: no pass reported `OpenJobs` for `RECONCILE_MISSED_PASSES` intervals, missing
 *   data breaching: the reconciler is not running, so no open job is followed, and none would page.
 * - `ReconcileStuckJobAlarm`: the oldest open job is older than any policy's windows allow
 *   (`reconcileAlarmSettings`): passes run but cannot close it.
 * - `ReconcileStuckCopyAlarm` (only when a policy copies): the same for the oldest open copy.
 * Together they page when a job stays open past its windows, whether or not the reconciler still runs.
 * Their logical ids (`Reconcile…Rule`, `…Permission`, `…Alarm`) end in words no policy's resources end in
 * (`…ScheduleRule`, `…SchedulePermission`, `…NoSnapshotAlarm`, `…EventsFailedAlarm`, `…Schedule`), so a
 * policy named `reconcile` keeps its own.
 */
export function reconcileResources(
  reconcile: ReconcileSettings,
  input: Pick<DeployInput, 'service' | 'stage' | 'policies' | 'now'>,
): Record<string, CfnResource> {
  const name = reconcileRuleName(input.service, input.stage);
  if (!RULE_NAME.test(name)) {
    throw new DeployConfigError(
      `the reconcile schedule rule would be named "${name}" (${name.length} characters); EventBridge allows ` +
        'at most 64: use a shorter stage',
    );
  }
  const settings = reconcileAlarmSettings(reconcile, input.policies, input.now);
  const fn = LOGICAL_IDS.reconcileFunction;
  const metric = (metricName: string) => ({
    Namespace: METRICS.namespace,
    MetricName: metricName,
    Dimensions: [{ Name: 'service', Value: METRICS.service }],
  });
  const every = `${reconcile.schedule} (UTC)`;
  return {
    ReconcileRule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Name: name,
        Description: `docdb-backup reconcile passes: follow backup jobs until their snapshots are available`,
        ScheduleExpression: reconcile.schedule,
        State: 'ENABLED',
        Targets: [
          {
            Id: RECONCILE_FUNCTION_NAME,
            Arn: getAtt(fn, 'Arn'),
            Input: '{}',
            RetryPolicy: {
              MaximumEventAgeInSeconds: Math.min(Math.max(settings.intervalSeconds, 60), 86_400),
              MaximumRetryAttempts: DELIVERY_RETRY.MaximumRetryAttempts,
            },
            DeadLetterConfig: { Arn: getAtt(LOGICAL_IDS.deadLetterQueue, 'Arn') },
          },
        ],
      },
    },
    ReconcilePermission: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: getAtt(fn, 'Arn'),
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceAccount: ref('AWS::AccountId'),
        SourceArn: getAtt('ReconcileRule', 'Arn'),
      },
    },
    ReconcileFunctionErrorsAlarm: reconcileMetricAlarm(
      input,
      'errors',
      'A docdb-backup reconcile pass failed (a page of failed jobs not sent, a policy’s jobs not read, a bad ' +
        'policy file or environment). Passes are level-triggered: the next one tries again. Check the ' +
        'reconcile function’s log group.',
      {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: ref(fn) }],
        Statistic: 'Sum',
        Period: RECONCILE_WATCH_PERIOD,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        // Between passes there are no invocations: the state stays until the next pass reports.
        TreatMissingData: 'ignore',
      },
    ),
    ReconcileStoppedAlarm: reconcileMetricAlarm(
      input,
      'stopped',
      `No docdb-backup reconcile pass reported for ${durationText(settings.missingPeriodSeconds * settings.missingPeriods)} ` +
        `(${settings.missingPeriods} × the longest gap of ${every}). Open backup jobs are not followed: a ` +
        'snapshot that fails or never starts would not page. Check the reconcile rule, the function’s log ' +
        'group and the dead-letter queue.',
      {
        ...metric(RECONCILE_METRIC_NAMES.openJobs),
        Statistic: 'SampleCount',
        Period: settings.missingPeriodSeconds,
        EvaluationPeriods: settings.missingPeriods,
        DatapointsToAlarm: settings.missingPeriods,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      },
    ),
    ReconcileStuckJobAlarm: reconcileMetricAlarm(
      input,
      'job-overdue',
      `A docdb-backup job has been open for more than ${durationText(settings.oldestOpenJobSeconds)} (the ` +
        `longest start + completion window of the policies, ${durationText(settings.longestWindowsSeconds)}, ` +
        'plus one reconcile interval): passes run but cannot close it (snapshot states unreadable, job ' +
        'transitions failing). Check the reconcile function’s log group and the results table.',
      {
        ...metric(RECONCILE_METRIC_NAMES.oldestOpenJobAge),
        Statistic: 'Maximum',
        Period: RECONCILE_WATCH_PERIOD,
        EvaluationPeriods: 1,
        Threshold: settings.oldestOpenJobSeconds,
        ComparisonOperator: 'GreaterThanThreshold',
        // Between passes, and when the reconciler stopped (its own alarm), the state stays.
        TreatMissingData: 'ignore',
      },
    ),
    ...stuckCopyAlarm(input, settings.intervalSeconds),
  };
}

/** One SNS subscription per configured e-mail address and HTTPS endpoint, with ids stable per endpoint. */
export function alertSubscriptions(alerts: AlertSubscriptions): Record<string, CfnResource> {
  const resources: Record<string, CfnResource> = {};
  for (const [protocol, endpoints] of [
    ['email', alerts.email],
    ['https', alerts.https],
  ] as const) {
    for (const endpoint of [...new Set(endpoints)].sort()) {
      resources[`AlertSubscription${protocol === 'email' ? 'Email' : 'Https'}${stableHash(endpoint)}`] = {
        Type: 'AWS::SNS::Subscription',
        Properties: { TopicArn: ref(LOGICAL_IDS.alertTopic), Protocol: protocol, Endpoint: endpoint },
      };
    }
  }
  return resources;
}

/** FNV-1a, 32 bits, as 8 hex digits: a short id part that stays the same for the same text. */
function stableHash(text: string): string {
  let hash = 0x811c9dc5;
  for (const char of new TextEncoder().encode(text)) {
    hash ^= char;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** The archive that keeps the function's result events on the default bus for 90 days (replayable). */
export function resultArchive(): Record<string, CfnResource> {
  return {
    ResultEventsArchive: {
      Type: 'AWS::Events::Archive',
      Properties: {
        Description: 'docdb-backup snapshot results, kept for replay and audit',
        SourceArn: sub(
          `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/${EVENT_BUS}`,
        ),
        EventPattern: { source: [EVENT_SOURCE], 'detail-type': [EVENT_DETAIL_TYPE, DELETION_DETAIL_TYPE] },
        RetentionDays: 90,
      },
    },
  };
}

/**
 * Resource kinds an action may touch, where it is narrower than its call's: tag-on-create tags the new
 * snapshot only, never the cluster it was taken from.
 */
const ACTION_KINDS: Readonly<Record<string, readonly ResourceKind[]>> = {
  'rds:AddTagsToResource': ['cluster-snapshot'],
};

/** The copy itself: on a source snapshot only where a copy is made from it (`copySources`). */
const COPY_ACTION = 'rds:CopyDBClusterSnapshot';
/** The share of a source snapshot with another account: only where a policy copies to one. */
const SHARE_ACTION = 'rds:ModifyDBClusterSnapshotAttribute';

/** The action's verb: `rds:DeleteDBClusterSnapshot` → `DeleteDBClusterSnapshot`. */
function verb(action: string): string {
  return action.slice(action.indexOf(':') + 1);
}

/** Read-only verbs; everything else changes something and is scoped as tightly as the resource allows. */
function isReadOnly(action: string): boolean {
  return /^(Describe|List|Get)/.test(verb(action));
}

/**
 * DocumentDB (rds:) delete verbs: allowed only on resources that carry the service's ownership tag. A
 * delete of an item in the stack's own results table is not a tagged resource's delete and would stay
 * with the table's other actions.
 */
function isDelete(action: string): boolean {
  return action.startsWith('rds:') && /^Delete/.test(verb(action));
}

/**
 * Whose role the statements are for: a deployed function's, in this stack's account, or the role a copy
 * assumes in another account (`target`), whose template is deployed in that account: there
 * `${AWS::AccountId}` is the target account and the source snapshots are `sourceAccount`'s.
 */
export type RoleView = { role: 'function' } | { role: 'target'; account: string; sourceAccount: string };

const FUNCTION_VIEW: RoleView = { role: 'function' };

/** The ARN text of an account: the one the template is deployed in (`${AWS::AccountId}`), or another's id. */
function accountOf(at: { account?: string }): string {
  return at.account ?? `\${AWS::AccountId}`;
}

function rdsArn(region: string, resource: string, account?: string): CfnValue {
  return sub(`arn:\${AWS::Partition}:rds:${region}:${accountOf({ account })}:${resource}`);
}

/**
 * The service through which RDS (and so DocumentDB) uses a key in a Region, for `kms:ViaService`.
 * @example rdsVia('eu-west-1') // 'rds.eu-west-1.amazonaws.com'
 */
export function rdsVia(region: string): string {
  return `rds.${region}.amazonaws.com${partitionOf(region) === 'aws-cn' ? '.cn' : ''}`;
}

/** Where one policy's snapshots taken in one of its Regions are copied to (shared/policy/copies.ts). */
interface CopyPlace {
  policy: ResolvedPolicy;
  sourceRegion: string;
  destination: CopyDestination;
}

/** Every copy of the policies, per source Region and destination, in a stable order. */
function copyPlaces(policies: readonly ResolvedPolicy[]): CopyPlace[] {
  return policies.flatMap((policy) =>
    unique(policy.regions).flatMap((sourceRegion) =>
      copyDestinations(policy, sourceRegion).map((destination) => ({ policy, sourceRegion, destination })),
    ),
  );
}

/** Whether any policy of the file copies its snapshots anywhere. */
export function hasCopies(policies: readonly Pick<ResolvedPolicy, 'copies'>[]): boolean {
  return policies.some((policy) => policy.copies.length > 0);
}

/**
 * A place snapshots of one policy are in: a Region (of the role's own account unless `account`), the
 * policy's prefix, and whether retention deletes there.
 */
interface SnapshotPlace {
  region: string;
  account?: string;
  prefix: string;
  policy: string;
  deletes: boolean;
}

function placeOf(policy: ResolvedPolicy, region: string, deletes: boolean, account?: string): SnapshotPlace {
  return {
    region,
    prefix: policy.snapshot.prefix,
    policy: policy.name,
    deletes,
    ...(account ? { account } : {}),
  };
}

/**
 * Where the role's copies are (`{ kind: 'cluster-snapshot', at: 'destination' }`). A function's: each
 * copy into this account's other Regions (deleted when the copy has retention), and the re-encrypting
 * copy before a share (`<id>-dr` in the source Region, deleted once shared). A target role's: each copy
 * into its account (`region`, else the source's), and the intermediate copy in the source Region before a
 * copy on to another Region (deleted once copied on).
 */
function destinationPlaces(policies: readonly ResolvedPolicy[], view: RoleView): SnapshotPlace[] {
  return copyPlaces(policies).flatMap(({ policy, sourceRegion, destination }) => {
    const kept = destination.copy.retention !== undefined;
    if (view.role === 'function') {
      if (destination.route === 'region') return [placeOf(policy, destination.region, kept)];
      return destination.copy.shareKmsKeyId ? [placeOf(policy, sourceRegion, true)] : [];
    }
    if (destination.account !== view.account) return [];
    const final = placeOf(policy, destination.region, kept);
    return destination.route === 'account-region' ? [final, placeOf(policy, sourceRegion, true)] : [final];
  });
}

/**
 * The source snapshots a role copies from, as `rds:CopyDBClusterSnapshot` sees them. A function copies
 * from its own snapshots for a copy into another Region and for a re-encrypting copy before a share; a
 * target role from the snapshots shared with it (the source account's).
 */
function copySources(policies: readonly ResolvedPolicy[], view: RoleView): SnapshotPlace[] {
  return copyPlaces(policies).flatMap(({ policy, sourceRegion, destination }) => {
    if (view.role === 'function')
      return destination.route === 'region' || destination.copy.shareKmsKeyId
        ? [placeOf(policy, sourceRegion, false)]
        : [];
    return destination.account === view.account
      ? [placeOf(policy, sourceRegion, false, view.sourceAccount)]
      : [];
  });
}

/** The source snapshots a function shares with another account (`rds:ModifyDBClusterSnapshotAttribute`). */
function sharedSources(policies: readonly ResolvedPolicy[]): SnapshotPlace[] {
  return copyPlaces(policies).flatMap(({ policy, sourceRegion, destination }) =>
    destination.account === undefined ? [] : [placeOf(policy, sourceRegion, false)],
  );
}

/** The policies' own snapshots in their Regions (deleted when the policy has retention). */
function sourcePlaces(policies: readonly ResolvedPolicy[]): SnapshotPlace[] {
  return policies.flatMap((policy) =>
    policy.regions.map((region) => placeOf(policy, region, policy.retention !== undefined)),
  );
}

/** Distinct ARNs of places, sorted by account, Region and resource. */
function arnsOf(places: readonly SnapshotPlace[], resource: (place: SnapshotPlace) => string): CfnValue[] {
  const byText = new Map<string, SnapshotPlace & { resource: string }>();
  for (const place of places) {
    const text = `${place.account ?? ''}\u0000${place.region}\u0000${resource(place)}`;
    byText.set(text, { ...place, resource: resource(place) });
  }
  return [...byText.keys()].sort().map((text) => {
    const { region, account, resource: what } = byText.get(text)!;
    return rdsArn(region, what, account);
  });
}

/** A policy's snapshot ids: `<prefix>-<cluster>-<slot>`; copies keep them, the re-encrypting copy adds `-dr`. */
const ownSnapshots = (place: SnapshotPlace) => `cluster-snapshot:${place.prefix}-*`;

/**
 * The statements that let a role delete snapshots: one per policy that deletes somewhere, limited to that
 * policy's prefix where it deletes (its Regions when it has retention; for a delete declared at the
 * destination, its copies with retention and the intermediate copies the role removes: `destinationPlaces`)
 * and conditioned on both tags the service gives its own snapshots and copies:
 * `docdb-backup:managed-by = docdb-backup` and `docdb-backup:policy = <that policy>`.
 *
 * Per the RDS service authorization reference ("Actions, resources, and condition keys for Amazon RDS",
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonrds.html),
 * DeleteDBClusterSnapshot requires the `cluster-snapshot` resource type, whose condition keys are
 * `aws:ResourceTag/${TagKey}` and `rds:cluster-snapshot-tag/${TagKey}`: IAM evaluates the tags the
 * snapshot carries when it is deleted. What that can and cannot guarantee (anyone allowed
 * `rds:AddTagsToResource` on a snapshot can put these tags on it) is in docs/deploy.md, "What IAM can and cannot guarantee".
 */
function snapshotDeletes(
  deletes: ReadonlyMap<string, ReadonlySet<Placement>>,
  policies: readonly ResolvedPolicy[],
  view: RoleView,
): IamStatement[] {
  const actions = [...deletes.keys()];
  const placements = new Set([...deletes.values()].flatMap((set) => [...set]));
  return policies
    .map((policy): IamStatement => {
      const sources = placements.has('source') && view.role === 'function' ? sourcePlaces([policy]) : [];
      const copies = placements.has('destination') ? destinationPlaces([policy], view) : [];
      const arns = [sources, copies].flatMap((places) =>
        arnsOf(
          places.filter((place) => place.deletes),
          ownSnapshots,
        ),
      );
      return {
        Sid: `Delete${GROUP_SIDS['cluster-snapshot/own']}${policyLogicalId(policy.name)}`,
        Effect: 'Allow',
        Action: [...actions],
        Resource: [...new Map(arns.map((arn) => [JSON.stringify(arn), arn])).values()],
        Condition: {
          StringEquals: {
            [`aws:ResourceTag/${MANAGED_BY_TAG}`]: MANAGED_BY_VALUE,
            [`aws:ResourceTag/${POLICY_TAG}`]: policy.name,
          },
        },
      };
    })
    .filter((statement) => statement.Resource.length > 0);
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** Distinct CloudFormation values, in a stable order. */
function uniqueValues(values: readonly CfnValue[]): CfnValue[] {
  const byText = new Map(values.map((value) => [JSON.stringify(value), value]));
  return [...byText.keys()].sort().map((text) => byText.get(text)!);
}

/** One statement's worth of a resource kind: its group (the statement id), ARNs and condition. */
interface Scope {
  group: string;
  arns: CfnValue[];
  condition?: IamStatement['Condition'];
}

/** Keys used only through RDS, each in its own Region: `kms:ViaService` lists those Regions' RDS. */
function keyScope(group: string, keys: readonly { arn: CfnValue; region: string }[]): Scope[] {
  if (keys.length === 0) return [];
  const via = unique(keys.map((key) => rdsVia(key.region))).sort();
  return [
    {
      group,
      arns: uniqueValues(keys.map((key) => key.arn)),
      condition: { StringEquals: { 'kms:ViaService': via } },
    },
  ];
}

/** A key named by ARN in the policy file, with its Region (validation accepts key ARNs only). */
function namedKey(arn: string, what: string): { arn: CfnValue; region: string } {
  const parsed = parseKeyArn(arn);
  if (!parsed)
    throw new DeployConfigError(
      `${what} "${arn}" is not a KMS key ARN (IAM cannot scope a grant to an alias)`,
    );
  return { arn, region: parsed.region };
}

/**
 * The keys a role's copies use, named in the policies: a function's, each copy's `kmsKeyId` into another
 * Region of its account and each `shareKmsKeyId` (the re-encrypting copy before a share); a target role's,
 * the `kmsKeyId` and `transitKmsKeyId` of the copies into its account and the `shareKmsKeyId` of the
 * snapshots shared with it (the source account's key, which its key policy must let that account use).
 */
function namedKeys(policies: readonly ResolvedPolicy[], view: RoleView) {
  return copyPlaces(policies).flatMap(({ policy, destination }) => {
    const { copy } = destination;
    const where = `copies of policy "${policy.name}"`;
    const keys = (names: (keyof typeof copy)[]) =>
      names.flatMap((name) => {
        const arn = copy[name];
        return typeof arn === 'string' ? [namedKey(arn, `${where}: ${name}`)] : [];
      });
    if (view.role === 'function')
      return destination.route === 'region' ? keys(['kmsKeyId']) : keys(['shareKmsKeyId']);
    if (destination.account !== view.account) return [];
    return keys(['kmsKeyId', 'transitKmsKeyId', 'shareKmsKeyId']);
  });
}

/**
 * The keys of the source snapshots, which the policies cannot name (each cluster's own key): every key of
 * the source account in the Regions copied from, usable through RDS there only. RDS acts on behalf of the
 * caller for each use of a customer managed key and needs `kms:CreateGrant` and `kms:DescribeKey` on it
 * ("AWS KMS key management", Authorizing use of a customer managed key,
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.Keys.html): a copy into
 * another Region decrypts the source in its own Region, through the pre-signed CopyDBClusterSnapshot
 * request signed by the caller there (the `PreSignedUrl` of CopyDBClusterSnapshot,
 * https://docs.aws.amazon.com/documentdb/latest/developerguide/API_CopyDBClusterSnapshot.html), and a
 * re-encrypting copy in the same Region reads the source with its key too. A function needs them where it
 * copies from its own snapshots; a target role where it copies a snapshot shared with it that is not
 * re-encrypted with a named `shareKmsKeyId` first (that key is named instead). Snapshots encrypted with
 * the AWS managed key need nothing here: its key policy already lets RDS use it for the account.
 */
function sourceKeys(policies: readonly ResolvedPolicy[], view: RoleView) {
  const regions = copyPlaces(policies).flatMap(({ sourceRegion, destination }) => {
    if (view.role === 'function')
      return destination.route === 'region' || destination.copy.shareKmsKeyId ? [sourceRegion] : [];
    return destination.account === view.account && !destination.copy.shareKmsKeyId ? [sourceRegion] : [];
  });
  const account = view.role === 'function' ? `\${AWS::AccountId}` : view.sourceAccount;
  return unique(regions).map((region) => ({
    arn: sub(`arn:\${AWS::Partition}:kms:${region}:${account}:key/*`),
    region,
  }));
}

/** The roles a function assumes in the accounts it copies into: exactly the policies' `roleArn`s. */
function assumedRoles(policies: readonly ResolvedPolicy[]): CfnValue[] {
  return uniqueValues(
    copyPlaces(policies).flatMap(({ destination }) =>
      destination.account !== undefined && destination.copy.roleArn ? [destination.copy.roleArn] : [],
    ),
  );
}

/** The stack's own resources, which no target role is ever granted. */
const STACK_KINDS: ReadonlySet<ResourceKind> = new Set([
  'results-table',
  'results-table-index',
  'alert-topic',
  'event-bus',
]);

/** The statement groups of a DocumentDB snapshot reference for an action (`scopesFor`). */
function snapshotScopes(
  target: ResourceRef,
  action: string,
  policies: readonly ResolvedPolicy[],
  view: RoleView,
) {
  const read = isReadOnly(action);
  if (placementOf(target) === 'destination') {
    const places = destinationPlaces(policies, view);
    return read
      ? [{ group: 'cluster-snapshot@destination', arns: arnsOf(places, () => 'cluster-snapshot:*') }]
      : [{ group: 'cluster-snapshot/own@destination', arns: arnsOf(places, ownSnapshots) }];
  }
  if (action === COPY_ACTION)
    return [{ group: 'cluster-snapshot/copy', arns: arnsOf(copySources(policies, view), ownSnapshots) }];
  // A target role acts on the source account's snapshots only to copy the ones shared with it.
  if (view.role === 'target') return [];
  if (action === SHARE_ACTION)
    return [{ group: 'cluster-snapshot/share', arns: arnsOf(sharedSources(policies), ownSnapshots) }];
  const places = sourcePlaces(policies);
  return read
    ? [{ group: 'cluster-snapshot', arns: arnsOf(places, () => 'cluster-snapshot:*') }]
    : [{ group: 'cluster-snapshot/own', arns: arnsOf(places, ownSnapshots) }];
}

/**
 * The narrowest ARNs (and condition) for one kind of resource, given the action, where the resource is
 * and whose role it is (`RoleView`), in one or more statement groups. RDS (and so DocumentDB) ARNs use
 * the service name `rds`. Clusters and snapshots are limited to the Regions the policies name (at the
 * `destination`: where the role's copies are, `destinationPlaces`); actions that create, tag or delete
 * snapshots to the policies' own name prefixes (`cluster-snapshot:<prefix>-*`): a snapshot id is
 * `<prefix>-<cluster>-<slot>`, a copy keeps it, and no prefix is another prefix followed by "-" (the policy
 * validator checks it). The copy and the share of a source snapshot are limited to the policies and
 * Regions that copy (`copySources`, `sharedSources`). A `kms-key` is each named key a copy uses
 * (`namedKeys`, group `kms-key`) and the source snapshots' keys (`sourceKeys`, group `kms-key/source`),
 * each through RDS in its Region only (`kms:ViaService`); a `role` is each `roleArn` a copy assumes. A kind
 * nothing needs has no ARN (and gets no statement): a file without copies gains nothing from them.
 *
 * Per the RDS service authorization reference ("Actions, resources, and condition keys for Amazon RDS"):
 * DescribeDBClusters requires the `cluster` type; DescribeDBClusterSnapshots and ListTagsForResource take
 * `cluster` and/or `cluster-snapshot`; CreateDBClusterSnapshot requires both; CopyDBClusterSnapshot,
 * ModifyDBClusterSnapshotAttribute, AddTagsToResource and DeleteDBClusterSnapshot take `cluster-snapshot`
 * (with `aws:ResourceTag/…`). None of the declared actions needs `*`; only a call declared with kind `any`
 * would get it.
 */
export function scopesFor(
  target: ResourceRef,
  action: string,
  policies: readonly ResolvedPolicy[],
  view: RoleView = FUNCTION_VIEW,
): Scope[] {
  const kind = kindOf(target);
  if (view.role === 'target' && (STACK_KINDS.has(kind) || kind === 'role'))
    throw new DeployConfigError(`the target account's role is never granted the stack's ${kind} (${action})`);
  switch (kind) {
    case 'cluster': {
      const destination = placementOf(target) === 'destination';
      const places = destination
        ? destinationPlaces(policies, view)
        : view.role === 'function'
          ? sourcePlaces(policies)
          : [];
      return [
        { group: destination ? 'cluster@destination' : 'cluster', arns: arnsOf(places, () => 'cluster:*') },
      ];
    }
    case 'cluster-snapshot':
      return snapshotScopes(target, action, policies, view);
    case 'results-table':
      // The table itself: its indexes are a kind of their own, granted only to the calls that query them.
      return [{ group: kind, arns: [getAtt(LOGICAL_IDS.resultsTable, 'Arn')] }];
    case 'results-table-index':
      return [{ group: kind, arns: [sub(`\${${LOGICAL_IDS.resultsTable}.Arn}/index/*`)] }];
    case 'alert-topic':
      return [{ group: kind, arns: [ref(LOGICAL_IDS.alertTopic)] }];
    case 'event-bus':
      return [
        {
          group: kind,
          arns: [
            sub(`arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/${EVENT_BUS}`),
          ],
        },
      ];
    case 'kms-key':
      return [
        ...keyScope('kms-key', namedKeys(policies, view)),
        ...keyScope('kms-key/source', sourceKeys(policies, view)),
      ];
    case 'role':
      return [{ group: kind, arns: assumedRoles(policies) }];
    case 'any':
      // The API supports no resource-level permissions: `*` for this action only.
      return [{ group: kind, arns: ['*'] }];
  }
}

/**
 * The ARNs of every statement group of one kind of resource for an action (`scopesFor`).
 * @example resourcesFor('cluster', 'rds:DescribeDBClusters', policies) // [{ 'Fn::Sub': 'arn:${AWS::Partition}:rds:eu-west-1:${AWS::AccountId}:cluster:*' }, …]
 */
export function resourcesFor(
  target: ResourceRef,
  action: string,
  policies: readonly ResolvedPolicy[],
  view: RoleView = FUNCTION_VIEW,
): CfnValue[] {
  return scopesFor(target, action, policies, view).flatMap((scope) => scope.arns);
}

/** Statement ids per resource group; `own` marks snapshot ARNs limited to the policies' prefixes. */
const GROUP_SIDS: Record<string, string> = {
  cluster: 'Clusters',
  'cluster-snapshot': 'ClusterSnapshots',
  'cluster-snapshot/own': 'OwnClusterSnapshots',
  'cluster-snapshot/copy': 'CopySourceSnapshots',
  'cluster-snapshot/share': 'SharedSourceSnapshots',
  'cluster@destination': 'DestinationClusters',
  'cluster-snapshot@destination': 'DestinationClusterSnapshots',
  'cluster-snapshot/own@destination': 'OwnDestinationClusterSnapshots',
  'results-table': 'ResultsTable',
  'results-table-index': 'ResultsTableIndexes',
  'alert-topic': 'AlertTopic',
  'event-bus': 'ResultEventBus',
  'kms-key': 'CopyKeys',
  'kms-key/source': 'SourceSnapshotKeys',
  role: 'DestinationRoles',
  any: 'ActionsWithoutResourceScoping',
};

/** IAM's limit on a role's inline policies (10,240 characters), less room for the logging and dead-letter statements. */
const MAX_POLICY_CHARACTERS = 9_000;

/** The ownership condition of any DocumentDB delete other than retention's snapshot deletes. */
const OWNED = { StringEquals: { [`aws:ResourceTag/${MANAGED_BY_TAG}`]: MANAGED_BY_VALUE } };

/** The resources of a call an action may touch (`ACTION_KINDS`), or an error naming the call. */
function resourcesOfAction(call: DeclaredCall, action: string): readonly ResourceRef[] {
  if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action))
    throw new DeployConfigError(
      `${commandName(call)} declares "${action}"; expected one action, no wildcard`,
    );
  const narrowed = ACTION_KINDS[action];
  const resources = narrowed
    ? call.resources.filter((resource) => narrowed.includes(kindOf(resource)))
    : call.resources;
  if (resources.length === 0) {
    throw new DeployConfigError(
      `${commandName(call)} declares ${action} on ${call.resources.map(kindOf).join(', ') || 'no resource'}; ` +
        `the deploy grants it only on ${narrowed?.join(', ') ?? 'a declared resource kind'}`,
    );
  }
  return resources;
}

/**
 * A role's IAM statements, derived from the declared AWS calls it sends (deploy/functions.ts names them;
 * calls only the operator CLI makes are never granted). Each action gets the narrowest ARNs of every kind
 * its call touches (see `scopesFor`); actions sharing the same group share a statement, so a long ARN list
 * (Regions × prefixes) appears once per purpose. Never a wildcard action. A DocumentDB Delete action on
 * snapshots (retention's `rds:DeleteDBClusterSnapshot`, of sources and of copies) is granted in one
 * statement per policy that deletes, `DeleteOwnClusterSnapshots<Policy>`: that policy's prefix where it
 * deletes, conditioned on `aws:ResourceTag/docdb-backup:managed-by = docdb-backup` and
 * `aws:ResourceTag/docdb-backup:policy = <policy>` (`snapshotDeletes`); any other DocumentDB Delete gets a
 * statement of its own conditioned on the ownership tag. Publishing to the KMS-encrypted alert topic also
 * needs the topic's key, through SNS only. `view` says whose role: a deployed function's (default) or the
 * role a copy assumes in another account (deploy/target-role.ts).
 * @example iamStatements(BACKUP_FUNCTION.calls, policies).map((s) => s.Sid) // ['Clusters', 'ClusterSnapshots', …, 'AlertTopicKey']
 */
export function iamStatements(
  calls: readonly DeclaredCall[],
  policies: readonly ResolvedPolicy[],
  view: RoleView = FUNCTION_VIEW,
): IamStatement[] {
  if (policies.length === 0) throw new DeployConfigError('the policy file defines no policy');
  const groups = new Map<string, IamStatement>();
  const deletesSnapshots = new Map<string, Set<Placement>>();
  for (const call of calls) {
    for (const action of call.actions) {
      for (const resource of resourcesOfAction(call, action)) {
        if (kindOf(resource) === 'cluster-snapshot' && isDelete(action)) {
          const placements = deletesSnapshots.get(action) ?? new Set<Placement>();
          placements.add(placementOf(resource));
          deletesSnapshots.set(action, placements);
          continue;
        }
        const deletes = isDelete(action);
        for (const scope of scopesFor(resource, action, policies, view)) {
          const key = `${deletes ? 'Delete' : ''}${GROUP_SIDS[scope.group]}`;
          const statement = groups.get(key);
          if (statement) {
            if (!statement.Action.includes(action)) statement.Action.push(action);
            continue;
          }
          if (scope.arns.length === 0) continue;
          const condition = deletes ? OWNED : scope.condition;
          groups.set(key, {
            Sid: key,
            Effect: 'Allow',
            Action: [action],
            Resource: scope.arns,
            ...(condition ? { Condition: condition } : {}),
          });
        }
      }
    }
  }
  const statements = [...groups.values()];
  if (deletesSnapshots.size > 0) statements.push(...snapshotDeletes(deletesSnapshots, policies, view));
  if (calls.some((call) => call.resources.some((resource) => kindOf(resource) === 'alert-topic'))) {
    statements.push({
      Sid: 'AlertTopicKey',
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: [getAtt(LOGICAL_IDS.alertTopicKey, 'Arn')],
      Condition: { StringEquals: { 'kms:ViaService': sub(`sns.\${AWS::Region}.amazonaws.com`) } },
    });
  }
  const size = JSON.stringify(statements).length;
  if (size > MAX_POLICY_CHARACTERS) {
    throw new DeployConfigError(
      `the ${view.role === 'function' ? "function's" : "target account role's"} IAM policy would be about ` +
        `${size} characters, more than IAM allows for one role (the snapshot ARNs grow with Regions × ` +
        'prefixes × destinations): deploy fewer policies or Regions per stage',
    );
  }
  return statements;
}

/**
 * The CloudFormation id of a deployed function's role.
 * @example functionRoleId('backup') // 'BackupFunctionRole'
 */
export function functionRoleId(name: string): string {
  return `${policyLogicalId(name)}FunctionRole`;
}

/**
 * The name of a deployed function's role: `<service>-<stage>-<Region>-<function>` (the Region where the
 * stack is deployed). A target account's role trusts the reconcile function's by this name.
 * @example functionRoleName('docdb-backup', 'prod', 'us-east-1', 'reconcile') // 'docdb-backup-prod-us-east-1-reconcile'
 */
export function functionRoleName(service: string, stage: string, region: string, fn: string): string {
  return `${service}-${stage}-${region}-${fn}`;
}

/** IAM role names: at most 64 characters. */
const MAX_ROLE_NAME = 64;
/** The longest Region name (`ap-southeast-2`, `us-gov-west-1`…), for the role name's length check. */
const LONGEST_REGION = 14;

/**
 * One deployed function's execution role: Lambda may assume it; it may write the function's own log
 * group, send its failed invocations to the dead-letter queue (when the function has that destination)
 * and make exactly its declared calls (`iamStatements`). Named `<service>-<stage>-<Region>-<function>`
 * (the service control policy example in docs/deploy.md matches it).
 */
export function functionRole(
  fn: DeployedFunction,
  input: Pick<DeployInput, 'service' | 'stage' | 'policies'>,
): [string, CfnResource] {
  const region = `\${AWS::Region}`;
  const name = functionRoleName(input.service, input.stage, region, fn.name);
  const longest = name.length - region.length + LONGEST_REGION;
  if (longest > MAX_ROLE_NAME) {
    throw new DeployConfigError(
      `the role of function "${fn.name}" would be named "${name}" (up to ${longest} characters in the longest ` +
        `Region); IAM allows at most ${MAX_ROLE_NAME}: use a shorter stage`,
    );
  }
  const logGroup = `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${input.service}-${input.stage}-${fn.name}`;
  const statements: IamStatement[] = [
    {
      Sid: 'Logs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: [sub(`${logGroup}:*`), sub(`${logGroup}:*:*`)],
    },
    ...iamStatements(
      hasCopies(input.policies) ? [...new Set([...fn.calls, ...(fn.copyCalls ?? [])])] : fn.calls,
      input.policies,
    ),
  ];
  if (fn.deadLetterQueue) {
    statements.push({
      Sid: 'DeadLetters',
      Effect: 'Allow',
      Action: ['sqs:SendMessage'],
      Resource: [getAtt(LOGICAL_IDS.deadLetterQueue, 'Arn')],
    });
  }
  return [
    functionRoleId(fn.name),
    {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: sub(name),
        Description: `The ${input.service}-${input.stage} ${fn.name} function: only the AWS calls its code declares`,
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        },
        Policies: [
          {
            PolicyName: `${input.service}-${input.stage}-${fn.name}`,
            PolicyDocument: { Version: '2012-10-17', Statement: statements as unknown as CfnValue[] },
          },
        ],
      },
    },
  ];
}

/**
 * Everything the policy file and the declared calls contribute to the stack.
 * @example buildDeployment({ service: 'docdb-backup', stage: 'prod', policies, functions: DEPLOYED_FUNCTIONS, alerts, now: new Date() })
 */
export function buildDeployment(input: DeployInput): Deployment {
  const resources: Record<string, CfnResource> = {};
  const owners = new Map<string, string>();
  for (const policy of input.policies) {
    const name = ruleName(input.service, input.stage, policy.name);
    if (!RULE_NAME.test(name)) {
      const kind = policy.timezone === undefined ? 'rule' : 'EventBridge Scheduler schedule';
      throw new DeployConfigError(
        `the schedule ${kind} of policy "${policy.name}" would be named "${name}" (${name.length} characters); ` +
          'EventBridge allows at most 64: use a shorter stage or policy name',
      );
    }
    if (policy.regions.length === 0)
      throw new DeployConfigError(
        `policy "${policy.name}" names no Region (set regions or defaults.regions)`,
      );
    const id = policyLogicalId(policy.name);
    const other = owners.get(id);
    if (other) {
      throw new DeployConfigError(
        `policies "${other}" and "${policy.name}" map to the same CloudFormation id "${id}"; rename one`,
      );
    }
    owners.set(id, policy.name);
    Object.assign(resources, scheduleResources(policy, input));
    if (policy.enabled) {
      const [alarmId, alarm] = policyAlarm(policy, input);
      resources[alarmId] = alarm;
      const [eventsId, events] = eventsFailedAlarm(policy, input);
      resources[eventsId] = events;
    }
  }
  if (input.policies.some((policy) => policy.timezone !== undefined))
    Object.assign(resources, schedulerResources(input));
  Object.assign(resources, alertSubscriptions(input.alerts), resultArchive());
  for (const [id, resource] of Object.entries(dashboardResources(input))) {
    if (resources[id]) throw new DeployConfigError(`the dashboard resource "${id}" collides with a policy's`);
    resources[id] = resource;
  }
  if (input.reconcile !== undefined) {
    if (!input.functions.some((fn) => fn.name === RECONCILE_FUNCTION_NAME))
      throw new DeployConfigError(
        `reconcile settings were given but no function named "${RECONCILE_FUNCTION_NAME}" is deployed`,
      );
    for (const [id, resource] of Object.entries(reconcileResources(input.reconcile, input))) {
      if (resources[id])
        throw new DeployConfigError(`the reconcile resource "${id}" collides with a policy's`);
      resources[id] = resource;
    }
  }
  const roles: Record<string, string> = {};
  for (const fn of input.functions) {
    const [roleId, role] = functionRole(fn, input);
    resources[roleId] = role;
    roles[fn.name] = roleId;
  }
  const count = Object.keys(resources).length;
  if (count > MAX_GENERATED_RESOURCES) {
    throw new DeployConfigError(
      `the policies and alert settings need ${count} CloudFormation resources; one stack holds 500 and ` +
        `serverless.yml uses about 20 of them, so at most ${MAX_GENERATED_RESOURCES}: split the policies across stages`,
    );
  }
  return { resources: { Resources: resources }, roles };
}
