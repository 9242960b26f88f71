// Seam: the deploy generator (deploy/template.ts, deploy/settings.ts, deploy/entry.ts, deploy/functions.ts)
// as pure functions: resolved policies, the calls each function's adapters declare and settings in,
// CloudFormation resources, per-function roles and IAM statements out.
// No packaging here; tests/deploy/package.test.ts checks the same through `serverless package`.
import {
  AddTagsToResourceCommand,
  CreateDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeEventsCommand,
} from '@aws-sdk/client-docdb';
import { BatchWriteItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  POLICY_WIDGET_METRICS,
  QUOTA_ALARM_PERIOD,
  quotaRegions,
  regionLogicalId,
} from '../../deploy/dashboard.js';
import { ALLOW_NO_SUBSCRIBERS_VARIABLE, deployRefusal, policiesFileFrom } from '../../deploy/entry.js';
import {
  BACKUP_FUNCTION,
  callsOf,
  deployedFunctions,
  type FunctionEntry,
  OPERATOR_CLI,
  RECONCILE_FUNCTION,
} from '../../deploy/functions.js';
import { alertsForStage, DeploySettingsError, parseDeploySettings } from '../../deploy/settings.js';
import {
  blockingProblems,
  formatSubscriberWarnings,
  parseEndpointReference,
  subscriberProblems,
} from '../../deploy/subscribers.js';
import {
  ALARM_GRACE_SECONDS,
  alarmWindowSeconds,
  buildDeployment,
  type CfnResource,
  DELIVERY_RETRY,
  DeployConfigError,
  type DeployInput,
  durationText,
  type IamStatement,
  iamStatements,
  LOGICAL_IDS,
  policyLogicalId,
  RECONCILE_MISSED_PASSES,
  reconcileAlarmSettings,
  reconcileRuleName,
  resourcesFor,
  SCHEDULER_IDS,
} from '../../deploy/template.js';
import { parseBackupEvent } from '../../functions/backup/event.js';
import { logger, metrics, runScheduledBackup } from '../../functions/backup/handler.js';
import {
  logger as reconcileLogger,
  metrics as reconcileMetrics,
  runReconcilePass,
} from '../../functions/reconcile/handler.js';
import type { DeclaredCall } from '../../shared/aws/permissions.js';
import { DEFAULT_POLICIES_FILE } from '../../shared/files.js';
import { METRICS, RECONCILE_METRIC_NAMES } from '../../shared/metrics.js';
import { snapshotIdFor } from '../../shared/planning/naming.js';
import type { ResolvedPolicy } from '../../shared/policy/schema.js';
import { docdbCluster } from '../support/docdb-answers.js';
import { mockedAws, policy, TABLE, TOPIC_ARN } from '../support/fakes.js';
import { arnText } from './cfn.js';

const NOW = new Date('2026-11-28T00:00:00Z');

function input(policies: ResolvedPolicy[], overrides: Partial<DeployInput> = {}): DeployInput {
  return {
    service: 'docdb-backup',
    stage: 'prod',
    policies,
    functions: deployedFunctions(),
    alerts: { email: [], https: [] },
    now: NOW,
    ...overrides,
  };
}

const nightly = policy({
  name: 'nightly-prod',
  description: 'Nightly production',
  schedule: 'cron(0 3 * * ? *)',
  regions: ['us-east-1', 'eu-west-1'],
  snapshot: { prefix: 'nightly', tags: {}, copyClusterTags: false },
});
const weekly = policy({
  name: 'weekly-staging',
  schedule: 'cron(30 4 ? * SUN *)',
  regions: ['us-west-2'],
  snapshot: { prefix: 'weekly-staging', tags: {}, copyClusterTags: false },
});
const paused = policy({
  name: 'paused',
  enabled: false,
  schedule: 'rate(6 hours)',
  snapshot: { prefix: 'paused', tags: {}, copyClusterTags: false },
});

function ofType(resources: Record<string, CfnResource>, type: string): [string, CfnResource][] {
  return Object.entries(resources).filter(([, resource]) => resource.Type === type);
}

/** The ARN texts of resource values, pseudo parameters of the sample account filled in. */
function arns(resources: unknown[]): string[] {
  return resources.map(arnText);
}

describe('schedule rules', () => {
  it('creates one named rule per policy with its expression, state and slot-carrying input', () => {
    const { Resources } = buildDeployment(input([nightly, weekly, paused])).resources;

    const rules = ofType(Resources, 'AWS::Events::Rule');
    expect(rules.map(([id]) => id)).toEqual([
      'NightlyProdScheduleRule',
      'WeeklyStagingScheduleRule',
      'PausedScheduleRule',
    ]);
    const rule = Resources.NightlyProdScheduleRule!.Properties;
    expect(rule).toMatchObject({
      Name: 'docdb-backup-prod.nightly-prod',
      Description: 'Nightly production',
      ScheduleExpression: 'cron(0 3 * * ? *)',
      State: 'ENABLED',
    });
    expect(rule.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [LOGICAL_IDS.function, 'Arn'] },
        InputTransformer: {
          InputPathsMap: { time: '$.time' },
          InputTemplate: '{"policy": "nightly-prod", "time": <time>}',
        },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [LOGICAL_IDS.deadLetterQueue, 'Arn'] } },
      }),
    ]);
    expect(Resources.PausedScheduleRule!.Properties.State).toBe('DISABLED');
  });

  it('sends what the handler reads: the template with a time filled in is the event the handler parses', async () => {
    const { parseBackupEvent } = await import('../../functions/backup/event.js');
    const rule = buildDeployment(input([nightly])).resources.Resources.NightlyProdScheduleRule!;
    const template = (rule.Properties.Targets as { InputTransformer: { InputTemplate: string } }[])[0]!
      .InputTransformer.InputTemplate;

    const event = JSON.parse(template.replace('<time>', JSON.stringify('2026-11-28T03:00:00Z')));

    expect(parseBackupEvent(event, ['nightly-prod'], new Date('2026-11-28T03:00:05Z'))).toEqual({
      policy: 'nightly-prod',
      slot: new Date('2026-11-28T03:00:00Z'),
    });
  });

  it('lets exactly each rule invoke the function', () => {
    const { Resources } = buildDeployment(input([nightly, weekly])).resources;

    const permissions = ofType(Resources, 'AWS::Lambda::Permission');
    expect(permissions.map(([, p]) => p.Properties)).toEqual([
      expect.objectContaining({
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': ['NightlyProdScheduleRule', 'Arn'] },
      }),
      expect.objectContaining({ SourceArn: { 'Fn::GetAtt': ['WeeklyStagingScheduleRule', 'Arn'] } }),
    ]);
  });

  it('refuses a rule name longer than EventBridge allows, naming the policy', () => {
    const long = policy({ name: 'a-policy-name-that-is-quite-long-indeed' });

    expect(() => buildDeployment(input([long], { stage: 'feature-branch-42' }))).toThrow(
      /policy "a-policy-name-that-is-quite-long-indeed" would be named .* at most 64/,
    );
  });

  it('refuses a policy without a Region, which no ARN could be scoped to', () => {
    expect(() => buildDeployment(input([policy({ regions: [] })]))).toThrow(
      /policy "nightly" names no Region/,
    );
  });

  it('refuses two policies whose CloudFormation ids would collide', () => {
    expect(policyLogicalId('a-1b')).toBe(policyLogicalId('a1b'));
    const first = policy({ name: 'a-1b', snapshot: { prefix: 'a-1b', tags: {}, copyClusterTags: false } });
    const second = policy({ name: 'a1b', snapshot: { prefix: 'a1b', tags: {}, copyClusterTags: false } });

    expect(() => buildDeployment(input([first, second]))).toThrow(DeployConfigError);
  });
});

