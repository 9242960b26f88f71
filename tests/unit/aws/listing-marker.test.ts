// Seam: the DocumentDB adapter's pagination stops on a marker that does not move instead of asking for the
// same page forever. (Regression test from review.)
import { DescribeDBClusterSnapshotsCommand } from '@aws-sdk/client-docdb';
import { describe, expect, it } from 'vitest';
import { mockedAws } from '../../support/fakes.js';

describe('a listing whose Marker does not move', () => {
  it('stops instead of asking for the same page forever (no signal: the CLI)', async () => {
    const aws = mockedAws();
    let calls = 0;
    aws.docdb['us-east-1']?.on(DescribeDBClusterSnapshotsCommand).callsFake(async () => {
      calls++;
      if (calls > 50) throw new Error('looped: the same marker was asked for 50 times');
      return {
        DBClusterSnapshots: [
          { DBClusterSnapshotIdentifier: 'nightly-orders-20261128-0300', DBClusterIdentifier: 'orders' },
        ],
        Marker: 'm1',
      };
    });
    const out = aws.deps.docdb.listManualSnapshots({ region: 'us-east-1' });
    await expect(
      out.then(
        (s) => s.length,
        (e: Error) => e.message,
      ),
    ).resolves.not.toMatch(/looped/);
  });
});
