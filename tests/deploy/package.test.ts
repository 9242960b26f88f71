// Seam: `serverless package` of the real serverless.yml (osls + serverless-esbuild + the generator), run
// offline in a temporary copy of the service: the CloudFormation it writes and the artifact it zips (the
// backup and reconcile functions). Two
// runs in all, shared by every assertion: one with the real config/policies.yml, one with a broken policy
// file that must fail with the validator's own message.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../local/emulator.js';
import { provisionService } from '../../local/service.js';
import { RESULTS_TABLE_KEYS } from '../../shared/aws/results-table/codec.js';
import { METRICS, RECONCILE_METRIC_NAMES } from '../../shared/metrics.js';
import { snapshotIdFor } from '../../shared/planning/naming.js';
import {
  COMPILED_POLICIES_VERSION,
  loadPolicyFile,
  PolicyValidationError,
  parsePolicyFile,
  type ResolvedPolicies,
} from '../../shared/policy/index.js';
import { longestIntervalSeconds } from '../../shared/policy/schedule.js';
import type { ResolvedPolicy } from '../../shared/policy/schema.js';
import { arnText } from './cfn.js';
import { copyService, runServerless } from './offline.js';
import { readZip, type ZipEntry } from './zip.js';

const execFileAsync = promisify(execFile);

/** CloudFormation read back from disk: any shape, checked by the assertions. */
// biome-ignore lint/suspicious/noExplicitAny: the template is JSON of no declared type
type Json = any;

interface Resource {
  Type: string;
  Properties: Record<string, Json>;
  DependsOn?: string | string[];
}

let service: string;
let template: { Resources: Record<string, Resource>; Outputs: Record<string, unknown> };
let artifact: ZipEntry[];
let zipBytes: number;
let policies: ResolvedPolicies;
let broken: { status: number | null; output: string; expected: string[] };