describe('schedules in a time zone (EventBridge Scheduler)', () => {
  const berlin = policy({
    name: 'nightly-berlin',
    description: 'After the nightly batch, Frankfurt time',
    schedule: 'cron(30 2 * * ? *)',
    timezone: 'Europe/Berlin',
    regions: ['eu-central-1'],
    snapshot: { prefix: 'berlin', tags: {}, copyClusterTags: false },
  });
  const pausedBerlin = policy({
    name: 'paused-berlin',
    enabled: false,
    timezone: 'Europe/Berlin',
    snapshot: { prefix: 'paused-berlin', tags: {}, copyClusterTags: false },
  });
  /** The scheduled-time Scheduler puts into the input, and the rule's event time, for one instant. */
  const DUE = '2026-03-30T00:30:00Z';

  it('deploys a zoned policy as a schedule in its zone, in the stack’s group, with the rules’ retries and dead-letter queue', () => {
    const { Resources } = buildDeployment(input([berlin])).resources;

    expect(Resources.NightlyBerlinSchedule).toEqual({
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        Name: 'docdb-backup-prod.nightly-berlin',
        GroupName: { Ref: SCHEDULER_IDS.group },
        Description: 'After the nightly batch, Frankfurt time',
        ScheduleExpression: 'cron(30 2 * * ? *)',
        ScheduleExpressionTimezone: 'Europe/Berlin',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: {
          Arn: { 'Fn::GetAtt': [LOGICAL_IDS.function, 'Arn'] },
          RoleArn: { 'Fn::GetAtt': [SCHEDULER_IDS.role, 'Arn'] },
          Input: '{"policy": "nightly-berlin", "time": "<aws.scheduler.scheduled-time>"}',
          RetryPolicy: { MaximumEventAgeInSeconds: 3_600, MaximumRetryAttempts: 20 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [LOGICAL_IDS.deadLetterQueue, 'Arn'] } },
        },
      },
    });
    expect(Resources[SCHEDULER_IDS.group]).toEqual({
      Type: 'AWS::Scheduler::ScheduleGroup',
      Properties: { Name: 'docdb-backup-prod' },
    });
  });

  it('retries a schedule’s delivery exactly as long and as often as a rule’s', () => {
    const { Resources } = buildDeployment(input([nightly, berlin])).resources;
    const rule = (Resources.NightlyProdScheduleRule!.Properties.Targets as { RetryPolicy: unknown }[])[0]!;
    const schedule = Resources.NightlyBerlinSchedule!.Properties.Target as { RetryPolicy: unknown };

    expect(schedule.RetryPolicy).toEqual(rule.RetryPolicy);
    expect(rule.RetryPolicy).toEqual(DELIVERY_RETRY);
  });

  it('keeps UTC policies on their EventBridge rules, and gives a zoned policy neither rule nor Lambda permission', () => {
    const { Resources } = buildDeployment(input([nightly, berlin, weekly])).resources;

    expect(ofType(Resources, 'AWS::Events::Rule').map(([id]) => id)).toEqual([
      'NightlyProdScheduleRule',
      'WeeklyStagingScheduleRule',
    ]);
    expect(ofType(Resources, 'AWS::Lambda::Permission').map(([, p]) => p.Properties.SourceArn)).toEqual([
      { 'Fn::GetAtt': ['NightlyProdScheduleRule', 'Arn'] },
      { 'Fn::GetAtt': ['WeeklyStagingScheduleRule', 'Arn'] },
    ]);
    expect(ofType(Resources, 'AWS::Scheduler::Schedule').map(([id]) => id)).toEqual([
      'NightlyBerlinSchedule',
    ]);
  });

  it('adds no schedule group and no Scheduler role to a stack without zoned policies', () => {
    const { Resources } = buildDeployment(input([nightly, weekly])).resources;

    expect(Resources[SCHEDULER_IDS.group]).toBeUndefined();
    expect(Resources[SCHEDULER_IDS.role]).toBeUndefined();
    expect(ofType(Resources, 'AWS::Scheduler::Schedule')).toEqual([]);
  });

  it('lets EventBridge Scheduler of this account only assume a role that may invoke only this function', () => {
    const role = buildDeployment(input([berlin])).resources.Resources[SCHEDULER_IDS.role]!;

    expect(role.Type).toBe('AWS::IAM::Role');
    expect(role.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
    const statements = (role.Properties.Policies as { PolicyDocument: { Statement: unknown[] } }[]).flatMap(
      (p) => p.PolicyDocument.Statement,
    );
    expect(statements).toEqual([
      {
        Sid: 'InvokeBackupFunction',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': [LOGICAL_IDS.function, 'Arn'] },
      },
      {
        Sid: 'DeadLetters',
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [LOGICAL_IDS.deadLetterQueue, 'Arn'] },
      },
    ]);
  });

  it('keeps a disabled zoned policy’s schedule, DISABLED, without an alarm', () => {
    const { Resources } = buildDeployment(input([pausedBerlin])).resources;

    expect(Resources.PausedBerlinSchedule!.Properties.State).toBe('DISABLED');
    expect(Resources.PausedBerlinNoSnapshotAlarm).toBeUndefined();
  });

  it('sends the handler the same policy and UTC slot as a rule would for that instant: same snapshot ids', () => {
    const { timezone: _zone, ...inUtc } = berlin;
    const zoned = buildDeployment(input([berlin])).resources.Resources;
    const ruled = buildDeployment(input([inUtc])).resources.Resources;
    const scheduleInput = (zoned.NightlyBerlinSchedule!.Properties.Target as { Input: string }).Input;
    const ruleTemplate = (
      ruled.NightlyBerlinScheduleRule!.Properties.Targets as { InputTransformer: { InputTemplate: string } }[]
    )[0]!.InputTransformer.InputTemplate;
    const clock = new Date('2026-03-30T00:30:20Z');

    const fromSchedule = parseBackupEvent(
      JSON.parse(scheduleInput.replace('<aws.scheduler.scheduled-time>', DUE)),
      ['nightly-berlin'],
      clock,
    );
    const fromRule = parseBackupEvent(
      JSON.parse(ruleTemplate.replace('<time>', JSON.stringify(DUE))),
      ['nightly-berlin'],
      clock,
    );

    expect(fromSchedule).toEqual({ policy: 'nightly-berlin', slot: new Date(DUE) });
    expect(fromSchedule).toEqual(fromRule);
    expect(snapshotIdFor('berlin', 'orders', fromSchedule.slot)).toBe('berlin-orders-20260330-0030');
  });

  it('watches the real longest gap: 47 hours when a spring-forward day skips a nightly 02:30', () => {
    const { Resources } = buildDeployment(input([berlin])).resources;
    const alarm = Resources.NightlyBerlinNoSnapshotAlarm!.Properties;
    const [, created] = alarm.Metrics as { MetricStat: { Period: number } }[];

    expect(created!.MetricStat.Period).toBe(alarmWindowSeconds(47 * 3_600));
    expect(alarm.AlarmDescription).toContain('(cron(30 2 * * ? *) in Europe/Berlin)');
    expect(alarm.AlarmDescription).toContain('in the last 2 day(s)');
  });

  it('watches a nightly run at an existing local time over 25 hours (the fall-back night) plus grace', () => {
    const four = policy({ ...berlin, schedule: 'cron(0 4 * * ? *)' });
    const alarm = buildDeployment(input([four])).resources.Resources.NightlyBerlinNoSnapshotAlarm!.Properties;
    const [, created] = alarm.Metrics as { MetricStat: { Period: number } }[];

    expect(created!.MetricStat.Period).toBe(alarmWindowSeconds(25 * 3_600));
  });

  it('refuses a schedule name longer than EventBridge Scheduler allows, naming the policy', () => {
    const long = policy({ ...berlin, name: 'a-policy-name-that-is-quite-long-indeed' });

    expect(() => buildDeployment(input([long], { stage: 'feature-branch-42' }))).toThrow(
      /the schedule EventBridge Scheduler schedule of policy "a-policy-name-that-is-quite-long-indeed"/,
    );
  });
});

