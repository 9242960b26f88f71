// Seam: what the generated dashboard and alarms watch (deploy/template.ts, deploy/dashboard.ts) against
// what the functions really print as EMF: the backup function's run and reconcile passes (their handlers'
// real code paths, `runScheduledBackup` / `runReconcilePass`) over real HTTP on the local emulator, with a
// clock shared with it so a snapshot completes between two passes. Every metric a widget or an alarm in
// the DocdbBackup namespace references must have been emitted with exactly those dimensions and values.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dashboardWidgets } from '../../deploy/dashboard.js';
import { deployedFunctions } from '../../deploy/functions.js';
import { buildDeployment } from '../../deploy/template.js';
import { runScheduledBackup } from '../../functions/backup/handler.js';
import { wireFromEnvironment } from '../../functions/common/wiring.js';
import { runReconcilePass } from '../../functions/reconcile/handler.js';
import { METRIC_NAMES, METRICS, RECONCILE_METRIC_NAMES } from '../../shared/metrics.js';
import { compilePolicyFile } from '../../shared/policy/compile.js';
import type { ResolvedPolicies } from '../../shared/policy/resolved.js';
import { resetWorld, sharedClock, startWorld, type World } from '../integration/backup/support.js';
import { memoryLog } from '../support/fakes.js';
import { tempFolder } from '../support/temp-folders.js';

const MINUTE = 60_000;
const POLICIES = `version: 1
quota:
  default: 100
  warnAtPercent: 75
reconcile:
  schedule: rate(5 minutes)
policies:
  - name: nightly
    schedule: rate(1 hour)
    regions: [us-east-1]
    clusters:
      identifiers: [orders]
    startWindowMinutes: 60
    completionWindowMinutes: 120
`;

/** A metric as CloudWatch keys it: namespace, name and the exact set of dimensions with their values. */
function key(namespace: string, name: string, dimensions: Record<string, string>): string {
  const dims = Object.entries(dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `${namespace}|${name}|${dims}`;
}

// biome-ignore lint/suspicious/noExplicitAny: EMF records and CloudFormation are JSON of no declared type
type Json = any;

/** Every (namespace, metric, dimensions) an EMF line published. */
function emittedKeys(lines: readonly string[]): Set<string> {
  const keys = new Set<string>();
  for (const line of lines.flatMap((chunk) => chunk.split('\n'))) {
    if (!line.includes('"_aws"')) continue;
    const record = JSON.parse(line) as Json;
    for (const directive of record._aws.CloudWatchMetrics as Json[]) {
      for (const set of directive.Dimensions as string[][]) {
        const dims = Object.fromEntries(set.map((name) => [name, String(record[name])]));
        for (const metric of directive.Metrics as { Name: string }[])
          keys.add(key(directive.Namespace, metric.Name, dims));
      }
    }
  }
  return keys;
}

/** Every metric of the DocdbBackup namespace that a generated alarm or the dashboard references. */
function referencedKeys(resources: Record<string, Json>): Map<string, string> {
  const keys = new Map<string, string>();
  const add = (where: string, metric: { Namespace: string; MetricName: string; Dimensions?: Json[] }) => {
    if (metric.Namespace !== METRICS.namespace) return;
    const dims = Object.fromEntries((metric.Dimensions ?? []).map((d: Json) => [d.Name, d.Value]));
    keys.set(key(metric.Namespace, metric.MetricName, dims), where);
  };
  for (const [id, resource] of Object.entries(resources)) {
    const props = resource.Properties;
    if (resource.Type === 'AWS::CloudWatch::Alarm') {
      if (props.MetricName) add(id, props);
      for (const query of props.Metrics ?? []) if (query.MetricStat) add(id, query.MetricStat.Metric);
    }
    if (resource.Type === 'AWS::CloudWatch::Dashboard') {
      const body = JSON.parse(props.DashboardBody['Fn::Sub']);
      for (const widget of body.widgets)
        for (const row of widget.properties.metrics ?? []) {
          if (typeof row[0] !== 'string') continue; // a math expression
          const [namespace, name, ...rest] = row as [string, string, ...unknown[]];
          const pairs = rest.filter((part): part is string => typeof part === 'string');
          const dims: Json[] = [];
          for (let i = 0; i < pairs.length; i += 2) dims.push({ Name: pairs[i], Value: pairs[i + 1] });
          add(`${id}: ${widget.properties.title}`, {
            Namespace: namespace,
            MetricName: name,
            Dimensions: dims,
          });
        }
    }
  }
  return keys;
}

let world: World;
let emitted: Set<string>;
let policies: ResolvedPolicies;

beforeAll(async () => {
  world = await startWorld();
  await resetWorld(world, { regions: { 'us-east-1': { clusters: [{ id: 'orders' }] } } });
  world.emu.setFaults({ clusters: { orders: { snapshotAvailableAfterMs: 20 * MINUTE } } });
  const dir = tempFolder('metrics');
  writeFileSync(join(dir, 'policies.yml'), POLICIES);
  const compiled = join(dir, 'policies.compiled.json');
  policies = await compilePolicyFile(join(dir, 'policies.yml'), compiled);
  const env = { ...world.service.env, POLICIES_FILE: compiled, BACKUP_CONCURRENCY: '4' };
  Object.assign(process.env, env);
  const wiring = await wireFromEnvironment(memoryLog(), env);
  const { clock, advance } = sharedClock(world);
  wiring.deps.clock = clock;
  const logger = new Logger({ serviceName: METRICS.service, logLevel: 'SILENT' });
  const backupMetrics = new Metrics({ namespace: METRICS.namespace, serviceName: METRICS.service });
  const passMetrics = new Metrics({ namespace: METRICS.namespace, serviceName: METRICS.service });
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    const slot = new Date(Math.floor(clock.now() / MINUTE) * MINUTE);
    const run = await runScheduledBackup({ policy: 'nightly', time: slot.toISOString() }, 600_000, wiring, {
      logger,
      metrics: backupMetrics,
    });
    backupMetrics.publishStoredMetrics();
    expect(run.counts.created).toBe(1);
    advance(25 * MINUTE);
    const pass = await runReconcilePass({}, 300_000, wiring, { logger, metrics: passMetrics });
    passMetrics.publishStoredMetrics();
    expect(pass.transitions).toEqual([expect.objectContaining({ to: 'available' })]);
  } finally {
    spy.mockRestore();
  }
  emitted = emittedKeys(written);
}, 120_000);