function serverless(
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; output: string } {
  const run = runServerless(service, args, env);
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

const BANNER = "import { createRequire } from 'module';const require = createRequire(import.meta.url);";

const BROKEN_POLICIES = `version: 1
policies:
  - name: Nightly_Prod
    schedule: cron(0 3 * * *)
    regions: [us-east-1]
    clusters:
      identifiers: [orders-prod]
`;

beforeAll(async () => {
  service = copyService('docdb-backup-package-');
  writeFileSync(
    join(service, 'config', 'deploy.yml'),
    'version: 1\nalerts:\n  email: [oncall@example.com]\n' +
      '  https: [https://hooks.example.com/docdb-backup, "{{resolve:ssm:/docdb-backup/pagerduty-url}}"]\n',
  );
  const out = join(service, 'out');
  mkdirSync(out);
  const packaged = serverless(['package', '--stage', 'prod', '--region', 'us-east-1', '--package', out]);
  if (packaged.status !== 0)
    throw new Error(`serverless package failed (${packaged.status}):\n${packaged.output}`);
  template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
  const zip = readFileSync(join(out, 'docdb-backup.zip'));
  zipBytes = zip.length;
  artifact = readZip(zip);
  policies = await loadPolicyFile(join(service, 'config', 'policies.yml'));

  writeFileSync(join(service, 'config', 'broken.yml'), BROKEN_POLICIES);
  let expected: string[] = [];
  try {
    parsePolicyFile(BROKEN_POLICIES, 'config/broken.yml');
  } catch (error) {
    if (!(error instanceof PolicyValidationError)) throw error;
    expected = error.message.split('\n');
  }
  broken = {
    ...serverless(
      ['package', '--stage', 'prod', '--region', 'us-east-1', '--package', join(service, 'broken-out')],
      {
        DOCDB_BACKUP_POLICIES: 'config/broken.yml',
      },
    ),
    expected,
  };
}, 600_000);

afterAll(() => {
  if (service) rmSync(service, { recursive: true, force: true });
});

interface Invocation {
  result?: Record<string, Json>;
  error?: { name: string; message: string };
  stderr: string;
}

/**
 * Unzips the artifact (once) and invokes its handler in a fresh Node process, as Lambda would: the task
 * root is the unzipped folder, configuration comes from the environment only. Asynchronous, so an
 * emulator running in this process keeps answering.
 */
async function invokeArtifact(
  event: unknown,
  env: Record<string, string>,
  fn: 'backup' | 'reconcile' = 'backup',
): Promise<Invocation> {
  const root = join(service, 'task-root');
  if (!existsSync(root)) {
    for (const entry of artifact) {
      mkdirSync(dirname(join(root, entry.name)), { recursive: true });
      writeFileSync(join(root, entry.name), entry.read());
    }
  }
  const probe = `
    const { handler } = await import('./functions/${fn}/handler.mjs');
    const context = { getRemainingTimeInMillis: () => 60000, functionName: 'docdb-backup-prod-${fn}',
      awsRequestId: 'r1', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:docdb-backup-prod-${fn}' };
    try { console.log(JSON.stringify({ result: await handler(${JSON.stringify(event)}, context) })); }
    catch (error) { console.log(JSON.stringify({ error: { name: error.name, message: error.message } })); }`;
  const { stdout, stderr } = await execFileAsync(process.execPath, ['--input-type=module', '-e', probe], {
    cwd: root,
    timeout: 60_000,
    env: {
      PATH: process.env.PATH ?? '',
      LAMBDA_TASK_ROOT: root,
      POLICIES_FILE: '.build/policies.compiled.json',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env,
    },
  });
  const line = stdout.split('\n').find((l) => l.startsWith('{"result"') || l.startsWith('{"error"'));
  return { ...(line ? JSON.parse(line) : {}), stderr: `${stderr}\n${stdout}` };
}

function ofType(type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

function resource(id: string): Resource {
  const found = template.Resources[id];
  if (!found) throw new Error(`no resource ${id} in the template`);
  return found;
}

describe('serverless package: the function', () => {
  it('runs the bundled handler on nodejs22.x arm64 with the retry-budget timeout', () => {
    const fn = resource('BackupLambdaFunction').Properties;

    expect(fn).toMatchObject({
      Handler: 'functions/backup/handler.handler',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 900,
    });
    expect(fn.Environment.Variables).toMatchObject({
      ALERT_TOPIC_ARN: { Ref: 'AlertTopic' },
      RESULTS_TABLE: { Ref: 'ResultsTable' },
      EVENT_BUS_NAME: 'default',
      POLICIES_FILE: '.build/policies.compiled.json',
      POWERTOOLS_SERVICE_NAME: 'docdb-backup',
      POWERTOOLS_METRICS_NAMESPACE: METRICS.namespace,
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
  });

  it('keeps its logs, and the reconcile function’s, for 90 days', () => {
    const groups = ofType('AWS::Logs::LogGroup').map(([, group]) => group.Properties);

    expect(groups).toEqual([
      { LogGroupName: '/aws/lambda/docdb-backup-prod-backup', RetentionInDays: 90 },
      { LogGroupName: '/aws/lambda/docdb-backup-prod-reconcile', RetentionInDays: 90 },
    ]);
  });

  it('retries a failed invocation twice, then sends it to the encrypted dead-letter queue', () => {
    const [, config] = ofType('AWS::Lambda::EventInvokeConfig').find(
      ([, c]) => c.Properties.FunctionName?.Ref === 'BackupLambdaFunction',
    )!;

    expect(config.Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } } },
    });
    expect(resource('DeadLetterQueue').Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('zips only the ESM bundles and the policies the schedules were generated from, compiled', () => {
    expect(artifact.map((entry) => entry.name).sort()).toEqual([
      '.build/policies.compiled.json',
      'functions/backup/handler.mjs',
      'functions/reconcile/handler.mjs',
    ]);
    const packaged = JSON.parse(
      artifact
        .find((entry) => entry.name === '.build/policies.compiled.json')!
        .read()
        .toString('utf8'),
    );
    expect(packaged).toMatchObject({
      format: 'docdb-backup/compiled-policies',
      version: COMPILED_POLICIES_VERSION,
    });
    expect(packaged.policies).toEqual(policies);
    expect(packaged.reconcile).toEqual(policies.reconcile);
    expect(zipBytes).toBeLessThan(1_500_000);
  });

  it.each(['backup', 'reconcile'])(
    'bundles the AWS SDK into %s instead of importing the runtime’s copy, with a require() for its dynamic loads',
    (fn) => {
      const bundle = artifact
        .find((entry) => entry.name === `functions/${fn}/handler.mjs`)!
        .read()
        .toString('utf8');
      const sdkLoads = [...bundle.matchAll(/(?:from\s*|require\(|import\()["'](@aws-sdk\/[^"']+)["']/g)].map(
        (m) => m[1],
      );

      expect(bundle.startsWith(BANNER)).toBe(true);
      // Only the optional SigV4a signers remain, loaded in try/catch for multi-Region endpoints this code never uses.
      expect([...new Set(sdkLoads)].sort()).toEqual(['@aws-sdk/signature-v4-crt', '@aws-sdk/signature-v4a']);
    },
  );

  it('starts from the artifact alone and reads the packaged policy file', async () => {
    const run = await invokeArtifact(
      { policy: 'no-such-policy', time: '2026-11-28T03:00:00Z' },
      {
        ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:alerts',
        RESULTS_TABLE: 'results',
        AWS_REGION: 'us-east-1',
      },
    );

    expect(run.error?.name, run.stderr).toBe('InvalidEventError');
    for (const p of policies) expect(run.error?.message).toContain(p.name);
  });

  it('takes real snapshots over HTTP with the bundled SDK (local emulator)', async (context) => {
    const target = policies.find((p) => p.enabled && p.clusters.identifiers.length > 0);
    // A policy file that selects clusters by tag only has nothing to seed by name.
    if (!target) return context.skip();
    const { identifiers } = target.clusters;
    const emu = await startEmulator({ port: 0 });
    try {
      const provisioned = await provisionService(emu);
      const clusters = identifiers.map((id) => ({ id }));
      emu.seed({ regions: Object.fromEntries(target.regions.map((region) => [region, { clusters }])) });

      const run = await invokeArtifact(
        { policy: target.name, time: '2026-11-28T03:00:00Z' },
        provisioned.env,
      );

      const expected = target.regions.length * identifiers.length;
      expect(run.result, run.stderr).toMatchObject({
        policy: target.name,
        counts: { created: expected, failed: 0 },
      });
      for (const region of target.regions) {
        const snapshots = emu.state().accounts['123456789012']?.regions[region]?.snapshots ?? [];
        for (const id of identifiers)
          expect(snapshots.map((snapshot) => snapshot.id)).toContain(
            snapshotIdFor(target.snapshot.prefix, id, new Date('2026-11-28T03:00:00Z')),
          );
      }
    } finally {
      await emu.stop();
    }
  });
});

describe('serverless package: the reconcile function', () => {
  const statements = () =>
    resource('ReconcileFunctionRole').Properties.Policies.flatMap(
      (p: { PolicyDocument: { Statement: Record<string, Json>[] } }) => p.PolicyDocument.Statement,
    ) as { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Json> }[];
  const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
  const actions = () => statements().flatMap((s) => list(s.Action));
  const interval = () => longestIntervalSeconds(policies.reconcile.schedule, new Date());

  it('runs the bundled pass with the backup function’s runtime and environment, its own role, five minutes at most', () => {
    const fn = resource('ReconcileLambdaFunction').Properties;
    const backup = resource('BackupLambdaFunction').Properties;

    expect(fn).toMatchObject({
      Handler: 'functions/reconcile/handler.handler',
      Runtime: backup.Runtime,
      Architectures: backup.Architectures,
      MemorySize: backup.MemorySize,
      Timeout: 300,
      Role: { 'Fn::GetAtt': ['ReconcileFunctionRole', 'Arn'] },
    });
    expect(fn.Environment).toEqual(backup.Environment);
    expect(fn.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('retries a failed pass once, then sends it to the dead-letter queue', () => {
    const [, config] = ofType('AWS::Lambda::EventInvokeConfig').find(
      ([, c]) => c.Properties.FunctionName?.Ref === 'ReconcileLambdaFunction',
    )!;

    expect(config.Properties).toMatchObject({
      MaximumRetryAttempts: 1,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } } },
    });
  });

  it('runs on the policy file’s reconcile schedule, sending {}, with its dead letters allowed into the queue', () => {
    const rule = resource('ReconcileRule').Properties;

    expect(rule).toMatchObject({
      Name: 'docdb-backup-prod-reconcile',
      ScheduleExpression: policies.reconcile.schedule,
      State: 'ENABLED',
    });
    expect(rule.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': ['ReconcileLambdaFunction', 'Arn'] },
        Input: '{}',
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } },
      }),
    ]);
    const [allow] = resource('DeadLetterQueuePolicy').Properties.PolicyDocument.Statement;
    expect(list(allow.Condition.ArnLike['aws:SourceArn']).map(arnText)).toContain(
      'arn:aws:events:us-east-1:123456789012:rule/docdb-backup-prod-reconcile',
    );
  });

  it('may follow jobs (Query on the table’s indexes and its note of the policies with jobs), move them, record deletions and page, nothing of a run’s', () => {
    const byAction = (action: string) =>
      statements()
        .filter((s) => list(s.Action).includes(action))
        .flatMap((s) => list(s.Resource).map(arnText));

    expect(byAction('dynamodb:Query').sort()).toEqual(
      [`\${ResultsTable.Arn}/index/*`, JSON.stringify({ 'Fn::GetAtt': ['ResultsTable', 'Arn'] })].sort(),
    );
    expect(byAction('dynamodb:DeleteItem')).toEqual([
      JSON.stringify({ 'Fn::GetAtt': ['ResultsTable', 'Arn'] }),
    ]);
    expect(byAction('dynamodb:UpdateItem')).toEqual([
      JSON.stringify({ 'Fn::GetAtt': ['ResultsTable', 'Arn'] }),
    ]);
    expect(byAction('dynamodb:PutItem')).toEqual([JSON.stringify({ 'Fn::GetAtt': ['ResultsTable', 'Arn'] })]);
    // No run results (BatchWriteItem) and no run alert claims (GetItem): only the backup function writes those.
    expect(actions()).not.toContain('dynamodb:BatchWriteItem');
    expect(actions()).not.toContain('dynamodb:GetItem');
    expect(new Set(actions())).toEqual(
      new Set([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'rds:DescribeDBClusters',
        'rds:ListTagsForResource',
        'rds:CreateDBClusterSnapshot',
        'rds:AddTagsToResource',
        'rds:DescribeDBClusterSnapshots',
        'rds:DeleteDBClusterSnapshot',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:Query',
        'dynamodb:DeleteItem',
        'events:PutEvents',
        'sns:Publish',
        'kms:GenerateDataKey',
        'kms:Decrypt',
        'sqs:SendMessage',
      ]),
    );
  });

  it('writes only its own log group, and deletes only each policy’s own tagged snapshots', () => {
    const logs = statements().find((s) => s.Sid === 'Logs')!;
    expect(list(logs.Resource).map(arnText)).toEqual([
      'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/docdb-backup-prod-reconcile:*',
      'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/docdb-backup-prod-reconcile:*:*',
    ]);
    const deletes = statements().filter((s) => list(s.Action).includes('rds:DeleteDBClusterSnapshot'));
    expect(deletes.length).toBe(policies.filter((p) => p.retention).length);
    for (const statement of deletes)
      expect(Object.keys(statement.Condition?.StringEquals ?? {}).sort()).toEqual([
        'aws:ResourceTag/docdb-backup:managed-by',
        'aws:ResourceTag/docdb-backup:policy',
      ]);
  });

  it('pages on a failed pass', () => {
    expect(resource('ReconcileFunctionErrorsAlarm').Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'ReconcileLambdaFunction' } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: 'AlertTopic' }],
    });
  });

  it('pages when no pass reports OpenJobs for three reconcile intervals: the reconciler stopped', () => {
    const alarm = resource('ReconcileStoppedAlarm').Properties;

    expect(alarm).toMatchObject({
      Namespace: METRICS.namespace,
      MetricName: RECONCILE_METRIC_NAMES.openJobs,
      Dimensions: [{ Name: 'service', Value: METRICS.service }],
      Statistic: 'SampleCount',
      Period: Math.ceil(interval() / 60) * 60,
      EvaluationPeriods: 3,
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: 'AlertTopic' }],
    });
  });

  it('pages when a job stays open longer than the longest windows of the policies plus one interval', () => {
    const longest = Math.max(
      ...policies.map((p) => (p.windows.startMinutes + p.windows.completionMinutes) * 60),
    );

    expect(resource('ReconcileStuckJobAlarm').Properties).toMatchObject({
      Namespace: METRICS.namespace,
      MetricName: RECONCILE_METRIC_NAMES.oldestOpenJobAge,
      Dimensions: [{ Name: 'service', Value: METRICS.service }],
      Statistic: 'Maximum',
      Threshold: longest + interval(),
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: 'AlertTopic' }],
    });
  });

  it('starts from the artifact alone and refuses a backup event', async () => {
    const run = await invokeArtifact(
      { policy: 'nightly-prod', time: '2026-11-28T03:00:00Z' },
      {
        ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:alerts',
        RESULTS_TABLE: 'results',
        AWS_REGION: 'us-east-1',
      },
      'reconcile',
    );

    expect(run.error?.name, run.stderr).toBe('InvalidReconcileEventError');
  });

  it('runs a pass over HTTP with the bundled SDK (local emulator): nothing open', async () => {
    const emu = await startEmulator({ port: 0 });
    try {
      const provisioned = await provisionService(emu);

      const run = await invokeArtifact({}, provisioned.env, 'reconcile');

      expect(run.result, run.stderr).toMatchObject({ open: 0, transitions: [], eventsFailed: 0 });
    } finally {
      await emu.stop();
    }
  });
});