describe('no-snapshot alarms', () => {
  it('rounds the window up to whole minutes and adds the grace for the run to report', () => {
    expect(alarmWindowSeconds(86_400)).toBe(90_000);
    expect(alarmWindowSeconds(300)).toBe(300 + ALARM_GRACE_SECONDS);
    expect(alarmWindowSeconds(86_430) % 60).toBe(0);
  });

  it('sums created and already-existing snapshots over the longest gap plus grace, missing data breaching', () => {
    const { Resources } = buildDeployment(input([nightly])).resources;

    const alarm = Resources.NightlyProdNoSnapshotAlarm!.Properties;
    expect(alarm).toMatchObject({
      AlarmName: 'docdb-backup-prod-nightly-prod-no-snapshot',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: LOGICAL_IDS.alertTopic }],
    });
    const metrics = alarm.Metrics as {
      Id: string;
      Expression?: string;
      MetricStat?: Record<string, unknown>;
    }[];
    expect(metrics[0]).toMatchObject({ Id: 'succeeded', Expression: 'FILL(created, 0) + FILL(existing, 0)' });
    expect(metrics.slice(1).map((m) => m.MetricStat)).toEqual(
      METRICS.succeeded.map((name) => ({
        Metric: {
          Namespace: 'DocdbBackup',
          MetricName: name,
          Dimensions: [
            { Name: 'service', Value: 'docdb-backup' },
            { Name: 'policy', Value: 'nightly-prod' },
          ],
        },
        Period: 90_000,
        Stat: 'Sum',
      })),
    );
  });

  it('keeps every window within CloudWatch limits, even for every-five-minutes schedules', () => {
    const often = policy({ name: 'often', schedule: 'rate(5 minutes)' });
    const alarm = buildDeployment(input([often])).resources.Resources.OftenNoSnapshotAlarm!.Properties;
    const [, created] = alarm.Metrics as { MetricStat: { Period: number } }[];

    const period = created!.MetricStat.Period;
    expect(period).toBe(300 + ALARM_GRACE_SECONDS);
    expect(period * (alarm.EvaluationPeriods as number)).toBeLessThanOrEqual(604_800);
  });

  it('watches each run of a schedule longer than seven days instead, keeping its state between runs', () => {
    const { Resources } = buildDeployment(input([weekly])).resources;

    const alarm = Resources.WeeklyStagingNoSnapshotAlarm!.Properties;
    expect(alarm.TreatMissingData).toBe('ignore');
    const metrics = alarm.Metrics as { Expression?: string; MetricStat?: { Period: number } }[];
    expect(metrics[0]!.Expression).toBe('created + existing');
    expect(metrics[1]!.MetricStat!.Period).toBe(3_600);
  });

  it('has no alarm for a disabled policy', () => {
    const { Resources } = buildDeployment(input([nightly, paused])).resources;

    // The quota alarms are per Region (the dashboard's), not per policy.
    expect(
      ofType(Resources, 'AWS::CloudWatch::Alarm')
        .map(([id]) => id)
        .filter((id) => !id.startsWith('Quota')),
    ).toEqual(['NightlyProdNoSnapshotAlarm', 'NightlyProdEventsFailedAlarm']);
  });

  it('pages when result events were lost: the metric and dimensions the function emits', () => {
    const { Resources } = buildDeployment(input([nightly])).resources;

    expect(Resources.NightlyProdEventsFailedAlarm!.Properties).toMatchObject({
      Namespace: 'DocdbBackup',
      MetricName: 'EventsFailed',
      Dimensions: [
        { Name: 'service', Value: 'docdb-backup' },
        { Name: 'policy', Value: 'nightly-prod' },
      ],
      Statistic: 'Sum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      AlarmActions: [{ Ref: LOGICAL_IDS.alertTopic }],
    });
  });
});

/** The statements of a generated function role's inline policy. */
function roleStatements(role: CfnResource): IamStatement[] {
  return (role.Properties.Policies as unknown as { PolicyDocument: { Statement: IamStatement[] } }[]).flatMap(
    (p) => p.PolicyDocument.Statement,
  );
}

