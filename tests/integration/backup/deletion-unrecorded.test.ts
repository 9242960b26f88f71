// Seam: no deletion the table does not know of: during a DynamoDB outage retention writes its `deleting`
// record first or deletes nothing. (Regression test from review.)
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { RunFailedError } from '../../../shared/backup/errors.js';
import { fakeClock } from '../../support/fakes.js';
import {
  nightlyPolicyFile,
  ordersFleet,
  ourNightly,
  recordedResults,
  resetWorld,
  runPolicy,
  snapshotsIn,
  useWorld,
} from './support.js';

const FILE = nightlyPolicyFile({ policyLines: '    retention: { keepLast: 1 }' });
const EVENT = { policy: 'nightly', time: '2026-11-28T03:00:00Z' };

const world = useWorld();

describe('deletions while DynamoDB refuses writes', () => {
  it('are recorded by the time the slot succeeds (or not made)', { timeout: 30_000 }, async () => {
    await resetWorld(
      world,
      ordersFleet({ snapshots: [ourNightly(24), ourNightly(25), ourNightly(26), ourNightly(27)] }),
    );
    world.emu.setFaults({
      actions: {
        'dynamodb:PutItem': { serverErrorRate: 1 },
        'dynamodb:BatchWriteItem': { serverErrorRate: 1 },
      },
    });
    const clock = () => fakeClock(Date.parse('2026-11-28T03:00:05Z'));
    await expect(runPolicy(world, FILE, EVENT, { clock: clock() })).rejects.toThrow(RunFailedError);
    const deleted = ['24', '25', '26', '27']
      .map((d) => `nightly-orders-202611${d}-0300`)
      .filter((id) => !snapshotsIn(world, 'us-east-1').some((s) => s.id === id));
    // Let the SDK's own retries of the writes run out (record() gives up on the first failure while the
    // other writes are still being retried).
    await sleep(10_000); // at most 5 retries × ≤3.2 s of backoff
    world.emu.setFaults({});
    await runPolicy(world, FILE, EVENT, { clock: clock() }); // Lambda's retry
    const recorded = (await recordedResults(world))
      .filter((r) => r.pk === 'us-east-1#orders#deletions' && r.outcome === 'deleted')
      .map((r) => r.snapshotId);
    expect(deleted.filter((id) => !recorded.includes(id))).toEqual([]);
  });
});
