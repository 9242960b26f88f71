// Seam (found in review, now a regression test): "calls still in flight at the cutoff are aborted" does not
// hold for the listing calls. The adapter's paginated calls (docdb.listClusters, listManualSnapshots,
// listClusterSnapshots) never pass the abort signal to the SDK (paginateDescribeDBClusters(config, input)
// with no `{ abortSignal }`), so a slow DescribeDBClusters or DescribeDBClusterSnapshots runs through the
// 15 s reserve and past the deadline: in Lambda the function is killed before it records anything or pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  nightlyPolicyFile,
  recordedResults,
  resetWorld,
  runPolicy,
  startWorld,
  type World,
} from './support.js';

const FILE = nightlyPolicyFile();
const realClock = {
  now: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
};

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world.emu.stop();
});

describe('a listing call in flight at the cutoff', () => {
  it.each(['rds:DescribeDBClusters', 'rds:DescribeDBClusterSnapshots'])(
    '%s is cut off at the cutoff, and the run records and pages before its deadline',
    { timeout: 40_000 },
    async (action) => {
      await resetWorld(world, { regions: { 'us-east-1': { clusters: [{ id: 'orders' }] } } });
      world.emu.setFaults({ actions: { [action]: { latencyMs: 25_000 } } });
      const started = Date.now();
      // 17 s left: 2 s of work phase, 15 s reserved for reporting.
      const run = runPolicy(
        world,
        FILE,
        { policy: 'nightly', time: '2026-11-28T03:00:00Z' },
        {
          remainingMs: 17_000,
          clock: realClock,
        },
      ).then(
        (r) => r.result,
        (error: Error) => error,
      );
      const outcome = await run;
      expect(Date.now() - started).toBeLessThan(17_000);
      // Cutting off the only Region's listing makes the run itself fail (after recording and paging) so
      // that Lambda retries it; cutting off the quota listing leaves a result.
      if (outcome instanceof Error)
        expect(outcome.message).toMatch(/no Region of policy "nightly" could be read/);
      const recorded = (await recordedResults(world)).filter((r) => r.pk?.startsWith('us-east-1#'));
      expect(recorded).toHaveLength(1);
      expect(world.emu.publishedMessages()).toHaveLength(action === 'rds:DescribeDBClusters' ? 1 : 0);
    },
  );
});