afterAll(async () => {
  await world?.emu.stop();
});

describe('the metrics the dashboard and alarms watch', () => {
  it('are all emitted by the functions, with exactly those dimensions', () => {
    const { resources } = buildDeployment({
      service: 'docdb-backup',
      stage: 'prod',
      policies,
      functions: deployedFunctions(),
      alerts: { email: ['oncall@example.com'], https: [] },
      reconcile: policies.reconcile,
      now: new Date(),
    });

    const referenced = referencedKeys(resources.Resources);
    const missing = [...referenced].filter(([k]) => !emitted.has(k)).map(([k, where]) => `${where}: ${k}`);

    expect(missing).toEqual([]);
    // Per policy 6 (the no-snapshot alarm's already-existing, events failed), per Region 2, reconciler 4.
    expect(referenced.size).toBe(12);
  });

  it('cover per policy, per Region and the reconciler, as shared/metrics.ts names them', () => {
    const { metrics } = dashboardWidgets({
      service: 'docdb-backup',
      stage: 'prod',
      policies,
      reconcile: policies.reconcile,
    });
    const watched = new Set(metrics.map((m) => key(m.namespace, m.name, m.dimensions)));
    const policy = { service: METRICS.service, [METRICS.policyDimension]: 'nightly' };
    const region = { service: METRICS.service, [METRICS.regionDimension]: 'us-east-1' };
    const service = { service: METRICS.service };
    const expected = [
      ...[
        METRIC_NAMES.snapshotsCreated,
        METRIC_NAMES.snapshotsFailed,
        METRIC_NAMES.snapshotsPending,
        METRIC_NAMES.snapshotRetries,
      ].map((name) => key(METRICS.namespace, name, policy)),
      ...[METRIC_NAMES.manualSnapshotsUsed, METRIC_NAMES.manualSnapshotQuota].map((name) =>
        key(METRICS.namespace, name, region),
      ),
      ...[
        RECONCILE_METRIC_NAMES.openJobs,
        RECONCILE_METRIC_NAMES.oldestOpenJobAge,
        RECONCILE_METRIC_NAMES.completionLatency,
        RECONCILE_METRIC_NAMES.jobsFailed,
      ].map((name) => key(METRICS.namespace, name, service)),
    ];

    expect([...watched].sort()).toEqual([...expected].sort());
    for (const k of expected) expect(emitted).toContain(k);
  });
});
