/**
 * Turns the measurements into the table (figure, measured, spread, floor/bound, ratio, target, PASS/MISS)
 * and the explanatory sections of bench/RESULTS.md. Every sentence is computed from the run: what it
 * says about the product holds for the code that was measured, and changes when the code does.
 */
import { BUSY_ATTEMPTS, BUSY_SHARE, FLEET_REGIONS, fleetClusters, LATENCY_MS } from '../fleet.js';
import type { Bundle } from './builds.js';
import type { FirstInvocation, ImportSamples } from './coldstart.js';
import type { FleetRun, SequentialRun } from './fleetrun.js';
import type { PackagedService } from './package.js';
import { type Row, verdict } from './report.js';
import { kib, mib, ms, ratio, type Summary, seconds, spread, summarize } from './stats.js';

/** Targets from the issue. */
export const TARGET = {
  bundleRatio: 1.2,
  importRatio: 1.15,
  boundRatio: 1.5,
  speedup: 10,
  rssMib: 128,
  callsByTag: 2.2,
  callsById: 1.1,
};

export interface Measured {
  /** Machine and code provenance, printed as a list. */
  info: Record<string, string>;
  packaged: PackagedService;
  /** The same service packaged with bench/policies.yml as its policy file (for the fleet runs). */
  fleetPackage: PackagedService;
  /** The two packages' handler.mjs are the same bytes. */
  fleetHandlerIdentical: boolean;
  handlerBytes: number;
  repro: Bundle & { identical: boolean };
  floor: Bundle;
  policyOnly: Bundle;
  /** Bytes of zod and yaml (the YAML parser and the validator) in the packaged handler. */
  parserBytes: number;
  /** The same plus shared/policy. */
  policyBytes: number;
  whatIf?: Bundle;
  whatIfNote: string;
  imports: Record<string, ImportSamples>;
  first: FirstInvocation[];
  firstWhatIf: FirstInvocation[];
  loads: { importMs: number; parseMs: number }[];
  policyName: string;
  /** BACKUP_CONCURRENCY as packaged. */
  concurrency: number;
  whatIfConcurrency: number;
  fleet: { tag: FleetRun[]; id: FleetRun[] };
  reference: FleetRun;
  concurrencyRuns: { tag: FleetRun[]; id: FleetRun[] };
  precompiledRuns: FleetRun[];
  sequential: SequentialRun[];
}

