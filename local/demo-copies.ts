/**
 * The demo's disaster-recovery part: how a pass's copy moves read in the timeline, where the copies ended
 * (each destination, with its key and the source's shares), and a key misconfiguration that `validate`
 * refuses before any deploy.
 */
import { locationKey } from '../shared/backup/location.js';
import type { CopyTransition } from '../shared/planning/copies.js';
import { formatProblem, validatePolicyFile } from '../shared/policy/index.js';
import type { Emulator } from './emulator.js';

export interface Paint {
  dim(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
}

const MINUTE = 60_000;

/** Where a copy goes, as the demo names it: `us-west-2`, or `444455556666/us-east-1`. */
function where(t: Pick<CopyTransition, 'destination'>): string {
  return locationKey(t.destination);
}

/** One copy move as a timeline line (the cluster column lines up with the backup jobs' lines). */
export function copyText(t: CopyTransition, paint: Paint): string {
  const move = `${t.from} → ${t.to}`.padEnd(21);
  const cluster = t.clusterId.padEnd(18);
  const to = `copy to ${where(t)}`;
  if (t.to === 'available') {
    const took = t.durationMs === undefined ? '' : ` after ${Math.round(t.durationMs / MINUTE)} min`;
    return `${cluster}${paint.green(move)}${paint.dim(`${to}${took}`)}`;
  }
  if (t.to === 'failed')
    return `${cluster}${paint.red(move)}${paint.red(t.error?.code ?? 'failed')}: ${t.error?.message ?? ''}`;
  return `${cluster}${paint.yellow(move)}${paint.dim(`${to} started (${t.snapshotId})`)}`;
}

/** What the copies left where: each destination's copies, and any source snapshot still shared. */
export function copiesReport(emu: Emulator, paint: Paint): { lines: string[]; problems: string[] } {
  const lines: string[] = [];
  const problems: string[] = [];
  const state = emu.state();
  for (const [account, view] of Object.entries(state.accounts))
    for (const [region, store] of Object.entries(view.regions)) {
      const copies = store.snapshots.filter((s) => s.tags['docdb-backup:copy-of']);
      for (const copy of copies)
        lines.push(
          `  ${`${account}/${region}`.padEnd(24)}${copy.id.padEnd(34)}${copy.status.padEnd(10)}${paint.dim(`key ${copy.kmsKeyId ?? 'none'}`)}`,
        );
      const shared = store.snapshots.filter((s) => s.sharedWith.length > 0);
      for (const s of shared)
        problems.push(`${s.id} in ${account}/${region} is still shared with ${s.sharedWith.join(', ')}`);
    }
  if (lines.length === 0) problems.push('no copy was made');
  return { lines, problems };
}

/** A copy to us-west-2 whose key is of us-east-1: refused by `validate`, before any deploy. */
const MISCONFIGURED = `version: 1
policies:
  - name: ledger-6h
    schedule: cron(15 0/6 * * ? *)
    regions: [us-east-1]
    clusters: { identifiers: [ledger-prod] }
    retention: { keepLast: 28 }
    copies:
      - region: us-west-2
        kmsKeyId: arn:aws:kms:us-east-1:123456789012:key/5e1d9a7c-0000-4000-8000-000000000001
`;

/** The problems `validate` reports for the misconfigured copy, formatted as the CLI prints them. */
export function misconfiguredKeyLines(): string[] {
  const result = validatePolicyFile(MISCONFIGURED, 'dr-typo.yml');
  return result.problems.filter((p) => p.severity === 'error').map((p) => formatProblem(p));
}