describe('serverless package: schedules from config/policies.yml', () => {
  const inUtc = () => policies.filter((p) => p.timezone === undefined);
  const zoned = () => policies.filter((p) => p.timezone !== undefined);

  it('creates one rule per UTC policy, named <service>-<stage>.<policy>, with its expression and state', () => {
    const rules = ofType('AWS::Events::Rule')
      .map(([, rule]) => rule.Properties)
      .filter((rule) => rule.Name !== 'docdb-backup-prod-reconcile');

    expect(inUtc().length).toBeGreaterThan(0);
    expect(rules).toHaveLength(inUtc().length);
    for (const p of inUtc()) {
      const rule = rules.find((r) => r.Name === `docdb-backup-prod.${p.name}`);
      expect(rule, p.name).toBeDefined();
      expect(rule!.ScheduleExpression).toBe(p.schedule);
      expect(rule!.State).toBe(p.enabled ? 'ENABLED' : 'DISABLED');
      expect(rule!.Targets).toHaveLength(1);
      expect(rule!.Targets[0]).toMatchObject({
        Arn: { 'Fn::GetAtt': ['BackupLambdaFunction', 'Arn'] },
        InputTransformer: {
          InputPathsMap: { time: '$.time' },
          InputTemplate: `{"policy": "${p.name}", "time": <time>}`,
        },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } },
      });
    }
  });

  it('lets each rule, and only that rule, invoke the function it targets', () => {
    const rules = ofType('AWS::Events::Rule');
    const sources = ofType('AWS::Lambda::Permission').map(([, p]) => p.Properties);

    expect(sources.map((p) => [p.SourceArn, p.FunctionName])).toEqual(
      rules.map(([id, rule]) => [{ 'Fn::GetAtt': [id, 'Arn'] }, rule.Properties.Targets[0].Arn]),
    );
    for (const p of sources)
      expect(p).toMatchObject({ Principal: 'events.amazonaws.com', Action: 'lambda:InvokeFunction' });
  });

  it('creates an EventBridge Scheduler schedule per policy with a time zone, in the stack’s group, in that zone', () => {
    const schedules = ofType('AWS::Scheduler::Schedule').map(([, s]) => s.Properties);
    const rule = ofType('AWS::Events::Rule')[0]![1].Properties.Targets[0];

    expect(zoned().length).toBeGreaterThan(0);
    expect(schedules).toHaveLength(zoned().length);
    for (const p of zoned()) {
      const schedule = schedules.find((s) => s.Name === `docdb-backup-prod.${p.name}`);
      expect(schedule, p.name).toEqual({
        Name: `docdb-backup-prod.${p.name}`,
        GroupName: { Ref: 'ScheduleGroup' },
        Description: expect.any(String),
        ScheduleExpression: p.schedule,
        ScheduleExpressionTimezone: p.timezone,
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: p.enabled ? 'ENABLED' : 'DISABLED',
        Target: {
          Arn: { 'Fn::GetAtt': ['BackupLambdaFunction', 'Arn'] },
          RoleArn: { 'Fn::GetAtt': ['SchedulerExecutionRole', 'Arn'] },
          Input: `{"policy": "${p.name}", "time": "<aws.scheduler.scheduled-time>"}`,
          RetryPolicy: rule.RetryPolicy,
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } },
        },
      });
    }
    expect(resource('ScheduleGroup')).toMatchObject({
      Type: 'AWS::Scheduler::ScheduleGroup',
      Properties: { Name: 'docdb-backup-prod' },
    });
  });

  it('gives Scheduler a role of this account that may invoke only the function and send only to the dead-letter queue', () => {
    const role = resource('SchedulerExecutionRole');
    const statements = role.Properties.Policies.flatMap(
      (p: { PolicyDocument: { Statement: Json[] } }) => p.PolicyDocument.Statement,
    );

    expect(role.Type).toBe('AWS::IAM::Role');
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    expect(statements.map((s: Json) => [s.Action, s.Resource])).toEqual([
      ['lambda:InvokeFunction', { 'Fn::GetAtt': ['BackupLambdaFunction', 'Arn'] }],
      ['sqs:SendMessage', { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }],
    ]);
  });

  it('packages the zone with the compiled policies, and the function runs a zoned policy from its Scheduler input', async () => {
    const target = zoned()[0]!;
    const compiled = JSON.parse(
      artifact
        .find((entry) => entry.name === '.build/policies.compiled.json')!
        .read()
        .toString('utf8'),
    );
    const input = ofType('AWS::Scheduler::Schedule')
      .map(([, s]) => s.Properties)
      .find((s) => s.Name === `docdb-backup-prod.${target.name}`)!.Target.Input as string;

    const run = await invokeArtifact(
      JSON.parse(input.replace('<aws.scheduler.scheduled-time>', '2999-01-01T00:00:00Z')),
      {
        ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:alerts',
        RESULTS_TABLE: 'results',
        AWS_REGION: 'us-east-1',
      },
    );

    expect(compiled.policies.find((p: ResolvedPolicy) => p.name === target.name).timezone).toBe(
      target.timezone,
    );
    // Parsed as the rules' events are: a slot far ahead of the clock is refused before any AWS call.
    expect(run.error?.name, run.stderr).toBe('InvalidEventError');
    expect(run.error?.message).toMatch(
      /^"time": the slot 2999-01-01T00:00:00.000Z is \d+ minutes ahead of the clock/,
    );
  });
});