describe('IAM statements from the declared calls', () => {
  // nightly-prod deletes what its retention no longer keeps; weekly-staging has no retention.
  const nightlyKept = { ...nightly, retention: { keepLast: 7 } };
  const BACKUP_CALLS = callsOf(BACKUP_FUNCTION);
  const statements = iamStatements(BACKUP_CALLS, [nightlyKept, weekly]);

  it('grants every action the function’s declared calls need, and no wildcard action', () => {
    const granted = statements.flatMap((s) => s.Action);
    for (const call of BACKUP_CALLS) for (const action of call.actions) expect(granted).toContain(action);
    for (const action of granted) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
  });

  it('never grants the function a call only the operator CLI makes', () => {
    const cliOnly = callsOf(OPERATOR_CLI).filter((call) => !BACKUP_CALLS.includes(call));
    const functionActions = new Set(BACKUP_CALLS.flatMap((call) => call.actions));
    const role = buildDeployment(input([nightly])).resources.Resources.BackupFunctionRole!;

    const granted = roleStatements(role).flatMap((s) => s.Action);

    expect(cliOnly.flatMap((call) => call.actions)).toContain('dynamodb:Query');
    for (const action of cliOnly.flatMap((call) => call.actions).filter((a) => !functionActions.has(a)))
      expect(granted).not.toContain(action);
  });

  it('scopes clusters and snapshots to the Regions of the policies', () => {
    const clusters = statements.find((s) => s.Sid === 'Clusters')!;
    expect(clusters.Action).toEqual([
      'rds:DescribeDBClusters',
      'rds:ListTagsForResource',
      'rds:CreateDBClusterSnapshot',
      'rds:DescribeDBClusterSnapshots',
    ]);
    expect(arns(clusters.Resource)).toEqual([
      'arn:aws:rds:eu-west-1:123456789012:cluster:*',
      'arn:aws:rds:us-east-1:123456789012:cluster:*',
      'arn:aws:rds:us-west-2:123456789012:cluster:*',
    ]);
    const snapshots = statements.find((s) => s.Sid === 'ClusterSnapshots')!;
    expect(snapshots.Action).toEqual(['rds:ListTagsForResource', 'rds:DescribeDBClusterSnapshots']);
    expect(arns(snapshots.Resource)).toContain('arn:aws:rds:us-west-2:123456789012:cluster-snapshot:*');
  });

  it('creates and tags snapshots only under each policy’s own prefix in its own Regions', () => {
    const own = statements.find((s) => s.Sid === 'OwnClusterSnapshots')!;

    expect(own.Action).toEqual(['rds:CreateDBClusterSnapshot', 'rds:AddTagsToResource']);
    expect(arns(own.Resource)).toEqual([
      'arn:aws:rds:eu-west-1:123456789012:cluster-snapshot:nightly-*',
      'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:nightly-*',
      'arn:aws:rds:us-west-2:123456789012:cluster-snapshot:weekly-staging-*',
    ]);
    const tagging = statements.filter((s) => s.Action.includes('rds:AddTagsToResource'));
    expect(tagging.flatMap((s) => arns(s.Resource)).filter((arn) => arn.includes(':cluster:'))).toEqual([]);
  });

  it('scopes the table, topic and bus to this stack, with the topic key usable through SNS only', () => {
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));

    expect([...bySid.ResultsTable!.Action].sort()).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    expect(bySid.ResultsTable!.Resource).toEqual([{ 'Fn::GetAtt': [LOGICAL_IDS.resultsTable, 'Arn'] }]);
    expect(bySid.AlertTopic).toMatchObject({
      Action: ['sns:Publish'],
      Resource: [{ Ref: LOGICAL_IDS.alertTopic }],
    });
    expect(arns(bySid.ResultEventBus!.Resource)).toEqual([
      'arn:aws:events:us-east-1:123456789012:event-bus/default',
    ]);
    expect(bySid.AlertTopicKey).toMatchObject({
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
    });
    expect(arnText(bySid.AlertTopicKey!.Condition!.StringEquals!['kms:ViaService'])).toBe(
      'sns.us-east-1.amazonaws.com',
    );
  });

  it('lets each policy delete only its own snapshots: its prefix, its Regions, both ownership tags', () => {
    const ledger = policy({
      name: 'ledger-6h',
      schedule: 'cron(15 0/6 * * ? *)',
      regions: ['us-east-1'],
      snapshot: { prefix: 'ledger', tags: {}, copyClusterTags: false },
      retention: { daily: 7 },
    });

    const deletes = iamStatements(BACKUP_CALLS, [nightlyKept, ledger]).filter((s) =>
      s.Action.includes('rds:DeleteDBClusterSnapshot'),
    );

    expect(deletes).toEqual([
      {
        Sid: 'DeleteOwnClusterSnapshotsNightlyProd',
        Effect: 'Allow',
        Action: ['rds:DeleteDBClusterSnapshot'],
        Resource: expect.any(Array),
        Condition: {
          StringEquals: {
            'aws:ResourceTag/docdb-backup:managed-by': 'docdb-backup',
            'aws:ResourceTag/docdb-backup:policy': 'nightly-prod',
          },
        },
      },
      {
        Sid: 'DeleteOwnClusterSnapshotsLedger6h',
        Effect: 'Allow',
        Action: ['rds:DeleteDBClusterSnapshot'],
        Resource: expect.any(Array),
        Condition: {
          StringEquals: {
            'aws:ResourceTag/docdb-backup:managed-by': 'docdb-backup',
            'aws:ResourceTag/docdb-backup:policy': 'ledger-6h',
          },
        },
      },
    ]);
    expect(arns(deletes[0]!.Resource)).toEqual([
      'arn:aws:rds:eu-west-1:123456789012:cluster-snapshot:nightly-*',
      'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:nightly-*',
    ]);
    expect(arns(deletes[1]!.Resource)).toEqual([
      'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:ledger-*',
    ]);
  });

  it('grants no delete for a policy without retention: it never deletes anything', () => {
    const deletes = statements.filter((s) => s.Action.includes('rds:DeleteDBClusterSnapshot'));

    expect(deletes.map((s) => s.Sid)).toEqual(['DeleteOwnClusterSnapshotsNightlyProd']);
    expect(deletes.flatMap((s) => arns(s.Resource)).filter((arn) => arn.includes('weekly'))).toEqual([]);
    expect(iamStatements(BACKUP_CALLS, [weekly]).flatMap((s) => s.Action)).not.toContain(
      'rds:DeleteDBClusterSnapshot',
    );
  });

  it('conditions every statement that deletes a snapshot, and only those, on the ownership and policy tags', () => {
    for (const statement of statements) {
      const deletes = statement.Action.some((action) => /^rds:Delete/.test(action));
      const tags = statement.Condition?.StringEquals ?? {};
      expect('aws:ResourceTag/docdb-backup:managed-by' in tags, statement.Sid).toBe(deletes);
      expect('aws:ResourceTag/docdb-backup:policy' in tags, statement.Sid).toBe(deletes);
      if (!deletes) continue;
      expect(
        statement.Action.every((action) => /^rds:Delete/.test(action)),
        statement.Sid,
      ).toBe(true);
      // The policy tag names the policy whose prefix the statement's snapshots carry.
      const owner = [nightlyKept, weekly].find((p) => p.name === tags['aws:ResourceTag/docdb-backup:policy']);
      for (const arn of arns(statement.Resource))
        expect(arn, statement.Sid).toMatch(new RegExp(`:cluster-snapshot:${owner?.snapshot.prefix}-\\*$`));
    }
  });

  it('uses "*" only for an action declared without resource scoping, in a statement of its own', () => {
    const unscoped: DeclaredCall = {
      command: DescribeEventsCommand,
      actions: ['rds:DescribeEvents'],
      resources: ['any'],
      why: 'read events',
    };

    const out = iamStatements([...BACKUP_CALLS, unscoped], [nightly]);

    expect(out.filter((s) => s.Resource.includes('*'))).toEqual([
      expect.objectContaining({ Action: ['rds:DescribeEvents'], Resource: ['*'] }),
    ]);
  });

  it('rejects an action declared on no resource it could be granted on', () => {
    const tagsCluster: DeclaredCall = {
      command: AddTagsToResourceCommand,
      actions: ['rds:AddTagsToResource'],
      resources: ['cluster'],
      why: 'tag a cluster',
    };

    expect(() => iamStatements([tagsCluster], [nightly])).toThrow(/grants it only on cluster-snapshot/);
  });

  it('rejects a declared wildcard action', () => {
    const bad: DeclaredCall = {
      command: DescribeDBClustersCommand,
      actions: ['rds:*'],
      resources: ['cluster'],
      why: 'no',
    };

    expect(() => iamStatements([bad], [nightly])).toThrow(
      /DescribeDBClustersCommand declares "rds:\*"; expected one action, no wildcard/,
    );
  });
});

describe('one role per deployed function', () => {
  const nightlyKept = { ...nightly, retention: { keepLast: 7 } };

  it('gives the backup function its own role: Lambda assumes it, its own log group, its dead letters, its calls', () => {
    const deployment = buildDeployment(input([nightlyKept, weekly]));
    const role = deployment.resources.Resources.BackupFunctionRole!;

    expect(deployment.roles).toEqual({ backup: 'BackupFunctionRole', reconcile: 'ReconcileFunctionRole' });
    expect(role.Type).toBe('AWS::IAM::Role');
    expect(arnText(role.Properties.RoleName)).toBe('docdb-backup-prod-us-east-1-backup');
    expect(role.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    });
    const [logs, ...rest] = roleStatements(role);
    expect(logs).toMatchObject({ Sid: 'Logs', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] });
    expect(arns(logs!.Resource)).toEqual([
      'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/docdb-backup-prod-backup:*',
      'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/docdb-backup-prod-backup:*:*',
    ]);
    expect(rest.at(-1)).toEqual({
      Sid: 'DeadLetters',
      Effect: 'Allow',
      Action: ['sqs:SendMessage'],
      Resource: [{ 'Fn::GetAtt': [LOGICAL_IDS.deadLetterQueue, 'Arn'] }],
    });
    // No policy copies: none of the calls only copies make (the backup run's read of open copies).
    expect(rest.slice(0, -1)).toEqual(
      iamStatements(callsOf(BACKUP_FUNCTION, 'without-copies'), [nightlyKept, weekly]),
    );
  });

  it('grants each function only the calls of the adapters it uses', () => {
    const reads: DeclaredCall = {
      command: DescribeDBClusterSnapshotsCommand,
      actions: ['rds:DescribeDBClusterSnapshots'],
      resources: ['cluster-snapshot'],
      why: 'follow a snapshot',
    };
    const reconcile: FunctionEntry = {
      name: 'reconcile',
      wiring: 'functions/reconcile/wiring.ts',
      deadLetterQueue: false,
      uses: [{ module: 'shared/aws/docdb.ts', declarations: { findSnapshot: reads } }],
    };

    const deployment = buildDeployment(
      input([nightlyKept], { functions: deployedFunctions([BACKUP_FUNCTION, reconcile]) }),
    );

    expect(deployment.roles).toEqual({ backup: 'BackupFunctionRole', reconcile: 'ReconcileFunctionRole' });
    const granted = roleStatements(deployment.resources.Resources.ReconcileFunctionRole!);
    expect(granted.map((s) => s.Sid)).toEqual(['Logs', 'ClusterSnapshots']);
    expect(granted.flatMap((s) => s.Action)).not.toContain('rds:CreateDBClusterSnapshot');
    expect(granted.flatMap((s) => s.Action)).not.toContain('sqs:SendMessage');
  });

  it('leaves out the methods a function never calls', () => {
    expect(BACKUP_FUNCTION.uses.find((u) => u.module === 'shared/aws/docdb.ts')?.except).toHaveProperty(
      'listClustersOfAnyEngine',
    );
    expect(callsOf(OPERATOR_CLI).length).toBeGreaterThan(callsOf(BACKUP_FUNCTION).length);
  });

  it('refuses a role name longer than IAM allows in some Region, naming the function', () => {
    expect(() =>
      buildDeployment(input([policy({ name: 'a' })], { stage: 'a-very-long-feature-branch-stage-name-x' })),
    ).toThrow(/role of function "backup" would be named .* at most 64/);
  });
});

