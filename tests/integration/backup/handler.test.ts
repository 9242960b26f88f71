// Seam: the deployed entry point itself (functions/backup/handler.ts `handler`, middy + Powertools) as
// Lambda invokes it with EventBridge's raw Scheduled Event, configured only through the environment.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { compilePolicyFile } from '../../../shared/policy/compile.js';
import { tempFolder } from '../../support/temp-folders.js';
import { snapshotsIn, useWorld } from './support.js';

const world = useWorld();

beforeAll(async () => {
  world.emu.seed({ regions: { 'eu-west-1': { clusters: [{ id: 'orders-eu' }] } } });
  const dir = tempFolder('it');
  writeFileSync(
    join(dir, 'policies.yml'),
    'version: 1\npolicies:\n  - name: nightly-eu\n    schedule: cron(0 3 * * ? *)\n    regions: [eu-west-1]\n    clusters: { identifiers: [orders-eu] }\n',
  );
  await compilePolicyFile(join(dir, 'policies.yml'), join(dir, 'policies.compiled.json'));
  for (const [key, value] of Object.entries({
    ...world.service.env,
    POLICIES_FILE: join(dir, 'policies.compiled.json'),
  })) {
    vi.stubEnv(key, value);
  }
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

afterAll(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('the Lambda entry point on the emulator', () => {
  it('runs the policy named by the rule of a raw Scheduled Event', async () => {
    const { handler } = await import('../../../functions/backup/handler.js');
    const context = { getRemainingTimeInMillis: () => 300_000, awsRequestId: 'r1' } as unknown as Context;
    const result = await handler(
      {
        version: '0',
        id: 'e1',
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '123456789012',
        time: '2026-11-28T03:00:00Z',
        region: 'us-east-1',
        resources: ['arn:aws:events:us-east-1:123456789012:rule/docdb-backup-prod.nightly-eu'],
        detail: {},
      },
      context,
    );
    expect(result.counts).toEqual({ created: 1, 'already-exists': 0, pending: 0, failed: 0, skipped: 0 });
    expect(snapshotsIn(world, 'eu-west-1').map((s) => s.id)).toEqual(['nightly-eu-orders-eu-20261128-0300']);
  });
});
