/**
 * `status --html FILE`: the status as one self-contained HTML page (inline CSS, no scripts, no external
 * assets): per policy its clusters with their state, newest snapshot, latest job, latest copy per
 * destination (for a policy with copies) and recent results as a timeline; per Region its manual
 * snapshots against the quota. Everything from AWS or the policy file
 * (cluster ids, tags, messages) is user data and escaped. Pure: the command gathers, this renders.
 */
import type { RecordedResult } from '../shared/aws/results-table/index.js';
import type { ProtectionState } from '../shared/planning/protection.js';
import type { ClusterStatus, PolicyStatus } from './commands/status.js';
import { copyText, copyVerdict, destinationText } from './status-copies.js';
import { formatSpan, formatUtc } from './time.js';

/** A Region's manual snapshots (every owner's: the quota counts them all) against its quota. */
export interface RegionQuotaUse {
  region: string;
  used: number;
  quota: number;
  warnAtPercent: number;
}

export interface StatusPage {
  file: string;
  at: Date;
  ok: boolean;
  policies: readonly PolicyStatus[];
  clusters: readonly ClusterStatus[];
  /** Recent results per cluster, newest first, keyed by `historyKey`. */
  history: ReadonlyMap<string, readonly RecordedResult[]>;
  quotas: readonly RegionQuotaUse[];
  notes: readonly string[];
}

/**
 * The key of a cluster's results in `StatusPage.history`.
 * Example: `historyKey('nightly', 'us-east-1', 'orders')` → `'nightly/us-east-1/orders'`
 */
export function historyKey(policy: string, region: string, clusterId: string): string {
  return `${policy}/${region}/${clusterId}`;
}

/**
 * Text made safe for HTML content and attribute values.
 * Example: `escapeHtml('<script>"x"</script>')` → `'&lt;script&gt;&quot;x&quot;&lt;/script&gt;'`
 */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#1d1d1f;background:#fff}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}table{border-collapse:collapse;margin:.5rem 0}