const DOCDB = ['rds:'];
const RECORDING = ['dynamodb:', 'events:', 'sns:'];
const f1 = (n: number) => n.toFixed(1);
const f3 = (n: number) => n.toFixed(3);
const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(0)} %`;
const median = (values: readonly number[]) => summarize(values).median;

function callsOf(run: FleetRun, prefixes: readonly string[]): number {
  return Object.entries(run.calls)
    .filter(([action]) => prefixes.some((p) => action.startsWith(p)))
    .reduce((sum, [, n]) => sum + n, 0);
}

function perCluster(runs: readonly FleetRun[], prefixes: readonly string[]): number {
  return median(runs.map((run) => callsOf(run, prefixes) / run.selected));
}

function imp(m: Measured, name: string, key: keyof ImportSamples): Summary {
  return summarize(m.imports[name]?.[key] ?? []);
}

const firstTotal = (rows: readonly FirstInvocation[]) => summarize(rows.map((r) => r.importMs + r.invokeMs));
const loadTotal = (m: Measured) => summarize(m.loads.map((l) => l.importMs + l.parseMs));
const seqSummary = (m: Measured) => summarize(m.sequential.map((s) => s.loopMs));

/** The table rows, in the issue's order. */
export function tableRows(m: Measured): Row[] {
  const rows: Row[] = [];
  const bundleRatio = m.handlerBytes / m.floor.bytes;
  rows.push({
    figure: 'bundle size (handler.mjs)',
    measured: kib(m.handlerBytes),
    spread: '(deterministic)',
    bound: `floor ${kib(m.floor.bytes)}`,
    ratio: ratio(bundleRatio),
    target: `≤ ${TARGET.bundleRatio}x`,
    result: verdict(bundleRatio <= TARGET.bundleRatio),
  });
  const hImport = imp(m, 'handler', 'importMs');
  const fImport = imp(m, 'floor', 'importMs');
  rows.push({
    figure: `import time (n=${hImport.n})`,
    measured: ms(hImport.median),
    spread: spread(hImport, ms),
    bound: `floor ${ms(fImport.median)} (${spread(fImport, ms)})`,
    ratio: ratio(hImport.median / fImport.median),
    target: `≤ ${TARGET.importRatio}x`,
    result: verdict(hImport.median / fImport.median <= TARGET.importRatio),
  });
  for (const [key, label] of [
    ['startToImportEndMs', 'process start → import end'],
    ['wallMs', 'whole process (spawn → exit)'],
  ] as const) {
    const h = imp(m, 'handler', key);
    const f = imp(m, 'floor', key);
    rows.push({
      figure: label,
      measured: ms(h.median),
      spread: spread(h, ms),
      bound: `floor ${ms(f.median)}`,
      ratio: ratio(h.median / f.median),
      target: '–',
      result: 'info',
    });
  }
  const first = firstTotal(m.first);
  const load = loadTotal(m);
  rows.push({
    figure: `first invocation: import + 1st call (n=${first.n})`,
    measured: ms(first.median),
    spread: spread(first, ms),
    bound:
      m.parserBytes > 0
        ? `of it policy parsing ≈ ${ms(load.median)}`
        : `no YAML/zod in the bundle (parsing would cost ${ms(load.median)})`,
    ratio: m.parserBytes > 0 ? pct(load.median, first.median) : '0 %',
    target: '–',
    result: 'info',
  });

  const seq = seqSummary(m);
  for (const [key, label, callsTarget] of [
    ['tag', 'by tag', TARGET.callsByTag],
    ['id', 'by id', TARGET.callsById],
  ] as const) {
    const runs = m.fleet[key];
    const wall = summarize(runs.map((r) => r.invokeMs));
    const bound = median(runs.map((r) => r.lowerBoundMs));
    rows.push({
      figure: `fleet run ${label} (n=${wall.n})`,
      measured: seconds(wall.median),
      spread: spread(wall, seconds),
      bound: `lower bound ${seconds(bound)}`,
      ratio: ratio(wall.median / bound),
      target: `≤ ${TARGET.boundRatio}x`,
      result: verdict(wall.median / bound <= TARGET.boundRatio),
    });
    rows.push({
      figure: `fleet run ${label} vs sequential`,
      measured: seconds(wall.median),
      spread: `sequential ${spread(seq, seconds)}`,
      bound: `sequential ${seconds(seq.median)}`,
      ratio: `${f1(seq.median / wall.median)}x faster`,
      target: `≥ ${TARGET.speedup}x faster`,
      result: verdict(seq.median / wall.median >= TARGET.speedup),
    });
    const docdb = perCluster(runs, DOCDB);
    rows.push({
      figure: `DocumentDB calls per cluster, ${label}`,
      measured: f3(docdb),
      spread: `${runs[0]?.selected ?? 0} clusters`,
      bound: '–',
      ratio: '–',
      target: `≤ ${callsTarget}`,
      result: verdict(docdb <= callsTarget),
    });
  }
  rows.push({
    figure: 'recording calls per cluster, by tag',
    measured: f3(perCluster(m.fleet.tag, RECORDING)),
    spread: 'DynamoDB + EventBridge + SNS',
    bound: '–',
    ratio: '–',
    target: '–',
    result: 'info',
  });
  const rssRuns = [...m.fleet.tag, ...m.fleet.id].map((r) => r.maxRssKb / 1024);
  const rss = summarize(rssRuns);
  rows.push({
    figure: `peak RSS of the handler process (n=${rss.n})`,
    measured: `${f1(rss.median)} MiB`,
    spread: `max ${f1(rss.max)} MiB`,
    bound: `${TARGET.rssMib} MiB (Lambda's "MB")`,
    ratio: ratio(rss.max / TARGET.rssMib),
    target: `< ${TARGET.rssMib} MiB, worst run`,
    result: verdict(rss.max < TARGET.rssMib),
  });
  return rows;
}

function actionsTable(runs: readonly FleetRun[]): string[] {
  const actions = [...new Set(runs.flatMap((run) => Object.keys(run.calls)))].sort();
  return actions.map((action) => {
    const totals = summarize(runs.map((run) => run.calls[action] ?? 0));
    const per = median(runs.map((run) => (run.calls[action] ?? 0) / run.selected));
    return `| ${action} | ${totals.median} (${totals.min}–${totals.max}) | ${f3(per)} |`;
  });
}