describe('resource kinds of the stack’s own resources', () => {
  it('scopes a query of the results table’s indexes to that table', () => {
    expect(arns(resourcesFor('results-table-index', 'dynamodb:Query', [nightly]))).toEqual([
      `\${ResultsTable.Arn}/index/*`,
    ]);
  });
});

describe('alert subscriptions and archive', () => {
  it('subscribes each e-mail address and HTTPS endpoint once, with ids stable per endpoint', () => {
    const alerts = {
      email: ['oncall@example.com', 'oncall@example.com'],
      https: ['https://events.example.com/hook'],
    };

    const first = ofType(
      buildDeployment(input([nightly], { alerts })).resources.Resources,
      'AWS::SNS::Subscription',
    );
    const again = ofType(
      buildDeployment(input([nightly], { alerts: { ...alerts, email: ['x@example.com', ...alerts.email] } }))
        .resources.Resources,
      'AWS::SNS::Subscription',
    );

    expect(first.map(([, s]) => s.Properties)).toEqual([
      { TopicArn: { Ref: 'AlertTopic' }, Protocol: 'email', Endpoint: 'oncall@example.com' },
      { TopicArn: { Ref: 'AlertTopic' }, Protocol: 'https', Endpoint: 'https://events.example.com/hook' },
    ]);
    for (const [id] of first) expect(again.map(([otherId]) => otherId)).toContain(id);
  });

  it('archives exactly the result events the function publishes', () => {
    const archive = buildDeployment(input([nightly])).resources.Resources.ResultEventsArchive!.Properties;

    expect(archive.EventPattern).toEqual({
      source: ['docdb-backup'],
      'detail-type': ['DocumentDB Snapshot Result', 'DocumentDB Snapshot Deleted'],
    });
    expect(archive.RetentionDays).toBe(90);
  });
});

describe('deploy settings (config/deploy.yml)', () => {
  it('reads subscriptions, with a stage replacing the top-level alerts', () => {
    const settings = parseDeploySettings(
      'version: 1\nalerts:\n  email: [oncall@example.com]\nstages:\n  dev:\n    alerts:\n      https: [https://hooks.example.com/x]\n',
      'config/deploy.yml',
    );

    expect(alertsForStage(settings, 'prod')).toEqual({ email: ['oncall@example.com'], https: [] });
    expect(alertsForStage(settings, 'dev')).toEqual({ email: [], https: ['https://hooks.example.com/x'] });
  });

  it('names the file, the key and the bad value', () => {
    const parse = () =>
      parseDeploySettings('version: 1\nalerts:\n  email: [not-an-address]\n  sms: []\n', 'config/deploy.yml');

    expect(parse).toThrow(DeploySettingsError);
    expect(parse).toThrow(
      /config\/deploy\.yml {2}alerts\.email\.0 {2}expected an e-mail address.*found "not-an-address"/,
    );
    expect(parse).toThrow(/config\/deploy\.yml {2}alerts {2}.*sms/);
  });

  it('treats an empty file as no subscriptions', () => {
    expect(alertsForStage(parseDeploySettings('', 'config/deploy.yml'), 'prod')).toEqual({
      email: [],
      https: [],
    });
  });
});

describe('policy file location (DOCDB_BACKUP_POLICIES)', () => {
  it('defaults to config/policies.yml and accepts another file inside the service', () => {
    expect(policiesFileFrom({})).toBe(DEFAULT_POLICIES_FILE);
    expect(policiesFileFrom({ DOCDB_BACKUP_POLICIES: './config/../config/other.yml' })).toBe(
      'config/other.yml',
    );
  });

  it('refuses a file outside the service directory, which could not be packaged', () => {
    expect(() => policiesFileFrom({ DOCDB_BACKUP_POLICIES: '/etc/policies.yml' })).toThrow(
      /inside the service directory/,
    );
    expect(() => policiesFileFrom({ DOCDB_BACKUP_POLICIES: '../policies.yml' })).toThrow(DeployConfigError);
  });
});

