/**
 * The stack's CloudWatch dashboard and the per-Region quota alarms, generated from the policies like the
 * other alarms (deploy/template.ts calls `dashboardResources`). Every metric comes from shared/metrics.ts,
 * with the dimensions the functions emit (tests/deploy/template.test.ts runs the handlers and compares):
 * - per policy (`service` + `policy`): snapshots created, failed, pending, and retries;
 * - per Region the policies name (`service` + `region`): `ManualSnapshotsUsed` against
 *   `ManualSnapshotQuota`, and the share used, with one alarm per Region at the policies'
 *   `quota.warnAtPercent`;
 * - the reconciler (`service` only): open jobs, the oldest open job's age, completion time p50/p90, jobs
 *   failed.
 * Pure: the dashboard body is a JSON string inside `Fn::Sub`, so widgets and alarm ARNs name the stack's
 * own Region and account.
 */
import { METRIC_NAMES, METRICS, RECONCILE_METRIC_NAMES } from '../shared/metrics.js';
import type { ResolvedPolicy } from '../shared/policy/schema.js';
import {
  type CfnResource,
  type CfnValue,
  DeployConfigError,
  type DeployInput,
  LOGICAL_IDS,
} from './template.js';

/** Logical id of the dashboard. */
export const DASHBOARD_ID = 'Dashboard';

/** Period of the quota alarms: each run reports a Region's use once; the state stays between runs. */
export const QUOTA_ALARM_PERIOD = 300;

/** CloudWatch allows at most 500 widgets per dashboard. */
const MAX_WIDGETS = 500;

/** A metric one widget or alarm watches: its name and exact dimensions. */
export interface WatchedMetric {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
}

/** Per policy: what the run counts (dimensions `service` + `policy`). */
export const POLICY_WIDGET_METRICS = [
  { name: METRIC_NAMES.snapshotsCreated, label: 'created' },
  { name: METRIC_NAMES.snapshotsFailed, label: 'failed or skipped' },
  { name: METRIC_NAMES.snapshotsPending, label: 'pending (left to the reconciler)' },
  { name: METRIC_NAMES.snapshotRetries, label: 'retries' },
] as const;

/**
 * The CloudFormation id part of a Region: `us-east-1` → `UsEast1`.
 * @example regionLogicalId('eu-west-1') // 'EuWest1'
 */
export function regionLogicalId(region: string): string {
  return region
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/**
 * Each Region the policies name, with the warning share of its quota: the smallest `warnAtPercent` of
 * the policies in it (the file has one quota block, so they agree).
 * @example quotaRegions(policies) // [{ region: 'eu-west-1', warnAtPercent: 80 }, { region: 'us-east-1', warnAtPercent: 80 }]
 */
export function quotaRegions(
  policies: readonly ResolvedPolicy[],
): { region: string; warnAtPercent: number }[] {
  const byRegion = new Map<string, number>();
  for (const policy of policies)
    for (const region of policy.regions)
      byRegion.set(region, Math.min(byRegion.get(region) ?? Infinity, policy.quota.warnAtPercent));
  return [...byRegion]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([region, warnAtPercent]) => ({ region, warnAtPercent }));
}

const policyDimensions = (policy: string) => ({
  service: METRICS.service,
  [METRICS.policyDimension]: policy,
});
const regionDimensions = (region: string) => ({
  service: METRICS.service,
  [METRICS.regionDimension]: region,
});
const serviceDimensions = () => ({ service: METRICS.service });

/** A dashboard metric array: namespace, name, dimension pairs, then rendering options. */
function widgetMetric(metric: WatchedMetric, options: Record<string, unknown>): unknown[] {
  return [metric.namespace, metric.name, ...Object.entries(metric.dimensions).flat(), options];
}

const watched = (name: string, dimensions: Record<string, string>): WatchedMetric => ({
  namespace: METRICS.namespace,
  name,
  dimensions,
});

/** The alarm name of a Region's quota alarm. */
export function quotaAlarmName(service: string, stage: string, region: string): string {
  return `${service}-${stage}-quota-${region}`;
}

/**
 * The alarm that pages when a Region's manual snapshots reach `warnAtPercent` of its quota: metric math
 * `100 × ManualSnapshotsUsed / ManualSnapshotQuota`, both as the backup run reports them (dimensions
 * `service` + `region`, once per run per Region). Between runs there is no data and the state stays.
 */
export function quotaAlarm(
  region: string,
  warnAtPercent: number,
  input: Pick<DeployInput, 'service' | 'stage'>,
): [string, CfnResource] {
  const stat = (id: string, name: string): CfnValue => ({
    Id: id,
    ReturnData: false,
    MetricStat: {
      Metric: {
        Namespace: METRICS.namespace,
        MetricName: name,
        Dimensions: Object.entries(regionDimensions(region)).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: QUOTA_ALARM_PERIOD,
      Stat: 'Maximum',
    },
  });
  return [
    `Quota${regionLogicalId(region)}Alarm`,
    {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: quotaAlarmName(input.service, input.stage, region),
        AlarmDescription:
          `${region} holds ${warnAtPercent}% or more of its manual cluster snapshot quota (shared with RDS ` +
          'and Neptune) after a docdb-backup run. At 100% new snapshots fail: delete snapshots nobody needs, ' +
          'shorten retention, or raise the quota (Service Quotas) and quota.regions in config/policies.yml.',
        ActionsEnabled: true,
        AlarmActions: [{ Ref: LOGICAL_IDS.alertTopic }],
        OKActions: [{ Ref: LOGICAL_IDS.alertTopic }],
        Metrics: [
          {
            Id: 'percent',
            Label: `${region}: % of the manual snapshot quota used`,
            Expression: '100 * used / quota',
            ReturnData: true,
          },
          stat('used', METRIC_NAMES.manualSnapshotsUsed),
          stat('quota', METRIC_NAMES.manualSnapshotQuota),
        ],
        Threshold: warnAtPercent,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        TreatMissingData: 'ignore',
      },
    },
  ];
}