function variantLine(label: string, runs: readonly FleetRun[]): string {
  const wall = summarize(runs.map((r) => r.invokeMs));
  const bound = median(runs.map((r) => r.lowerBoundMs));
  const phase = (key: 'docdbPhase' | 'recordingPhase') =>
    `${seconds(median(runs.map((r) => r[key]?.from ?? Number.NaN)))} → ${seconds(median(runs.map((r) => r[key]?.to ?? Number.NaN)))}`;
  const max = (f: (r: FleetRun) => number) => summarize(runs.map(f)).max;
  return [
    label,
    runs.length,
    `${seconds(wall.median)} (${seconds(wall.min)}–${seconds(wall.max)})`,
    `${seconds(bound)} / ${seconds(median(runs.map((r) => r.perRegionBoundMs)))}`,
    ratio(wall.median / bound),
    seconds(median(runs.map((r) => r.wallMs))),
    seconds(median(runs.map((r) => r.invokeCpuMs))),
    median(runs.map((r) => r.totalCalls)),
    phase('docdbPhase'),
    phase('recordingPhase'),
    `${max((r) => r.peakInFlightDocdb)} / ${max((r) => r.peakInFlightRecording)} / ${f1(median(runs.map((r) => r.meanInFlight)))}`,
    seconds(median(runs.map((r) => r.idleMs))),
    `${summarize(runs.map((r) => r.counts.created ?? 0)).min}/${runs[0]?.selected}`,
    median(runs.map((r) => r.busyRetries)),
    mib(max((r) => r.maxRssKb)),
  ]
    .map(String)
    .join(' | ')
    .replace(/^/, '| ')
    .concat(' |');
}