describe('the reconcile function: schedule, role and alarms', () => {
  const RECONCILE = { schedule: 'rate(10 minutes)', maxCopiesInFlight: 5 };
  const kept = { ...nightly, retention: { keepLast: 7 } };
  const withReconcile = (policies: ResolvedPolicy[], overrides: Partial<DeployInput> = {}) =>
    buildDeployment(input(policies, { reconcile: RECONCILE, ...overrides })).resources.Resources;

  it('runs a pass on the file’s reconcile schedule: one rule sending {}, retried for one interval, then dead letters', () => {
    const resources = withReconcile([kept, weekly]);

    const rule = resources.ReconcileRule!;
    expect(rule.Type).toBe('AWS::Events::Rule');
    expect(rule.Properties).toMatchObject({
      Name: 'docdb-backup-prod-reconcile',
      ScheduleExpression: 'rate(10 minutes)',
      State: 'ENABLED',
    });
    expect(rule.Properties.Targets).toEqual([
      {
        Id: 'reconcile',
        Arn: { 'Fn::GetAtt': [LOGICAL_IDS.reconcileFunction, 'Arn'] },
        Input: '{}',
        RetryPolicy: {
          MaximumEventAgeInSeconds: 600,
          MaximumRetryAttempts: DELIVERY_RETRY.MaximumRetryAttempts,
        },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [LOGICAL_IDS.deadLetterQueue, 'Arn'] } },
      },
    ]);
    expect(resources.ReconcilePermission!.Properties).toEqual({
      FunctionName: { 'Fn::GetAtt': [LOGICAL_IDS.reconcileFunction, 'Arn'] },
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: { 'Fn::GetAtt': ['ReconcileRule', 'Arn'] },
    });
  });

  it('names its rule apart from the policies’ rules, even for a policy named "reconcile"', () => {
    const resources = withReconcile([
      policy({ name: 'reconcile', snapshot: { prefix: 'rc', tags: {}, copyClusterTags: false } }),
    ]);

    const names = ofType(resources, 'AWS::Events::Rule').map(([, rule]) => rule.Properties.Name);
    expect(names).toEqual(['docdb-backup-prod.reconcile', reconcileRuleName('docdb-backup', 'prod')]);
    expect(ofType(resources, 'AWS::Lambda::Permission').map(([id]) => id)).toEqual([
      'ReconcileSchedulePermission',
      'ReconcilePermission',
    ]);
  });

  it('generates nothing of the reconciler without reconcile settings, and refuses them without its function', () => {
    const resources = buildDeployment(input([nightly])).resources.Resources;
    expect(
      Object.keys(resources).filter((id) => id.startsWith('Reconcile') && id !== 'ReconcileFunctionRole'),
    ).toEqual([]);

    expect(() =>
      buildDeployment(
        input([nightly], { reconcile: RECONCILE, functions: deployedFunctions([BACKUP_FUNCTION]) }),
      ),
    ).toThrow(/no function named "reconcile"/);
  });

  it('gives the pass its own role: its log group, its dead letters, job moves and deletion records, no run records or run alert claims', () => {
    const role = withReconcile([kept, weekly]).ReconcileFunctionRole!;
    const statements = roleStatements(role);
    const actionsOn = (sid: string) => statements.find((s) => s.Sid === sid)?.Action ?? [];

    expect(arnText(role.Properties.RoleName)).toBe('docdb-backup-prod-us-east-1-reconcile');
    expect(arns(statements[0]!.Resource)).toEqual([
      'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/docdb-backup-prod-reconcile:*',
      'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/docdb-backup-prod-reconcile:*:*',
    ]);
    expect(statements.at(-1)).toMatchObject({ Sid: 'DeadLetters', Action: ['sqs:SendMessage'] });
    // recordDeletion (PutItem), the job moves and page claims (UpdateItem), the notes of policies with
    // jobs (Query on their one partition, DeleteItem of a removed policy's note): no BatchWriteItem (run
    // results), no GetItem (run alert claims).
    expect([...actionsOn('ResultsTable')].sort()).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(statements.find((s) => s.Sid === 'ResultsTableIndexes')).toEqual({
      Sid: 'ResultsTableIndexes',
      Effect: 'Allow',
      Action: ['dynamodb:Query'],
      Resource: [{ 'Fn::Sub': `\${${LOGICAL_IDS.resultsTable}.Arn}/index/*` }],
    });
    expect(actionsOn('ResultEventBus')).toEqual(['events:PutEvents']);
    expect(actionsOn('AlertTopic')).toEqual(['sns:Publish']);
    expect(statements.map((s) => s.Sid)).toContain('DeleteOwnClusterSnapshotsNightlyProd');
    expect(statements.slice(1, -1)).toEqual(
      iamStatements(callsOf(RECONCILE_FUNCTION, 'without-copies'), [kept, weekly]),
    );
  });

  it('gives the backup function no index query: only the pass follows jobs', () => {
    const statements = roleStatements(withReconcile([kept]).BackupFunctionRole!);

    expect(statements.map((s) => s.Sid)).not.toContain('ResultsTableIndexes');
    expect(statements.find((s) => s.Sid === 'ResultsTable')?.Action).toContain('dynamodb:PutItem');
  });

  it('derives the alarm periods and thresholds from the reconcile schedule and the policies’ windows', () => {
    const short = policy({ name: 'short', windows: { startMinutes: 60, completionMinutes: 120 } });
    const long = policy({ name: 'long', windows: { startMinutes: 480, completionMinutes: 2_880 } });

    expect(reconcileAlarmSettings(RECONCILE, [short, long], NOW)).toEqual({
      intervalSeconds: 600,
      missingPeriodSeconds: 600,
      missingPeriods: RECONCILE_MISSED_PASSES,
      longestWindowsSeconds: (480 + 2_880) * 60,
      oldestOpenJobSeconds: (480 + 2_880) * 60 + 600,
    });
    expect(reconcileAlarmSettings(RECONCILE, [short], NOW).oldestOpenJobSeconds).toBe(180 * 60 + 600);
  });

  it('counts a disabled policy’s windows too: its open jobs are still followed', () => {
    const off = policy({
      name: 'off',
      enabled: false,
      windows: { startMinutes: 480, completionMinutes: 4_320 },
    });

    expect(reconcileAlarmSettings(RECONCILE, [nightly, off], NOW).longestWindowsSeconds).toBe(
      (480 + 4_320) * 60,
    );
  });

  it('watches the longest gap of an irregular cron schedule, and fewer intervals when three would pass seven days', () => {
    const officeHours = reconcileAlarmSettings(
      { schedule: 'cron(0/15 8-17 ? * MON-FRI *)', maxCopiesInFlight: 5 },
      [nightly],
      NOW,
    );
    expect(officeHours.intervalSeconds).toBe(62 * 3_600 + 15 * 60); // Friday 17:45 to Monday 08:00
    // Three such gaps (187 hours) pass CloudWatch's seven days: two are watched.
    expect(officeHours.missingPeriods).toBe(2);
    expect(officeHours.missingPeriodSeconds * officeHours.missingPeriods).toBeLessThanOrEqual(604_800);
    expect(
      reconcileAlarmSettings({ schedule: 'rate(1 day)', maxCopiesInFlight: 5 }, [nightly], NOW)
        .missingPeriods,
    ).toBe(3);
  });

  it('refuses a reconcile schedule that does not keep firing, naming it', () => {
    expect(() =>
      reconcileAlarmSettings({ schedule: 'cron(0 0 1 1 ? 2020)', maxCopiesInFlight: 5 }, [nightly], NOW),
    ).toThrow(/reconcile.schedule "cron\(0 0 1 1 \? 2020\)" fires fewer than twice/);
  });

  it('pages when no pass reported OpenJobs for three intervals, missing data breaching: the reconciler stopped', () => {
    const alarm = withReconcile([kept]).ReconcileStoppedAlarm!;

    expect(alarm.Properties).toMatchObject({
      AlarmName: 'docdb-backup-prod-reconcile-stopped',
      Namespace: METRICS.namespace,
      MetricName: RECONCILE_METRIC_NAMES.openJobs,
      Dimensions: [{ Name: 'service', Value: METRICS.service }],
      Statistic: 'SampleCount',
      Period: 600,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: LOGICAL_IDS.alertTopic }],
      OKActions: [{ Ref: LOGICAL_IDS.alertTopic }],
    });
    expect(alarm.Properties.AlarmDescription).toContain('30 minutes');
  });

  it('pages when the oldest open job is older than the longest windows plus one interval', () => {
    const alarm = withReconcile([kept, weekly]).ReconcileStuckJobAlarm!;

    expect(alarm.Properties).toMatchObject({
      AlarmName: 'docdb-backup-prod-reconcile-job-overdue',
      Namespace: METRICS.namespace,
      MetricName: RECONCILE_METRIC_NAMES.oldestOpenJobAge,
      Dimensions: [{ Name: 'service', Value: METRICS.service }],
      Statistic: 'Maximum',
      Threshold: (480 + 1_440) * 60 + 600,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'ignore',
      AlarmActions: [{ Ref: LOGICAL_IDS.alertTopic }],
    });
    expect(alarm.Properties.AlarmDescription).toContain('1 day 8 hours 10 minutes');
  });

  it('pages when the oldest open copy is older than twice the completion window plus one interval, only when a policy copies', () => {
    expect(withReconcile([kept, weekly]).ReconcileStuckCopyAlarm).toBeUndefined();
    const copying = { ...kept, copies: [{ region: 'us-west-2' }] };
    const alarm = withReconcile([copying, weekly]).ReconcileStuckCopyAlarm!;

    expect(alarm.Properties).toMatchObject({
      AlarmName: 'docdb-backup-prod-reconcile-copy-overdue',
      MetricName: RECONCILE_METRIC_NAMES.oldestOpenCopyAge,
      Dimensions: [{ Name: 'service', Value: METRICS.service }],
      Statistic: 'Maximum',
      Threshold: 2 * 1_440 * 60 + 600,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'ignore',
      AlarmActions: [{ Ref: LOGICAL_IDS.alertTopic }],
    });
  });

  it('pages on a failed pass, keeping the state between passes', () => {
    const alarm = withReconcile([kept]).ReconcileFunctionErrorsAlarm!;

    expect(alarm.Properties).toMatchObject({
      AlarmName: 'docdb-backup-prod-reconcile-errors',
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: LOGICAL_IDS.reconcileFunction } }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'ignore',
      AlarmActions: [{ Ref: LOGICAL_IDS.alertTopic }],
    });
  });

  it('writes durations largest units first', () => {
    expect(durationText(115_800)).toBe('1 day 8 hours 10 minutes');
    expect(durationText(1_800)).toBe('30 minutes');
    expect(durationText(3_600)).toBe('1 hour');
  });
});

/** The environment the functions are wired with in the metrics tests (mocked AWS behind it). */
const WIRED_ENV = {
  alertTopicArn: TOPIC_ARN,
  resultsTable: TABLE,
  eventBusName: 'default',
  policiesFile: 'config/policies.yml',
  concurrency: 1,
};

