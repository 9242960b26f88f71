// Seam: the validate quota warnings with disaster-recovery copies (shared/planning/quota-use.ts
// steadyPlaces/regionSteadyStates, cli/quota.ts, validate end to end, offline): each own-account Region a
// policy copies to holds as many snapshots per cluster as the copy's retention keeps, and a destination
// near its quota warns, naming it.
import { describe, expect, it } from 'vitest';
import { regionQuotaWarning } from '../../../cli/quota.js';
import { regionSteadyStates, steadyPlaces } from '../../../shared/planning/quota-use.js';
import type { CopySettings } from '../../../shared/policy/resolved.js';
import { policy } from '../../support/fakes.js';
import { run, tempDir } from './support.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const otherAccount: CopySettings = {
  account: '444455556666',
  roleArn: 'arn:aws:iam::444455556666:role/docdb-backup-copier',
  externalId: 'docdb-backup-7f3a9c',
  retention: { keepLast: 60 },
};
const nightly = (copies: CopySettings[], regions = ['us-east-1']) =>
  policy({
    regions,
    clusters: { identifiers: ['orders', 'payments', 'ledger'], tags: {}, exclude: [] },
    retention: { keepLast: 7 },
    copies,
  });

describe('copy destinations in the steady state', () => {
  it("counts each own-account destination with the copy's retention, per source Region, and no other account's", () => {
    const p = nightly(
      [{ region: 'us-west-2', retention: { keepLast: 30 } }, otherAccount],
      ['us-east-1', 'eu-west-1'],
    );

    expect(steadyPlaces(p, NOW)).toEqual([
      { region: 'us-east-1', perCluster: 7 },
      { region: 'us-west-2', perCluster: 30, copiesFrom: 'us-east-1' },
      { region: 'eu-west-1', perCluster: 7 },
      { region: 'us-west-2', perCluster: 30, copiesFrom: 'eu-west-1' },
    ]);
    expect(regionSteadyStates([p], NOW).map((s) => [s.region, s.total])).toEqual([
      ['eu-west-1', 21],
      ['us-east-1', 21],
      ['us-west-2', 180],
    ]);
  });

  it('counts copies kept by their own retention even when the policy keeps its snapshots forever', () => {
    const p = policy({
      copies: [{ region: 'us-west-2', retention: { keepLast: 14 } }, { region: 'eu-west-1' }],
    });

    expect(steadyPlaces(p, NOW)).toEqual([{ region: 'us-west-2', perCluster: 14, copiesFrom: 'us-east-1' }]);
    expect(steadyPlaces({ ...p, enabled: false }, NOW)).toHaveLength(1);
    expect(regionSteadyStates([{ ...p, enabled: false }], NOW)).toEqual([]);
  });

  it('warns for a destination near its quota, naming it and where its copies come from', () => {
    const states = regionSteadyStates(
      [
        nightly([{ region: 'us-west-2', retention: { keepLast: 30 } }]),
        { ...nightly([]), name: 'west', regions: ['us-west-2'] },
      ],
      NOW,
    );
    const west = states.find((s) => s.region === 'us-west-2')!;

    expect(regionQuotaWarning(west)).toBe(
      'in us-west-2 (a destination of copies) the policies hold about 111 snapshots once retention has pruned ' +
        '(nightly copies from us-east-1 30 × 3 clusters, west 7 × 3 clusters): 111% of the 100-snapshot quota, ' +
        'more than the quota (the quota is shared with RDS, Neptune and other policies): keep fewer, or raise the quota',
    );
    expect(regionQuotaWarning(states.find((s) => s.region === 'us-east-1')!)).toBeUndefined();
  });
});

describe('docdb-backup validate with copies', () => {
  it('warns, offline, when a copy destination nears its quota', async () => {
    const dir = tempDir({
      'p.yml': `version: 1
policies:
  - name: nightly
    schedule: cron(0 3 * * ? *)
    regions: [us-east-1]
    clusters:
      identifiers: [orders, payments, ledger]
    retention: { keepLast: 7 }
    copies:
      - region: us-west-2
        retention: { keepLast: 30 }
      - account: "444455556666"
        roleArn: arn:aws:iam::444455556666:role/docdb-backup-copier
        externalId: docdb-backup-7f3a9c
        retention: { keepLast: 60 }
`,
    });

    const out = await run(['validate', 'p.yml', '--json'], { cwd: dir, now: NOW });

    expect(out.code, out.stderr).toBe(0);
    const warnings = JSON.parse(out.stdout).problems.filter(
      (p: { severity: string }) => p.severity === 'warning',
    );
    expect(warnings.map((w: { message: string }) => w.message)).toEqual([
      'in us-west-2 (a destination of copies) the policies hold about 90 snapshots once retention has pruned ' +
        '(nightly copies from us-east-1 30 × 3 clusters): 90% of the 100-snapshot quota, at or above the 80% ' +
        'warning threshold (the quota is shared with RDS, Neptune and other policies): keep fewer, or raise the quota',
    ]);
  });
});