describe('serverless package: least-privilege IAM', () => {
  const statements = () =>
    resource('BackupFunctionRole').Properties.Policies.flatMap(
      (p: { PolicyDocument: { Statement: Record<string, Json>[] } }) => p.PolicyDocument.Statement,
    ) as { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Json> }[];
  const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

  it('runs the function with its own generated role, and creates no shared default role', () => {
    expect(resource('BackupLambdaFunction').Properties.Role).toEqual({
      'Fn::GetAtt': ['BackupFunctionRole', 'Arn'],
    });
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
    expect(
      ofType('AWS::IAM::Role')
        .map(([id]) => id)
        .sort(),
    ).toEqual(
      [
        'BackupFunctionRole',
        'ReconcileFunctionRole',
        ...(policies.some((p) => p.timezone !== undefined) ? ['SchedulerExecutionRole'] : []),
      ].sort(),
    );
  });

  it('lets the function write only its own log group', () => {
    const logs = statements().find((s) => s.Sid === 'Logs')!;

    expect(list(logs.Action)).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(list(logs.Resource).map(arnText)).toEqual([
      'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/docdb-backup-prod-backup:*',
      'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/docdb-backup-prod-backup:*:*',
    ]);
  });

  it('grants no wildcard action and no unscoped resource', () => {
    for (const statement of statements()) {
      for (const action of list(statement.Action)) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
      for (const arn of list(statement.Resource)) expect(arnText(arn)).not.toBe('*');
    }
  });

  it('limits DocumentDB access to the Regions the policies name', () => {
    const regions = new Set(policies.flatMap((p) => p.regions));
    const rdsArns = statements()
      .flatMap((s) => list(s.Resource))
      .map(arnText)
      .filter((arn) => arn.includes(':rds:'));

    expect(rdsArns.length).toBeGreaterThan(0);
    for (const arn of rdsArns) expect(regions).toContain(/:rds:([a-z0-9-]+):/.exec(arn)?.[1]);
  });

  it('creates and tags snapshots only under the policies’ prefixes', () => {
    const own = statements().find((s) => s.Sid === 'OwnClusterSnapshots')!;
    const prefixes = new Set(policies.map((p) => `${p.snapshot.prefix}-*`));

    expect(list(own.Action)).toEqual(['rds:CreateDBClusterSnapshot', 'rds:AddTagsToResource']);
    for (const arn of list(own.Resource).map(arnText))
      expect(prefixes).toContain(arn.split(':cluster-snapshot:')[1]);
  });

  it('conditions every snapshot delete on the ownership tag and the policy tag, one statement per policy', () => {
    const deletes = statements().filter((s) => list(s.Action).some((a) => /^rds:Delete/.test(a)));

    expect(deletes.length).toBe(policies.filter((p) => p.retention).length);
    for (const statement of deletes) {
      const owner = policies.find((p) =>
        list(statement.Resource)
          .map(arnText)
          .every((arn) => arn.endsWith(`:cluster-snapshot:${p.snapshot.prefix}-*`)),
      );
      expect(statement.Condition).toEqual({
        StringEquals: {
          'aws:ResourceTag/docdb-backup:managed-by': 'docdb-backup',
          'aws:ResourceTag/docdb-backup:policy': owner?.name,
        },
      });
    }
  });

  it('scopes the table, topic, bus, key and queue to this stack', () => {
    const byResource = statements().map((s) => [list(s.Action), list(s.Resource).map(arnText)] as const);
    const resourcesOf = (action: string) =>
      byResource.filter(([actions]) => actions.includes(action)).flatMap(([, r]) => r);

    expect(resourcesOf('dynamodb:PutItem')).toEqual([
      JSON.stringify({ 'Fn::GetAtt': ['ResultsTable', 'Arn'] }),
    ]);
    expect(resourcesOf('sns:Publish')).toEqual([JSON.stringify({ Ref: 'AlertTopic' })]);
    expect(resourcesOf('events:PutEvents')).toEqual([
      'arn:aws:events:us-east-1:123456789012:event-bus/default',
    ]);
    expect(resourcesOf('kms:GenerateDataKey')).toEqual([
      JSON.stringify({ 'Fn::GetAtt': ['AlertTopicKey', 'Arn'] }),
    ]);
    expect(resourcesOf('sqs:SendMessage')).toEqual([
      JSON.stringify({ 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }),
    ]);
  });
});