describe('the metrics the alarms watch', () => {
  afterEach(() => vi.restoreAllMocks());

  it('are the ones the handler publishes: namespace, service and policy dimensions, metric names', async () => {
    const aws = mockedAws();
    const docdb = aws.docdb['us-east-1']!;
    docdb.on(DescribeDBClustersCommand).resolves({
      DBClusters: [docdbCluster('orders')],
    });
    docdb.on(CreateDBClusterSnapshotCommand).callsFake((request) => ({
      DBClusterSnapshot: {
        DBClusterSnapshotIdentifier: request.DBClusterSnapshotIdentifier,
        Status: 'creating',
      },
    }));
    aws.dynamo.on(BatchWriteItemCommand).resolves({});
    aws.events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e0' }] });
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const watched = policy({ name: 'nightly', clusters: { identifiers: ['orders'], tags: {}, exclude: [] } });
    const wiring = {
      env: WIRED_ENV,
      policies: [watched],
      reconcile: { schedule: 'rate(10 minutes)', maxCopiesInFlight: 5 },
      deps: aws.deps,
    };

    await runScheduledBackup({ policy: 'nightly', time: '2026-11-28T03:00:00Z' }, 60_000, wiring, {
      logger,
      metrics,
    });
    metrics.publishStoredMetrics();

    const emf = written
      .flatMap((line) => line.split('\n'))
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line));
    // The run's record (the quota metrics are single metrics of their own, dimension region: metrics.test.ts).
    const record = emf.find(
      (e) =>
        e._aws.CloudWatchMetrics[0].Namespace === METRICS.namespace &&
        e._aws.CloudWatchMetrics[0].Dimensions[0].includes(METRICS.policyDimension),
    );
    expect(record).toBeDefined();
    const [directive] = record._aws.CloudWatchMetrics;
    expect(directive.Dimensions).toEqual([['service', 'policy']]);
    expect(record.service).toBe(METRICS.service);
    expect(record.policy).toBe('nightly');
    const names = directive.Metrics.map((m: { Name: string }) => m.Name);
    for (const name of METRICS.succeeded) expect(names).toContain(name);
    expect(record.SnapshotsCreated).toBe(1);
  });
});

describe('the reconciler metrics the alarms watch', () => {
  afterEach(() => vi.restoreAllMocks());

  it('are the ones a pass publishes, with nothing open: namespace, the service dimension only, metric names', async () => {
    const aws = mockedAws();
    aws.dynamo.on(QueryCommand).resolves({ Items: [] });
    aws.events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const wiring = {
      env: WIRED_ENV,
      policies: [policy({ name: 'nightly' })],
      reconcile: { schedule: 'rate(10 minutes)', maxCopiesInFlight: 5 },
      deps: aws.deps,
    };

    await runReconcilePass({}, 60_000, wiring, { logger: reconcileLogger, metrics: reconcileMetrics });
    reconcileMetrics.publishStoredMetrics();

    const record = written
      .flatMap((line) => line.split('\n'))
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line))
      .find((e) => e._aws.CloudWatchMetrics[0].Namespace === METRICS.namespace);
    expect(record).toBeDefined();
    const [directive] = record._aws.CloudWatchMetrics;
    expect(directive.Dimensions).toEqual([['service']]);
    expect(record.service).toBe(METRICS.service);
    const names = directive.Metrics.map((m: { Name: string }) => m.Name);
    expect(names).toContain(RECONCILE_METRIC_NAMES.openJobs);
    expect(names).toContain(RECONCILE_METRIC_NAMES.oldestOpenJobAge);
    expect(record[RECONCILE_METRIC_NAMES.openJobs]).toBe(0);
  });
});

