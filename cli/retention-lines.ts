/** What retention deleted, as `run` and `reconcile` report it: lines, and the JSON of each deletion. */
import type { DeletionResult } from '../shared/backup/results.js';
import { counted } from './output.js';
import { renderTable } from './table.js';

/**
 * What retention deleted (or failed to delete), for the closing lines of `run` and `reconcile`.
 * Example: `deletionLines([{ outcome: 'deleted', region: 'us-east-1', snapshotId: 'n-…', reason: 'kept by no rule (keepLast 7)', … }])`
 *   → `['retention deleted 1 snapshot:', '  deleted  us-east-1  n-…  kept by no rule (keepLast 7)']`
 */
export function deletionLines(deletions: readonly DeletionResult[]): string[] {
  if (!deletions.length) return [];
  const deleted = deletions.filter((d) => d.outcome === 'deleted').length;
  const failed = deletions.length - deleted;
  return [
    `retention deleted ${counted(deleted, 'snapshot')}${failed ? `; ${counted(failed, 'deletion')} failed` : ''}:`,
    ...renderTable(
      [{ header: '' }, { header: '' }, { header: '' }, { header: '' }],
      deletions.map((d) => [
        d.outcome,
        d.region,
        d.snapshotId,
        d.error ? `${d.error.code}: ${d.error.message}` : d.reason,
      ]),
      { indent: '  ', noHeader: true },
    ),
  ];
}

/** A deletion in a command's `--json` document (every key present, `null` for none). */
export function deletionJson(d: DeletionResult) {
  return {
    region: d.region,
    clusterId: d.clusterId,
    snapshotId: d.snapshotId,
    outcome: d.outcome,
    reason: d.reason,
    error: d.error ?? null,
  };
}
