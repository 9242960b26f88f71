// Seam: the Lambda entry over a container's wiring (functions/common/entry.ts) as Lambda calls it — middy,
// Powertools Logger and Metrics writing to the process's stdout and stderr — when an invocation fails.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lambdaEntry } from '../../../functions/common/entry.js';
import { METRICS } from '../../../shared/metrics.js';

function context(): Context {
  return {
    functionName: 'docdb-backup-test-backup',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:docdb-backup-test-backup',
    memoryLimitInMB: '256',
    awsRequestId: 'req-1',
    logGroupName: '/aws/lambda/docdb-backup-test-backup',
    logStreamName: 'stream',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const stdout: string[] = [];
const stderr: string[] = [];

beforeEach(() => {
  stdout.length = 0;
  stderr.length = 0;
  // An unusable environment: the container's wiring fails, as with a deploy that lost a variable.
  vi.stubEnv('ALERT_TOPIC_ARN', '');
  vi.stubEnv('RESULTS_TABLE', '');
  vi.stubEnv('POWERTOOLS_DEV', 'false');
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

function emfRecords(): Record<string, unknown>[] {
  return stdout
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('lambda entry', () => {
  it('counts a failed invocation as InvocationsFailed and prints no "No application metrics" warning', async () => {
    // Prepare
    const logger = new Logger({ serviceName: METRICS.service });
    const metrics = new Metrics({ namespace: METRICS.namespace, serviceName: METRICS.service });
    const run = vi.fn(async () => 'never');
    const handler = lambdaEntry(logger, metrics, run);

    // Act
    const invocation = handler({}, context());

    // Assess
    await expect(invocation).rejects.toThrow(/ALERT_TOPIC_ARN must be an SNS topic ARN/);
    expect(run).not.toHaveBeenCalled();
    const output = [...stdout, ...stderr].join('');
    expect(output).not.toContain('No application metrics to publish');
    expect(emfRecords()).toEqual([
      expect.objectContaining({ service: METRICS.service, [METRICS.invocationsFailed]: 1 }),
    ]);
  });

  it('counts each failed invocation once (the wiring is tried again on the next one)', async () => {
    // Prepare
    vi.stubEnv('ALERT_TOPIC_ARN', 'arn:aws:sns:us-east-1:123456789012:alerts');
    vi.stubEnv('RESULTS_TABLE', 'results');
    vi.stubEnv('POLICIES_FILE', '/nonexistent/docdb-backup/policies.compiled.json');
    const logger = new Logger({ serviceName: METRICS.service });
    const metrics = new Metrics({ namespace: METRICS.namespace, serviceName: METRICS.service });
    const handler = lambdaEntry(logger, metrics, async () => 'never');

    // Act, Assess: the compiled policy file is missing, so the wiring fails; a second invocation too.
    await expect(handler({}, context())).rejects.toThrow(/cannot read the compiled policy file/);
    await expect(handler({}, context())).rejects.toThrow(/cannot read the compiled policy file/);
    expect([...stdout, ...stderr].join('')).not.toContain('No application metrics');
    expect(emfRecords().map((r) => r[METRICS.invocationsFailed])).toEqual([1, 1]);
  });
});