describe('who would be paged (deploy/subscribers.ts)', () => {
  const settings = (text: string) => parseDeploySettings(text, 'config/deploy.yml');

  it('finds nobody paged in the shipped defaults, and blocks a deploy until the stage opts in', () => {
    const problems = subscriberProblems(settings('version: 1\nalerts:\n  email: []\n  https: []\n'), 'prod');

    expect(problems).toEqual([
      expect.objectContaining({ kind: 'no-subscribers', stage: 'prod', path: 'alerts', allowed: false }),
    ]);
    expect(problems[0]!.message).toMatch(
      /no one would be paged for stage "prod".*allowNone: true.*--allow-no-subscribers/,
    );
    expect(blockingProblems(problems, { allowNoSubscribers: false })).toHaveLength(1);
    expect(blockingProblems(problems, { allowNoSubscribers: true })).toEqual([]);
    expect(formatSubscriberWarnings(problems)).toContain('NO ONE WOULD BE PAGED');
  });

  it('lets alerts.allowNone: true opt a stage in explicitly, still warning', () => {
    const problems = subscriberProblems(
      settings(
        'version: 1\nalerts:\n  email: [oncall@example.com]\nstages:\n  dev:\n    alerts:\n      allowNone: true\n',
      ),
      'dev',
    );

    expect(problems).toEqual([
      expect.objectContaining({ kind: 'no-subscribers', path: 'stages.dev.alerts', allowed: true }),
    ]);
    expect(blockingProblems(problems, { allowNoSubscribers: false })).toEqual([]);
  });

  it('refuses a deploy through the generator unless the deployer passes --allow-no-subscribers', () => {
    const problems = subscriberProblems(settings('version: 1\n'), 'prod');

    expect(deployRefusal(problems, {})).toMatch(
      /^refusing to deploy: no one would be paged for stage "prod"/,
    );
    expect(deployRefusal(problems, { [ALLOW_NO_SUBSCRIBERS_VARIABLE]: 'true' })).toBeUndefined();
    expect(
      deployRefusal(
        subscriberProblems(settings('version: 1\nalerts:\n  email: [a@example.com]\n'), 'prod'),
        {},
      ),
    ).toBeUndefined();
  });

  it('warns that a plain https URL lands in the template, and not about a dynamic reference', () => {
    const problems = subscriberProblems(
      settings(
        'version: 1\nalerts:\n  https:\n    - https://events.pagerduty.com/integration/abc123/enqueue\n    - "{{resolve:ssm:/docdb-backup/opsgenie-url}}"\n',
      ),
      'prod',
    );

    expect(problems).toEqual([
      expect.objectContaining({ kind: 'endpoint-in-template', path: 'alerts.https[0]' }),
    ]);
    expect(problems[0]!.message).toMatch(
      /written into the CloudFormation template in plain text.*\{\{resolve:ssm:/,
    );
  });

  it('checks the top-level alerts and every listed stage when no stage is given (docdb-backup validate)', () => {
    const problems = subscriberProblems(
      settings(
        'version: 1\nalerts:\n  email: [oncall@example.com]\nstages:\n  dev:\n    alerts:\n      email: []\n  qa: {}\n',
      ),
    );

    expect(problems.map((p) => `${p.kind} ${p.stage} ${p.path}`)).toEqual([
      'no-subscribers dev stages.dev.alerts',
    ]);
  });
});

describe('https endpoints as dynamic references', () => {
  it('parses SSM String parameters and Secrets Manager secrets by name or ARN', () => {
    expect(parseEndpointReference('{{resolve:ssm:/docdb-backup/pagerduty-url}}')).toEqual({
      ok: true,
      reference: { service: 'ssm', parameter: '/docdb-backup/pagerduty-url' },
    });
    expect(parseEndpointReference('{{resolve:ssm:pagerduty-url:3}}')).toEqual({
      ok: true,
      reference: { service: 'ssm', parameter: 'pagerduty-url', version: 3 },
    });
    expect(parseEndpointReference('{{resolve:secretsmanager:prod/pagerduty:SecretString:url}}')).toEqual({
      ok: true,
      reference: { service: 'secretsmanager', secretId: 'prod/pagerduty', jsonKey: 'url' },
    });
    expect(
      parseEndpointReference(
        '{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:pd-AbCdEf:SecretString:url:AWSCURRENT}}',
      ),
    ).toEqual({
      ok: true,
      reference: {
        service: 'secretsmanager',
        secretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:pd-AbCdEf',
        jsonKey: 'url',
        versionStage: 'AWSCURRENT',
      },
    });
  });

  it('explains what is wrong with a malformed reference', () => {
    const error = (text: string) => {
      const parsed = parseEndpointReference(text);
      return parsed.ok ? '' : parsed.error;
    };

    expect(error('{{resolve:ssm-secure:/pd/url}}')).toMatch(
      /ssm-secure.*not in an SNS subscription’s Endpoint/,
    );
    expect(error('{{resolve:s3:bucket/key}}')).toMatch(
      /"s3" is not a dynamic reference.*expected \{\{resolve:ssm:/,
    );
    expect(error('https://x/{{resolve:ssm:/a}}')).toMatch(/must be the whole value/);
    expect(error('{{resolve:ssm:/has space}}')).toMatch(/not an SSM parameter name/);
    expect(error('{{resolve:secretsmanager:pd:SecretBinary}}')).toMatch(/must be "SecretString"/);
    expect(error('{{resolve:secretsmanager:pd:SecretString:url:AWSCURRENT:0123}}')).toMatch(/not both/);
  });

  it('accepts references in config/deploy.yml, names the key of a bad one, and emits them unresolved', () => {
    const good = parseDeploySettings(
      'version: 1\nalerts:\n  https: ["{{resolve:secretsmanager:prod/pagerduty:SecretString:url}}"]\n',
      'config/deploy.yml',
    );
    const bad = () =>
      parseDeploySettings(
        'version: 1\nalerts:\n  https: ["{{resolve:ssm:}}", "http://plain"]\n',
        'config/deploy.yml',
      );

    expect(bad).toThrow(/config\/deploy\.yml {2}alerts\.https\.0 {2}"" is not an SSM parameter name/);
    expect(bad).toThrow(/alerts\.https\.1 {2}expected an https:\/\/ URL or a dynamic reference/);
    const subscriptions = ofType(
      buildDeployment(input([nightly], { alerts: alertsForStage(good, 'prod') })).resources.Resources,
      'AWS::SNS::Subscription',
    );
    expect(subscriptions.map(([, s]) => s.Properties)).toEqual([
      {
        TopicArn: { Ref: 'AlertTopic' },
        Protocol: 'https',
        Endpoint: '{{resolve:secretsmanager:prod/pagerduty:SecretString:url}}',
      },
    ]);
  });
});

describe('the dashboard and quota alarms', () => {
  const reconcile = { schedule: 'rate(10 minutes)', maxCopiesInFlight: 5 };
  const body = (resources: Record<string, CfnResource>) =>
    JSON.parse((resources.Dashboard!.Properties.DashboardBody as { 'Fn::Sub': string })['Fn::Sub']) as {
      widgets: { type: string; properties: { title?: string; region?: string; metrics?: unknown[][] } }[];
    };

  it('shows per policy created, failed, pending and retries with the service and policy dimensions', () => {
    const { Resources } = buildDeployment(input([nightly, weekly], { reconcile })).resources;

    expect(Resources.Dashboard!.Properties.DashboardName).toBe('docdb-backup-prod');
    const widgets = body(Resources).widgets.filter((w) => w.properties.title?.endsWith('snapshots per run'));
    expect(widgets.map((w) => w.properties.title)).toEqual([
      'nightly-prod: snapshots per run',
      'weekly-staging: snapshots per run',
    ]);
    expect(widgets[0]!.properties.region).toBe(`\${AWS::Region}`);
    expect(widgets[0]!.properties.metrics!.map((m) => m.slice(0, 6))).toEqual(
      POLICY_WIDGET_METRICS.map(({ name }) => [
        'DocdbBackup',
        name,
        'service',
        'docdb-backup',
        'policy',
        'nightly-prod',
      ]),
    );
  });

  it('shows each Region’s manual snapshots against its quota, once per Region, not per policy', () => {
    const other = policy({
      ...nightly,
      name: 'hourly-prod',
      snapshot: { ...nightly.snapshot, prefix: 'hourly' },
    });
    const { Resources } = buildDeployment(input([nightly, other, weekly])).resources;

    const quota = body(Resources).widgets.filter((w) => w.properties.title?.includes('against the quota'));
    expect(quota.map((w) => w.properties.title?.split(':')[0])).toEqual([
      'eu-west-1',
      'us-east-1',
      'us-west-2',
    ]);
    expect(quota[0]!.properties.metrics).toEqual([
      [
        'DocdbBackup',
        'ManualSnapshotsUsed',
        'service',
        'docdb-backup',
        'region',
        'eu-west-1',
        expect.objectContaining({ id: 'used' }),
      ],
      [
        'DocdbBackup',
        'ManualSnapshotQuota',
        'service',
        'docdb-backup',
        'region',
        'eu-west-1',
        expect.objectContaining({ id: 'quota' }),
      ],
      [expect.objectContaining({ expression: '100 * used / quota' })],
    ]);
    expect(
      ofType(Resources, 'AWS::CloudWatch::Alarm')
        .filter(([id]) => id.startsWith('Quota'))
        .map(([id]) => id),
    ).toEqual(['QuotaEuWest1Alarm', 'QuotaUsEast1Alarm', 'QuotaUsWest2Alarm']);
  });

  it('pages when a Region reaches the policies’ warnAtPercent of its quota: used / quota × 100', () => {
    const warnAt = (p: ResolvedPolicy, percent: number) => ({
      ...p,
      quota: { ...p.quota, warnAtPercent: percent },
    });
    const { Resources } = buildDeployment(input([warnAt(nightly, 70)])).resources;

    expect(regionLogicalId('us-east-1')).toBe('UsEast1');
    expect(quotaRegions([warnAt(nightly, 70), warnAt(weekly, 90)])).toEqual([
      { region: 'eu-west-1', warnAtPercent: 70 },
      { region: 'us-east-1', warnAtPercent: 70 },
      { region: 'us-west-2', warnAtPercent: 90 },
    ]);
    const alarm = Resources.QuotaUsEast1Alarm!.Properties;
    expect(alarm).toMatchObject({
      AlarmName: 'docdb-backup-prod-quota-us-east-1',
      Threshold: 70,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'ignore',
      AlarmActions: [{ Ref: LOGICAL_IDS.alertTopic }],
    });
    expect(alarm.Metrics).toEqual([
      expect.objectContaining({ Id: 'percent', Expression: '100 * used / quota', ReturnData: true }),
      ...['ManualSnapshotsUsed', 'ManualSnapshotQuota'].map((name) =>
        expect.objectContaining({
          MetricStat: {
            Metric: {
              Namespace: 'DocdbBackup',
              MetricName: name,
              Dimensions: [
                { Name: 'service', Value: 'docdb-backup' },
                { Name: 'region', Value: 'us-east-1' },
              ],
            },
            Period: QUOTA_ALARM_PERIOD,
            Stat: 'Maximum',
          },
        }),
      ),
    ]);
  });

  it('shows the reconciler’s open jobs, oldest job, completion p50/p90 and failures when it is deployed', () => {
    const withPass = body(buildDeployment(input([nightly], { reconcile })).resources.Resources);
    const without = body(buildDeployment(input([nightly])).resources.Resources);

    const reconcilerRows = (b: ReturnType<typeof body>) =>
      b.widgets
        .flatMap((w) => w.properties.metrics ?? [])
        .filter((m) => m.length === 5 && m[2] === 'service')
        .map((m) => `${m[1]} ${(m[4] as { stat: string }).stat}`);
    expect(reconcilerRows(withPass)).toEqual([
      'OpenJobs Maximum',
      'OldestOpenJobAgeSeconds Maximum',
      'JobCompletionSeconds p50',
      'JobCompletionSeconds p90',
      'JobsFailed Sum',
    ]);
    expect(reconcilerRows(without)).toEqual([]);
  });
});