interface Widget {
  type: 'metric' | 'text' | 'alarm';
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

function timeSeries(title: string, metrics: unknown[][], extra: Record<string, unknown> = {}): Widget {
  return {
    type: 'metric',
    width: 12,
    height: 6,
    properties: {
      title,
      view: 'timeSeries',
      stacked: false,
      region: `\${AWS::Region}`,
      period: 300,
      metrics,
      ...extra,
    },
  };
}

function heading(markdown: string): Widget {
  return { type: 'text', width: 24, height: 1, properties: { markdown } };
}

/** The dashboard's widgets and every metric they watch. */
export function dashboardWidgets(input: Pick<DeployInput, 'service' | 'stage' | 'policies' | 'reconcile'>): {
  widgets: Widget[];
  metrics: WatchedMetric[];
} {
  const metrics: WatchedMetric[] = [];
  const use = (metric: WatchedMetric, options: Record<string, unknown>) => {
    metrics.push(metric);
    return widgetMetric(metric, options);
  };
  const widgets: Widget[] = [heading(`# ${input.service} (${input.stage}): snapshots per policy`)];
  for (const policy of input.policies) {
    widgets.push(
      timeSeries(
        `${policy.name}${policy.enabled ? '' : ' (disabled)'}: snapshots per run`,
        POLICY_WIDGET_METRICS.map(({ name, label }) =>
          use(watched(name, policyDimensions(policy.name)), { stat: 'Sum', label }),
        ),
      ),
    );
  }
  const regions = quotaRegions(input.policies);
  widgets.push(heading('# Manual cluster snapshots against the quota, per Region'));
  for (const { region, warnAtPercent } of regions) {
    widgets.push(
      timeSeries(
        `${region}: manual snapshots (all engines) against the quota`,
        [
          use(watched(METRIC_NAMES.manualSnapshotsUsed, regionDimensions(region)), {
            id: 'used',
            stat: 'Maximum',
            label: 'used',
          }),
          use(watched(METRIC_NAMES.manualSnapshotQuota, regionDimensions(region)), {
            id: 'quota',
            stat: 'Maximum',
            label: 'quota',
          }),
          [{ expression: '100 * used / quota', id: 'percent', label: '% used', yAxis: 'right' }],
        ],
        {
          yAxis: { left: { min: 0 }, right: { min: 0, max: 100 } },
          annotations: {
            horizontal: [{ value: warnAtPercent, label: `warn at ${warnAtPercent}%`, yAxis: 'right' }],
          },
        },
      ),
    );
  }
  if (regions.length > 0) {
    widgets.push({
      type: 'alarm',
      width: 24,
      height: 2,
      properties: {
        title: 'Quota alarms',
        alarms: regions.map(
          ({ region }) =>
            `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${quotaAlarmName(input.service, input.stage, region)}`,
        ),
      },
    });
  }
  if (input.reconcile !== undefined) {
    const names = RECONCILE_METRIC_NAMES;
    widgets.push(heading('# Reconciler: backup jobs followed until their snapshots are available'));
    widgets.push(
      timeSeries('Open jobs', [use(watched(names.openJobs, serviceDimensions()), { stat: 'Maximum' })]),
      timeSeries('Oldest open job (seconds)', [
        use(watched(names.oldestOpenJobAge, serviceDimensions()), { stat: 'Maximum' }),
      ]),
      timeSeries('Snapshot completion time (seconds)', [
        use(watched(names.completionLatency, serviceDimensions()), { stat: 'p50', label: 'p50' }),
        use(watched(names.completionLatency, serviceDimensions()), { stat: 'p90', label: 'p90' }),
      ]),
      timeSeries('Jobs failed', [use(watched(names.jobsFailed, serviceDimensions()), { stat: 'Sum' })]),
    );
  }
  return { widgets, metrics };
}

/**
 * The dashboard and one quota alarm per Region the policies name (not per policy: the quota is the
 * account's). The dashboard is named `<service>-<stage>`.
 * @example Object.keys(dashboardResources({ service: 'docdb-backup', stage: 'prod', policies, reconcile })) // ['Dashboard', 'QuotaUsEast1Alarm', …]
 */
export function dashboardResources(
  input: Pick<DeployInput, 'service' | 'stage' | 'policies' | 'reconcile'>,
): Record<string, CfnResource> {
  const { widgets } = dashboardWidgets(input);
  if (widgets.length > MAX_WIDGETS) {
    throw new DeployConfigError(
      `the dashboard would have ${widgets.length} widgets, more than CloudWatch allows (${MAX_WIDGETS}): ` +
        'split the policies across stages',
    );
  }
  // Let CloudWatch lay the widgets out in rows from their widths; the body names no `x`/`y`.
  const body = JSON.stringify({ widgets });
  const resources: Record<string, CfnResource> = {
    [DASHBOARD_ID]: {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: {
        DashboardName: `${input.service}-${input.stage}`,
        DashboardBody: { 'Fn::Sub': body },
      },
    },
  };
  for (const { region, warnAtPercent } of quotaRegions(input.policies)) {
    const [id, alarm] = quotaAlarm(region, warnAtPercent, input);
    resources[id] = alarm;
  }
  return resources;
}