/** The sections after the table. */
export function detailSections(m: Measured): string[] {
  const out: string[] = [];
  const seq = seqSummary(m);

  out.push('## Bundle: what the handler adds to the floor', '');
  out.push(
    `The floor (bench/entries/floor.ts) imports and constructs the four SDK clients; it is bundled with serverless.yml's \`custom.esbuild\` options as bench/lib/builds.ts derives them, and rebuilding the handler with those options gives the packaged handler.mjs ${m.repro.identical ? '**byte for byte**' : '**NOT byte for byte: the floor may not be comparable**'}. Packaged zip ${kib(m.packaged.zipBytes)}; \`serverless package\` took ${seconds(m.packaged.packageMs)} (and ${seconds(m.fleetPackage.packageMs)} for the fleet's package, whose handler.mjs is ${m.fleetHandlerIdentical ? 'the same bytes' : 'DIFFERENT'}).`,
    '',
  );
  out.push('| package (bytes in handler.mjs beyond the floor) | bytes |', '|---|---|');
  const keys = new Set([...Object.keys(m.repro.byPackage), ...Object.keys(m.floor.byPackage)]);
  for (const [k, d] of [...keys]
    .map((k) => [k, (m.repro.byPackage[k] ?? 0) - (m.floor.byPackage[k] ?? 0)] as const)
    .filter(([, d]) => d > 1024)
    .sort((a, b) => b[1] - a[1]))
    out.push(`| ${k} | ${kib(d)} |`);
  out.push('');
  out.push(
    m.parserBytes > 0
      ? `YAML and policy validation (zod, yaml, shared/policy) are ${kib(m.policyBytes)} of the ${kib(m.handlerBytes)} (${pct(m.policyBytes, m.handlerBytes)}).`
      : `The bundle carries no zod and no YAML parser (shared/policy: ${kib(m.policyBytes)}): the policies are compiled at package time.`,
    '',
  );

  out.push('## Cold start details', '');
  out.push(
    '| import in a fresh process | bundle | import (median, p10–p90) | start → import end | whole process |',
    '|---|---|---|---|---|',
  );
  const line = (name: string, label: string, bytes?: number) => {
    const a = imp(m, name, 'importMs');
    if (a.n === 0) return;
    const imported = bytes === undefined ? '–' : `${ms(a.median)} (${ms(a.p10)}–${ms(a.p90)})`;
    out.push(
      `| ${label} | ${bytes === undefined ? '–' : kib(bytes)} | ${imported} | ${ms(imp(m, name, 'startToImportEndMs').median)} | ${ms(imp(m, name, 'wallMs').median)} |`,
    );
  };
  line('node', 'node alone (no import)');
  line('floor', 'floor: 4 SDK clients', m.floor.bytes);
  line('handler', '**packaged handler.mjs**', m.handlerBytes);
  line('policies', 'policy loader alone (yaml + zod + shared/policy)', m.policyOnly.bytes);
  if (m.whatIf)
    line('precompiled', 'what-if: handler with policies precompiled at build time', m.whatIf.bytes);
  out.push('');
  if (m.whatIfNote) out.push(m.whatIfNote, '');
  const cell = (rows: FirstInvocation[], key: keyof FirstInvocation) =>
    rows.length ? ms(median(rows.map((r) => r[key]))) : '–';
  out.push(
    `First invocation of policy "${m.policyName}" of the packaged policies (emulator without latency, n=${m.first.length}):`,
    '',
    `| | packaged handler${m.firstWhatIf.length ? ' | what-if: precompiled policies' : ''} |`,
    `|---|---${m.firstWhatIf.length ? '|---' : ''}|`,
  );
  const both = (label: string, a: string, b: string) =>
    out.push(`| ${label} | ${a}${m.firstWhatIf.length ? ` | ${b}` : ''} |`);
  both('import', cell(m.first, 'importMs'), cell(m.firstWhatIf, 'importMs'));
  both(
    'first call: start → first AWS request (environment, policies, clients)',
    cell(m.first, 'toFirstRequestMs'),
    cell(m.firstWhatIf, 'toFirstRequestMs'),
  );
  both('first call, whole', cell(m.first, 'invokeMs'), cell(m.firstWhatIf, 'invokeMs'));
  const ft = firstTotal(m.first);
  both(
    '**import + first call**',
    `**${ms(ft.median)}** (${ms(ft.min)}–${ms(ft.max)})`,
    m.firstWhatIf.length ? ms(firstTotal(m.firstWhatIf).median) : '–',
  );
  both('whole process', cell(m.first, 'wallMs'), cell(m.firstWhatIf, 'wallMs'));
  both(
    'peak RSS',
    mib(median(m.first.map((r) => r.maxRssKb))),
    m.firstWhatIf.length ? mib(median(m.firstWhatIf.map((r) => r.maxRssKb))) : '–',
  );
  const load = loadTotal(m);
  out.push(
    '',
    `Parsing and validating config/policies.yml with the product's loader, bundled alone with the same options (n=${m.loads.length}): import ${ms(median(m.loads.map((l) => l.importMs)))} (zod schemas built, yaml loaded) + first \`loadPolicyFile\` ${ms(median(m.loads.map((l) => l.parseMs)))} = ${ms(load.median)}${m.parserBytes > 0 ? `, ${pct(load.median, ft.median)} of import + first call: work a build step could do once.` : ': none of it is in the cold start, the package step does it.'}`,
    '',
  );

  out.push('## Fleet runs', '');
  out.push(
    `${fleetClusters().length} DocumentDB clusters in ${FLEET_REGIONS.length} Regions (bench/fleet.ts), ${LATENCY_MS} ms per API call, ${Math.round(BUSY_SHARE * 100)} % of the clusters busy for ${BUSY_ATTEMPTS} attempts, 1 % of calls throttled (seeded); bench/policies.yml (retry 0.1 s / 0.2 s), packaged as the service's policy file. Invocation = the handler call in its own process (import excluded). Bounds: the issue's (API calls counted by the emulator ÷ BACKUP_CONCURRENCY × ${LATENCY_MS} ms) / per Region (the busiest Region's DocumentDB requests ÷ BACKUP_CONCURRENCY × ${LATENCY_MS} ms). Phases are relative to the invocation's start; in flight: peak DocumentDB / peak recording / mean of all requests. Handler CPU: user + system of the handler process during the invocation (the emulator shares the 2 cores, in the bench process).`,
    '',
    '| variant | runs | invocation (median, min–max) | bound: issue / per Region | ratio to issue bound | process wall | handler CPU | API calls | DocumentDB phase | recording phase | in flight | nothing in flight | created | busy retries | peak RSS (max) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  out.push(variantLine(`by tag, BACKUP_CONCURRENCY ${m.concurrency}`, m.fleet.tag));
  out.push(variantLine(`by id, BACKUP_CONCURRENCY ${m.concurrency}`, m.fleet.id));
  out.push(variantLine('by id, no faults (reference)', [m.reference]));
  for (const key of ['tag', 'id'] as const)
    if (m.concurrencyRuns[key].length)
      out.push(
        variantLine(`what-if: by ${key}, BACKUP_CONCURRENCY ${m.whatIfConcurrency}`, m.concurrencyRuns[key]),
      );
  if (m.precompiledRuns.length)
    out.push(variantLine('what-if: by tag, policies precompiled', m.precompiledRuns));
  out.push(
    '',
    `Sequential baseline (bench/sequential.ts, n=${m.sequential.length}): ${seconds(seq.median)} (${seconds(seq.min)}–${seconds(seq.max)}), ${median(m.sequential.map((r) => r.calls['rds:CreateDBClusterSnapshot'] ?? 0))} CreateDBClusterSnapshot calls, created ${summarize(m.sequential.map((r) => r.created)).min}/${fleetClusters().length}.`,
    '',
  );

  out.push('## API calls by action', '');
  for (const [label, runs] of [
    ['by tag', m.fleet.tag],
    ['by id', m.fleet.id],
    ['by id, no faults (reference)', [m.reference]],
  ] as const) {
    out.push(
      `**${label}** (${runs[0]?.selected ?? 0} selected clusters, ${runs.length} run(s)):`,
      '',
      '| action | calls per run (median, min–max) | per selected cluster |',
      '|---|---|---|',
      ...actionsTable(runs),
      `| **DocumentDB total** | | **${f3(perCluster(runs, DOCDB))}** |`,
      `| recording total (DynamoDB, EventBridge, SNS) | | ${f3(perCluster(runs, RECORDING))} |`,
      '',
    );
  }
  const regions = FLEET_REGIONS.length;
  const clusters = fleetClusters().length;
  const busy = fleetClusters().filter((c) => c.busy).length;
  out.push(
    `DescribeDBClusterSnapshots is the per-Region listing of manual snapshots for the quota headroom (pages of up to 100): here ${regions} Regions → ${regions} calls, ${f3(regions / clusters)} per cluster. In general it is ⌈manual snapshots in the Region ÷ 100⌉ per Region and run, shared by the Region's selected clusters, so it shrinks per cluster as Regions hold more of them (and stays at one page while the Region is under the default quota of 100). DescribeDBClusters amortises the same way (⌈DocumentDB clusters ÷ 100⌉ pages per Region). The faults add calls no engine can avoid: ${BUSY_ATTEMPTS} busy retries × ${busy} clusters = ${f3((BUSY_ATTEMPTS * busy) / clusters)} CreateDBClusterSnapshot per cluster, and the SDK's retries of throttled calls (about 1 % of calls). Without faults, by id costs ${f3(callsOf(m.reference, DOCDB) / m.reference.selected)} DocumentDB calls per cluster.`,
    '',
  );
  return out;
}

/** Recording done `concurrency` calls at a time instead of as measured: an estimate for one run. */
function withParallelRecording(run: FleetRun, concurrency: number): number {
  const phase = run.recordingPhase ? run.recordingPhase.to - run.recordingPhase.from : 0;
  return run.invokeMs - phase + Math.ceil(callsOf(run, RECORDING) / concurrency) * LATENCY_MS;
}

/** Where the time goes, and the product changes that would close each miss (estimates where not measured). */
export function findings(m: Measured, rows: readonly Row[]): string[] {
  const miss = (prefix: string) => rows.some((r) => r.figure.startsWith(prefix) && r.result === 'MISS');
  const seq = seqSummary(m).median;
  const out: string[] = ['## Where the time goes', ''];
  for (const [key, label] of [
    ['tag', 'by tag'],
    ['id', 'by id'],
  ] as const) {
    const runs = m.fleet[key];
    const wall = median(runs.map((r) => r.invokeMs));
    const rec = median(runs.map((r) => (r.recordingPhase ? r.recordingPhase.to - r.recordingPhase.from : 0)));
    const recPeak = summarize(runs.map((r) => r.peakInFlightRecording)).max;
    const recCalls = median(runs.map((r) => callsOf(r, RECORDING)));
    const docdbEnd = median(runs.map((r) => r.docdbPhase?.to ?? Number.NaN));
    out.push(
      `- **${label}** (${seconds(wall)}): DocumentDB until ${seconds(docdbEnd)}, with up to ${summarize(runs.map((r) => r.peakInFlightDocdb)).max} requests in flight; then recording, ${recCalls} calls in ${seconds(rec)} (${recPeak === 1 ? 'one after another, only after the last snapshot' : `up to ${recPeak} at a time`}). Nothing at all is in flight for ${seconds(median(runs.map((r) => r.idleMs)))}: the run waits for every Region's plan before the first snapshot, and for the SDK's backoff (up to ~1 s) when one of the last calls is throttled.`,
    );
  }
  const idPeak = summarize(m.fleet.id.map((r) => r.peakInFlightDocdb)).max;
  if (idPeak > m.concurrency)
    out.push(
      `- BACKUP_CONCURRENCY (${m.concurrency}) applies per Region: by id had up to ${idPeak} DocumentDB requests in flight across ${FLEET_REGIONS.length} Regions. The issue's bound divides by ${m.concurrency}, so it is loose; against the per-Region bound (busiest Region's DocumentDB requests ÷ ${m.concurrency} × ${LATENCY_MS} ms = ${seconds(median(m.fleet.id.map((r) => r.perRegionBoundMs)))} by id) the run is ${ratio(median(m.fleet.id.map((r) => r.invokeMs)) / median(m.fleet.id.map((r) => r.perRegionBoundMs)))}.`,
    );
  out.push(
    `- Without faults (same fleet, by id, latency only) the run takes ${seconds(m.reference.invokeMs)}: the busy clusters and the 1 % throttling cost ${seconds(median(m.fleet.id.map((r) => r.invokeMs)) - m.reference.invokeMs)}, mostly waiting.`,
  );
  const at = (key: 'tag' | 'id') => median(m.concurrencyRuns[key].map((r) => r.invokeMs));
  if (m.concurrencyRuns.tag.length && m.concurrencyRuns.id.length)
    out.push(
      `- BACKUP_CONCURRENCY ${m.whatIfConcurrency} instead of ${m.concurrency} (what-if, measured): by tag ${seconds(at('tag'))}, by id ${seconds(at('id'))} (${f1(seq / at('tag'))}x / ${f1(seq / at('id'))}x faster than sequential).`,
    );
  out.push('');

  const proposals: string[] = [];
  if (m.parserBytes > 0 && (miss('bundle size') || miss('import time') || miss('peak RSS'))) {
    const whatIf = m.whatIf
      ? ` Measured with the what-if build: bundle ${kib(m.handlerBytes)} → ${kib(m.whatIf.bytes)} (${ratio(m.whatIf.bytes / m.floor.bytes)} of the floor), import ${ms(imp(m, 'handler', 'importMs').median)} → ${ms(imp(m, 'precompiled', 'importMs').median)} (${ratio(imp(m, 'precompiled', 'importMs').median / imp(m, 'floor', 'importMs').median)}), import + first call ${ms(firstTotal(m.first).median)} → ${ms(firstTotal(m.firstWhatIf).median)}${m.precompiledRuns.length ? `, fleet peak RSS ${mib(summarize(m.fleet.tag.map((r) => r.maxRssKb)).max)} → ${mib(summarize(m.precompiledRuns.map((r) => r.maxRssKb)).max)} (by tag, worst run)` : ''}.`
      : '';
    proposals.push(
      `**Validate the policies at package time and ship them as JSON** (bundle, import, first invocation, RSS): deploy/entry.ts already loads the policy file with the product's loader; write the resolved policies as JSON, package that (serverless.yml \`package.patterns\`, POLICIES_FILE), read it in functions/backup/wiring.ts with JSON.parse, and move the constants the runtime needs out of the zod modules (shared/policy/schema.ts, tags.ts) so shared/backup and shared/planning stop importing zod.${whatIf}`,
    );
  }
  if (m.parserBytes === 0 && (miss('bundle size') || miss('import time'))) {
    const extra = Object.keys(m.repro.byPackage)
      .map((k) => [k, (m.repro.byPackage[k] ?? 0) - (m.floor.byPackage[k] ?? 0)] as const)
      .filter(([, d]) => d > 4096)
      .sort((a, b) => b[1] - a[1])
      .map(([k, d]) => `${k} ${kib(d)}`);
    proposals.push(
      `**Bundle/import still above the floor without the policy stack**: what the handler adds is ${extra.join(', ')}; the largest is where to look next.`,
    );
  }
  for (const [key, label] of [
    ['tag', 'by tag'],
    ['id', 'by id'],
  ] as const) {
    const runs = m.fleet[key];
    const recPeak = summarize(runs.map((r) => r.peakInFlightRecording)).max;
    if (recPeak === 1 && (miss(`fleet run ${label}`) || miss(`fleet run ${label} vs`))) {
      const projected = median(runs.map((r) => withParallelRecording(r, m.concurrency)));
      proposals.push(
        `**Record in parallel** (${label}): shared/aws/dynamodb.ts \`record\` and shared/aws/eventbridge.ts \`publish\` send their batches one after another, after the last snapshot; sent ${m.concurrency} at a time, and DynamoDB and EventBridge side by side in shared/backup/engine.ts, the run would take ≈ ${seconds(projected)} (${ratio(projected / median(runs.map((r) => r.lowerBoundMs)))} of the bound, ${f1(seq / projected)}x faster than sequential; estimate).`,
      );
    }
  }
  const idle = median(m.fleet.tag.map((r) => r.idleMs));
  const tagWall = median(m.fleet.tag.map((r) => r.invokeMs));
  if (idle > 0.1 * tagWall)
    proposals.push(
      `**Start each Region as soon as it is planned**: shared/backup/engine.ts \`runBackup\` awaits every Region's plan (and the quota listing) before the first snapshot, so one throttled tag read anywhere stalls all Regions; by tag, nothing is in flight for ${seconds(idle)} of ${seconds(tagWall)}. Feeding each Region's tasks to its pool when its plan is ready removes that wait (up to ≈ ${seconds(idle)}; estimate).`,
    );
  for (const [key, label] of [
    ['tag', 'by tag'],
    ['id', 'by id'],
  ] as const) {
    if (!miss(`fleet run ${label} vs`)) continue;
    const runs = m.fleet[key];
    const wall = median(runs.map((r) => r.invokeMs));
    const idleMs = median(runs.map((r) => r.idleMs));
    proposals.push(
      `**10x over sequential, ${label}** (${f1(seq / wall)}x): the gap is time with nothing in flight (${seconds(idleMs)} of ${seconds(wall)}), not request capacity; without it ≈ ${seconds(wall - idleMs)} (${f1(seq / (wall - idleMs))}x; estimate)${idle > 0.1 * tagWall ? ' — see "Start each Region as soon as it is planned"' : ''}. BACKUP_CONCURRENCY ${m.whatIfConcurrency} alone gives ${seconds(median(m.concurrencyRuns[key].map((r) => r.invokeMs)))} (what-if, measured).`,
    );
  }
  if (miss('peak RSS')) {
    const tagRss = summarize(m.fleet.tag.map((r) => r.maxRssKb)).max;
    const idRss = summarize(m.fleet.id.map((r) => r.maxRssKb)).max;
    proposals.push(
      `**Peak RSS** (worst ${mib(Math.max(tagRss, idRss))}): by tag ${mib(tagRss)} with up to ${summarize(m.fleet.tag.map((r) => r.peakInFlightDocdb)).max} DocumentDB requests in flight, by id ${mib(idRss)}; the first invocation of one cluster peaks at ${mib(median(m.first.map((r) => r.maxRssKb)))}. Fewer requests in flight at once (shared/backup/select.ts reads tags with BACKUP_CONCURRENCY per Region, all Regions at once) and a smaller bundle lower it; the 256 MB function has room, the target is the lead's budget.`,
    );
  }
  if (miss('DocumentDB calls per cluster, by id'))
    proposals.push(
      `**DocumentDB calls per cluster by id** miss 1.1 only through the injected faults (${f3(callsOf(m.reference, DOCDB) / m.reference.selected)} without them): no product change helps; the target would need to exclude the busy retries the fault mix forces.`,
    );
  out.push('## Proposed product changes (not made here)', '');
  proposals.forEach((p, i) => {
    out.push(`${i + 1}. ${p}`);
  });
  return out;
}
