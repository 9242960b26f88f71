// Seam: cluster selection and snapshot tags (shared/planning) — pure functions over plain data.
import { describe, expect, it } from 'vitest';
import { type ClusterInfo, selectClusters } from '../../../shared/planning/selection.js';
import { buildSnapshotTags } from '../../../shared/planning/tags.js';

function cluster(id: string, tags?: Record<string, string>): ClusterInfo {
  return { id, arn: `arn:aws:rds:us-east-1:123456789012:cluster:${id}`, status: 'available', tags };
}

const slot = new Date('2026-11-28T03:00:00Z');

describe('selection', () => {
  it('selects explicit identifiers and reports the missing ones', () => {
    const result = selectClusters({ identifiers: ['orders', 'ghost'], tags: {}, exclude: [] }, [
      cluster('orders'),
      cluster('billing'),
    ]);
    expect(result.selected.map((c) => c.id)).toEqual(['orders']);
    expect(result.missing).toEqual(['ghost']);
  });

  it('selects every cluster carrying all the wanted tags, minus excludes', () => {
    const result = selectClusters(
      { identifiers: [], tags: { backup: 'nightly', env: 'prod' }, exclude: ['scratch'] },
      [
        cluster('a', { backup: 'nightly', env: 'prod' }),
        cluster('b', { backup: 'nightly' }),
        cluster('scratch', { backup: 'nightly', env: 'prod' }),
        cluster('c', { backup: 'nightly', env: 'prod', extra: 'x' }),
      ],
    );
    expect(result.selected.map((c) => c.id)).toEqual(['a', 'c']);
    expect(result.excluded).toEqual(['scratch']);
  });

  it('unions identifiers and tags without duplicates', () => {
    const result = selectClusters({ identifiers: ['a'], tags: { t: '1' }, exclude: [] }, [
      cluster('a', { t: '1' }),
      cluster('b', { t: '1' }),
    ]);
    expect(result.selected.map((c) => c.id)).toEqual(['a', 'b']);
  });

  it('does not report an excluded identifier as missing', () => {
    const result = selectClusters({ identifiers: ['gone'], tags: {}, exclude: ['gone'] }, []);
    expect(result.missing).toEqual([]);
  });
});

describe('snapshot tags', () => {
  it('puts the ownership tags first, then policy tags, then copied cluster tags', () => {
    const { tags } = buildSnapshotTags({
      policyName: 'nightly',
      policyTags: { tier: 'gold' },
      clusterTags: { team: 'orders', tier: 'silver', 'aws:cloudformation:stack-name': 's' },
      slot,
    });
    expect(tags).toEqual([
      { Key: 'docdb-backup:managed-by', Value: 'docdb-backup' },
      { Key: 'docdb-backup:policy', Value: 'nightly' },
      { Key: 'docdb-backup:scheduled-at', Value: '2026-11-28T03:00:00.000Z' },
      { Key: 'tier', Value: 'gold' },
      { Key: 'team', Value: 'orders' },
    ]);
  });

  it('stops copying cluster tags at 50 tags and says which were left out', () => {
    const clusterTags = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [`k${String(i).padStart(2, '0')}`, 'v']),
    );
    const { tags, notCopied } = buildSnapshotTags({ policyName: 'p', policyTags: {}, clusterTags, slot });
    expect(tags).toHaveLength(50);
    expect(notCopied).toHaveLength(13);
    expect(notCopied[0]?.reason).toMatch(/50 tags/);
  });

  it('never lets a cluster tag impersonate the ownership tags', () => {
    const { tags } = buildSnapshotTags({
      policyName: 'p',
      policyTags: {},
      clusterTags: { 'docdb-backup:policy': 'other' },
      slot,
    });
    expect(tags.filter((t) => t.Key === 'docdb-backup:policy')).toEqual([
      { Key: 'docdb-backup:policy', Value: 'p' },
    ]);
  });
});
