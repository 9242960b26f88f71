// Seam: listing calls in flight at the work cutoff are aborted (the adapter's pages carry the signal), so
// the run records and pages before its deadline. (Regression test from review.)
import { describe, expect, it } from 'vitest';
import {
  nightlyPolicyFile,
  ordersFleet,
  recordedResults,
  resetWorld,
  runPolicy,
  useWorld,
} from './support.js';

const FILE = nightlyPolicyFile();
const realClock = {
  now: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
};

const world = useWorld();

describe('a listing call in flight at the cutoff', () => {
  it.each(['rds:DescribeDBClusters', 'rds:DescribeDBClusterSnapshots'])(
    '%s is cut off at the cutoff, and the run records and pages before its deadline',
    { timeout: 40_000 },
    async (action) => {
      await resetWorld(world, ordersFleet());
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
