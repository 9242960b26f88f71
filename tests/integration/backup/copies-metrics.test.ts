// The per-destination copy metrics of the reconcile function, as CloudWatch gets them (EMF on stdout):
// CopiesCompleted and CopiesFailed each carry the `destination` dimension (Powertools' single metric
// forgets its dimensions once it publishes, so each metric is its own). Found by a hostile review.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hourlyPolicyFile, lifecycleWorld, reconcilePass, runPolicy, useWorld } from './support.js';

const OWN = '123456789012';
const MINUTE = 60_000;

interface Emf {
  _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}

/** The EMF lines written to stdout while `run` runs. */
async function emfDuring(run: () => Promise<unknown>): Promise<Emf[]> {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown, ...rest: unknown[]) => {
    lines.push(String(chunk));
    return write(chunk as string, ...(rest as []));
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.startsWith('{"_aws"'))
    .map((line) => JSON.parse(line) as Emf);
}

describe('copy metrics per destination', () => {
  const world = useWorld();
  afterEach(() => vi.restoreAllMocks());

  it('publishes CopiesFailed with the destination dimension', async () => {
    // Encrypted source, no destination key: the copy to us-west-2 fails (kms-misconfigured) in the pass.
    const lifecycle = await lifecycleWorld(world, {
      regions: {
        'us-east-1': {
          clusters: [
            {
              id: 'orders',
              encrypted: true,
              kmsKeyId: `arn:aws:kms:us-east-1:${OWN}:key/0000aaaa-0000-4000-8000-000000000001`,
            },
          ],
          kmsKeys: [{ id: '0000aaaa-0000-4000-8000-000000000001' }],
        },
      },
    });
    world.emu.setFaults({ clusters: { orders: { snapshotAvailableAfterMs: MINUTE } } });
    const policies = hourlyPolicyFile(`    copies:
      - region: us-west-2
`);
    await runPolicy(world, policies, lifecycle.event, { clock: lifecycle.clock });
    lifecycle.advance(2 * MINUTE);
    let failedMoves = 0;
    const emf = await emfDuring(async () => {
      const { result } = await reconcilePass(world, policies, { clock: lifecycle.clock });
      failedMoves = result.copies.transitions.filter((t) => t.to === 'failed').length;
    });
    expect(failedMoves).toBe(1);

    const failed = emf.filter((line) =>
      line._aws.CloudWatchMetrics.some((m) => m.Metrics.some((metric) => metric.Name === 'CopiesFailed')),
    );
    expect(failed.length).toBeGreaterThan(0);
    for (const line of failed) {
      expect(line._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'destination']]);
      expect(line.destination).toBe('us-west-2');
      expect(line.CopiesFailed).toBe(1);
    }
  }, 30_000);
});