th,td{text-align:left;padding:.25rem .75rem;border-bottom:1px solid #ddd;vertical-align:top}
.ok,.current{color:#137333}.overdue,.missing,.failed,.none{color:#b3261e;font-weight:600}
.unknown,.pending,.creating,.in-flight,.behind{color:#8a5a00}
.verdict{font-size:1.1rem;font-weight:600}.reason,.note{color:#555}
.timeline{display:flex;gap:3px}.tick{display:inline-block;width:14px;height:14px;border-radius:2px}
.tick.created,.tick.already-exists{background:#34a853}.tick.failed{background:#d93025}
.tick.pending{background:#f9ab00}.tick.skipped{background:#9aa0a6}
.bar{width:240px;height:12px;background:#eee;border-radius:6px;overflow:hidden;display:inline-block}
.fill{height:100%;background:#34a853}.fill.warn{background:#f9ab00}.fill.full{background:#d93025}`;

const e = escapeHtml;

function stateCell(state: ProtectionState): string {
  return `<span class="${state}">${state === 'ok' ? 'ok' : state.toUpperCase()}</span>`;
}

/** Oldest to newest, left to right, each result's outcome, time and error in its tooltip and text. */
function timeline(results: readonly RecordedResult[] | undefined): string {
  if (!results || results.length === 0) return '<span class="reason">no recorded results</span>';
  const ticks = [...results].reverse().map((r) => {
    const label = `${r.outcome} ${formatUtc(new Date(r.scheduledAt))} UTC${r.error ? `: ${r.error.code}: ${r.error.message}` : ''}`;
    return `<span class="tick ${e(r.outcome)}" title="${e(label)}"></span>`;
  });
  const newest = results[0];
  const last = newest
    ? ` <span class="reason">last: ${e(newest.outcome)}${newest.error ? ` (${e(newest.error.code)})` : ''}</span>`
    : '';
  return `<span class="timeline">${ticks.join('')}</span>${last}`;
}

function jobCell(row: ClusterStatus): string {
  const job = row.latestJob;
  if (!job) return '-';
  const detail = job.error ? ` (${e(job.error.code)}: ${e(job.error.message)})` : '';
  return `<span class="${e(job.state)}">${e(job.state)}</span> ${e(job.snapshotId)}, ${formatSpan(job.ageSeconds)} ago${detail}`;
}

/** One line per destination: its latest copy's state, id and age, a failure's code and message. */
function copiesCell(row: ClusterStatus): string {
  if (!row.copies) return '-';
  return row.copies
    .map((c) => {
      const detail = [
        c.snapshotId ? e(c.snapshotId) : '',
        c.ageSeconds === null ? '' : `${formatSpan(c.ageSeconds)} ago`,
        c.error ? `${e(c.error.code)}: ${e(c.error.message)}` : '',
      ].filter(Boolean);
      const state = `<span class="${copyVerdict(c)}">${e(copyText(c))}</span>`;
      return `${e(destinationText(c.destination))}: ${state}${detail.length ? ` <span class="reason">${detail.join(', ')}</span>` : ''}`;
    })
    .join('<br>');
}

function clusterRow(row: ClusterStatus, history: StatusPage['history'], copies: boolean): string {
  const snapshot = row.newestSnapshot
    ? `${e(row.newestSnapshot.snapshotId)}<br><span class="reason">${formatUtc(new Date(row.newestSnapshot.createdAt))} UTC, ${formatSpan(row.newestSnapshot.ageSeconds)} old</span>`
    : '-';
  const reason = row.reason ? `<br><span class="reason">${e(row.reason)}</span>` : '';
  return [
    '<tr>',
    `<td>${e(row.region)}</td>`,
    `<td>${e(row.clusterId)}</td>`,
    `<td>${stateCell(row.state)}${reason}</td>`,
    `<td>${snapshot}</td>`,
    `<td>${jobCell(row)}</td>`,
    copies ? `<td>${copiesCell(row)}</td>` : '',
    `<td>${timeline(history.get(historyKey(row.policy, row.region, row.clusterId)))}</td>`,
    '</tr>',
  ].join('');
}

function policySection(policy: PolicyStatus, page: StatusPage): string {
  const rows = page.clusters.filter((r) => r.policy === policy.name);
  const limit =
    policy.overdueAfterSeconds === null
      ? 'never overdue'
      : `overdue after ${formatSpan(policy.overdueAfterSeconds)}`;
  const head = `<h2>${e(policy.name)}</h2><p>${e(policy.schedule)} · ${limit}${policy.enabled ? '' : ' · disabled'}</p>`;
  if (!policy.checked) return `${head}<p class="reason">not checked (disabled)</p>`;
  if (rows.length === 0) return `${head}<p class="reason">selects no cluster</p>`;
  const copies = rows.some((r) => (r.copies?.length ?? 0) > 0);
  const copiesHead = copies ? '<th>Latest copy per destination</th>' : '';
  return `${head}<table><thead><tr><th>Region</th><th>Cluster</th><th>State</th><th>Newest snapshot</th><th>Latest job</th>${copiesHead}<th>Recent results (oldest → newest)</th></tr></thead><tbody>${rows.map((r) => clusterRow(r, page.history, copies)).join('')}</tbody></table>`;
}

function quotaSection(quotas: readonly RegionQuotaUse[]): string {
  if (quotas.length === 0) return '';
  const rows = quotas.map((q) => {
    const percent = q.quota > 0 ? Math.min(100, Math.round((q.used / q.quota) * 100)) : 100;
    const level = percent >= 100 ? ' full' : percent >= q.warnAtPercent ? ' warn' : '';
    return `<tr><td>${e(q.region)}</td><td><span class="bar"><span class="fill${level}" style="width:${percent}%;display:block"></span></span></td><td>${q.used} / ${q.quota} (${percent} %)</td></tr>`;
  });
  return `<h2>Manual snapshot quota per Region</h2><table><thead><tr><th>Region</th><th>Used</th><th>Snapshots</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * The whole page.
 * Example: `statusHtml(page).startsWith('<!doctype html>')` → `true`
 */
export function statusHtml(page: StatusPage): string {
  const verdict = page.ok
    ? '<p class="verdict ok">all protected</p>'
    : '<p class="verdict overdue">not all protected</p>';
  const notes = page.notes.map((n) => `<p class="note">note: ${e(n)}</p>`).join('');
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>docdb-backup status ${formatUtc(page.at)} UTC</title>`,
    `<style>${CSS}</style></head><body>`,
    `<h1>docdb-backup status</h1><p>${e(page.file)} · as of ${formatUtc(page.at)} UTC</p>`,
    verdict,
    notes,
    ...page.policies.map((p) => policySection(p, page)),
    quotaSection(page.quotas),
    '</body></html>',
    '',
  ].join('\n');
}