describe('serverless package: alarms, alerts and records', () => {
  it('has a no-snapshot alarm per enabled policy within CloudWatch’s seven-day window', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);

    for (const p of policies.filter((x) => x.enabled)) {
      const alarm = alarms.find((a) => a.AlarmName === `docdb-backup-prod-${p.name}-no-snapshot`);
      expect(alarm, p.name).toBeDefined();
      expect(alarm!.AlarmActions).toEqual([{ Ref: 'AlertTopic' }]);
      const stats = alarm!.Metrics.filter((m: { MetricStat?: unknown }) => m.MetricStat);
      expect(
        stats.map((m: { MetricStat: { Metric: { MetricName: string } } }) => m.MetricStat.Metric.MetricName),
      ).toEqual(['SnapshotsCreated', 'SnapshotsAlreadyExisting']);
      for (const m of stats)
        expect(m.MetricStat.Period * alarm!.EvaluationPeriods).toBeLessThanOrEqual(604_800);
    }
    expect(alarms.filter((a) => /-no-snapshot$/.test(a.AlarmName))).toHaveLength(
      policies.filter((p) => p.enabled).length,
    );
  });

  it('pages on function errors and on dead letters', () => {
    expect(resource('FunctionErrorsAlarm').Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'BackupLambdaFunction' } }],
      AlarmActions: [{ Ref: 'AlertTopic' }],
    });
    expect(resource('DeadLetterQueueAlarm').Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] } }],
      AlarmActions: [{ Ref: 'AlertTopic' }],
    });
  });

  it('encrypts the alert topic with a key CloudWatch alarms may use, and subscribes config/deploy.yml’s endpoints', () => {
    expect(resource('AlertTopic').Properties.KmsMasterKeyId).toEqual({ Ref: 'AlertTopicKey' });
    const key = resource('AlertTopicKey').Properties;
    expect(key.EnableKeyRotation).toBe(true);
    expect(key.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({ Principal: { Service: 'cloudwatch.amazonaws.com' } }),
    );
    const subscriptions = ofType('AWS::SNS::Subscription').map(([, s]) => s.Properties);
    expect(subscriptions).toEqual([
      { TopicArn: { Ref: 'AlertTopic' }, Protocol: 'email', Endpoint: 'oncall@example.com' },
      {
        TopicArn: { Ref: 'AlertTopic' },
        Protocol: 'https',
        Endpoint: 'https://hooks.example.com/docdb-backup',
      },
      // A dynamic reference: CloudFormation resolves it at deploy time; the URL is never in the template.
      {
        TopicArn: { Ref: 'AlertTopic' },
        Protocol: 'https',
        Endpoint: '{{resolve:ssm:/docdb-backup/pagerduty-url}}',
      },
    ]);
  });

  it('has the dashboard: a widget per policy, per Region of the policies, and the reconciler', () => {
    const dashboard = resource('Dashboard').Properties;
    const body = JSON.parse(dashboard.DashboardBody['Fn::Sub']);
    const titles: string[] = body.widgets.map((w: Json) => w.properties.title).filter(Boolean);
    const regions = [...new Set(policies.flatMap((p) => p.regions))].sort();

    expect(dashboard.DashboardName).toBe('docdb-backup-prod');
    for (const p of policies)
      expect(titles).toContainEqual(
        expect.stringMatching(new RegExp(`^${p.name}( \\(disabled\\))?: snapshots per run$`)),
      );
    for (const region of regions)
      expect(titles).toContain(`${region}: manual snapshots (all engines) against the quota`);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Open jobs',
        'Oldest open job (seconds)',
        'Snapshot completion time (seconds)',
        'Jobs failed',
      ]),
    );
    const metricNames = body.widgets.flatMap((w: Json) =>
      (w.properties.metrics ?? []).map((m: Json[]) => m[1]),
    );
    for (const name of [
      METRICS.succeeded[0],
      RECONCILE_METRIC_NAMES.openJobs,
      RECONCILE_METRIC_NAMES.completionLatency,
    ])
      expect(metricNames).toContain(name);
  });

  it('pages per Region (not per policy) when manual snapshots reach quota.warnAtPercent', () => {
    const regions = [...new Set(policies.flatMap((p) => p.regions))].sort();
    const alarms = ofType('AWS::CloudWatch::Alarm').filter(([id]) => /^Quota.*Alarm$/.test(id));

    expect(alarms.map(([, a]) => a.Properties.AlarmName).sort()).toEqual(
      regions.map((region) => `docdb-backup-prod-quota-${region}`),
    );
    for (const [, alarm] of alarms) {
      expect(alarm.Properties.Threshold).toBe(policies[0]!.quota.warnAtPercent);
      expect(alarm.Properties.Metrics[0].Expression).toBe('100 * used / quota');
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: 'AlertTopic' }]);
    }
  });

  it('records results in an on-demand table with TTL, point-in-time recovery and encryption', () => {
    const table = resource('ResultsTable');

    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    // The keys and the open-jobs index the code reads and writes (and the emulator creates) are deployed.
    const { KeySchema, AttributeDefinitions, GlobalSecondaryIndexes } = table.Properties;
    expect({ KeySchema, AttributeDefinitions, GlobalSecondaryIndexes }).toEqual(RESULTS_TABLE_KEYS);
  });

  it('archives the result events of the default bus for 90 days', () => {
    const [[, archive] = []] = ofType('AWS::Events::Archive');

    expect(arnText(archive?.Properties.SourceArn)).toBe(
      'arn:aws:events:us-east-1:123456789012:event-bus/default',
    );
    expect(archive?.Properties).toMatchObject({
      EventPattern: {
        source: ['docdb-backup'],
        'detail-type': ['DocumentDB Snapshot Result', 'DocumentDB Snapshot Deleted'],
      },
      RetentionDays: 90,
    });
  });
});

describe('serverless package: an invalid policy file', () => {
  it('fails the package with the validator’s own message', () => {
    expect(broken.status).not.toBe(0);
    expect(broken.status).not.toBe(124); // not the timeout
    expect(broken.expected.length).toBeGreaterThanOrEqual(2);
    for (const line of broken.expected) expect(broken.output).toContain(line);
  });
});
