/**
 * Turns the measurements into the table (figure, measured, spread, floor/bound, ratio, target, PASS/FAIL)
 * and the sections of bench/RESULTS.md. Every sentence is computed from this run's figures: a statement
 * that does not follow from them is not printed, so nothing here describes code that has since changed.
 * The one fixed text is the bound model (bench/lib/bounds.ts); a run that beats its bound is reported as
 * the model being wrong, never as a ratio below 1.
 */
import {
  BUSY_ATTEMPTS,
  BUSY_SHARE,
  FLEET_REGIONS,
  fleetClusters,
  LATENCY_MS,
  THROTTLE_BUCKETS,
  THROTTLE_RATE,
  THROTTLE_REGION,
} from '../fleet.js';
import type { Bundle } from './builds.js';
import type { CliStart } from './cli-start.js';
import type { FirstInvocation, ImportSamples } from './coldstart.js';
import type { FleetRun, HandlerRun, SequentialRun, ThrottleRun } from './fleetrun.js';
import type { PackagedService } from './package.js';
import type { ProfileSummary } from './profile.js';
import { type Row, verdict } from './report.js';
import { kib, mib, ms, ratio, type Summary, seconds, spread, summarize } from './stats.js';

/** Targets from the issues. */
export const TARGET = {
  bundleRatio: 1.2,
  importRatio: 1.15,
  /** The no-fault fleet run against its honest bound. */
  boundRatio: 1.5,
  speedup: 10,
  rssMib: 128,
  callsByTag: 2.2,
  callsById: 1.1,
  /** The throttling scenario: run time against the bucket's bound, and calls beyond the bound's own. */
  throttleBoundRatio: 1.2,
  throttleExtraCallsPerCluster: 1.5,
  /** `docdb-backup --help`, spawn to exit (issue 14 item 7). */
  cliStartMs: 300,
};

/** What bench/validate.ts printed, run as a child (absent when the script does not exist). */
export interface ValidateRun {
  exitCode: number | null;
  stdout: string;
  wallMs: number;
}

/** The CPU profile of one fleet run: the handler process (--cpu-prof) and the emulator (the bench). */
export interface ProfiledRun {
  run: FleetRun;
  label: string;
  handler?: ProfileSummary;
  emulator?: ProfileSummary;
  /** Why the handler's profile could not be attributed to sources, if it could not. */
  note?: string;
}

export interface Measured {
  /** Machine and code provenance, printed as a list. */
  info: Record<string, string>;
  /** A --quick run: fewer repetitions, the small throttling scenario, nothing written. */
  quick: boolean;
  reps: Record<string, number>;
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
  /** By id without faults (latency only): the run the bound target applies to. */
  reference: FleetRun[];
  concurrencyRuns: { tag: FleetRun[]; id: FleetRun[] };
  precompiledRuns: FleetRun[];
  sequential: SequentialRun[];
  throttle: ThrottleRun;
  profiled?: ProfiledRun;
  validate?: ValidateRun;
  /** The operator CLI's `--help` start and the bare node floor. */
  cliStart?: CliStart;
}

const DOCDB = ['rds:'];
const RECORDING = ['dynamodb:', 'events:', 'sns:'];
const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);
const f3 = (n: number) => n.toFixed(3);
const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(0)} %`;
const median = (values: readonly number[]) => summarize(values).median;

function callsOf(run: HandlerRun, prefixes: readonly string[]): number {
  return Object.entries(run.calls)
    .filter(([action]) => prefixes.some((p) => action.startsWith(p)))
    .reduce((sum, [, n]) => sum + n, 0);
}

function perCluster(runs: readonly HandlerRun[], prefixes: readonly string[]): number {
  return median(runs.map((run) => callsOf(run, prefixes) / run.selected));
}

function imp(m: Measured, name: string, key: keyof ImportSamples): Summary {
  return summarize(m.imports[name]?.[key] ?? []);
}

const firstTotal = (rows: readonly FirstInvocation[]) => summarize(rows.map((r) => r.importMs + r.invokeMs));
const loadTotal = (m: Measured) => summarize(m.loads.map((l) => l.importMs + l.parseMs));
const seqSummary = (m: Measured) => summarize(m.sequential.map((s) => s.loopMs));

/** Median invocation ÷ median bound of some fleet runs. */
function boundRatio(runs: readonly FleetRun[]): number {
  return median(runs.map((r) => r.invokeMs)) / median(runs.map((r) => r.bound.ms));
}

/** A ratio to a bound, or the statement that the bound is not one. */
function boundCell(value: number): string {
  return value < 1 ? `${ratio(value)}: NOT A BOUND (the model no longer matches the code)` : ratio(value);
}

/** The throttling scenario's figures, when it ran. */
export function throttleFigures(t: ThrottleRun) {
  const run = t.run;
  if (!run) return undefined;
  const created = run.counts.created ?? 0;
  const failedThrottled = run.failures.throttled ?? 0;
  const failed = Object.values(run.failures).reduce((a, b) => a + b, 0);
  const extraCalls = run.totalCalls - t.bound.calls;
  return {
    ratio: run.invokeMs / t.bound.ms,
    created,
    failed,
    failedThrottled,
    extraPerCluster: extraCalls / t.clusters,
    throttledPerCluster: run.throttledAnswers / t.clusters,
    callsPerCluster: run.totalCalls / t.clusters,
  };
}

/** The table rows, in the issues' order. */
export function tableRows(m: Measured): Row[] {
  const rows: Row[] = [];
  if (m.cliStart) rows.push(cliStartRow(m.cliStart));
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

  const ref = summarize(m.reference.map((r) => r.invokeMs));
  const refRatio = boundRatio(m.reference);
  rows.push({
    figure: `fleet run by id, no faults (n=${ref.n})`,
    measured: seconds(ref.median),
    spread: spread(ref, seconds),
    bound: `bound ${seconds(median(m.reference.map((r) => r.bound.ms)))}`,
    ratio: boundCell(refRatio),
    target: `≤ ${TARGET.boundRatio}x`,
    result: verdict(refRatio >= 1 && refRatio <= TARGET.boundRatio),
  });
  const seq = seqSummary(m);
  for (const [key, label, callsTarget] of [
    ['tag', 'by tag', TARGET.callsByTag],
    ['id', 'by id', TARGET.callsById],
  ] as const) {
    const runs = m.fleet[key];
    const wall = summarize(runs.map((r) => r.invokeMs));
    const fleetRatio = boundRatio(runs);
    rows.push({
      figure: `fleet run ${label}, with faults (n=${wall.n})`,
      measured: seconds(wall.median),
      spread: spread(wall, seconds),
      bound: `bound ${seconds(median(runs.map((r) => r.bound.ms)))}`,
      ratio: boundCell(fleetRatio),
      target: fleetRatio < 1 ? 'a bound' : '–',
      result: fleetRatio < 1 ? 'FAIL' : 'info',
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

  const t = m.throttle;
  const tf = throttleFigures(t);
  const scenario = `throttling, ${t.clusters} clusters in 1 Region`;
  if (!tf || !t.run) {
    rows.push({
      figure: `${scenario}: run`,
      measured: 'no result',
      spread: t.error ?? '',
      bound: `bound ${seconds(t.bound.ms)}`,
      ratio: '–',
      target: `≤ ${TARGET.throttleBoundRatio}x`,
      result: 'FAIL',
    });
  } else {
    // The bound is the time to create every snapshot: a run that gave up on some is not measured by it.
    const allCreated = tf.created === t.clusters;
    rows.push({
      figure: `${scenario}: run time (n=1)`,
      measured: seconds(t.run.invokeMs),
      spread: '(one run)',
      bound: `bound ${seconds(t.bound.ms)}`,
      ratio: allCreated ? boundCell(tf.ratio) : `– (only ${tf.created}/${t.clusters} created)`,
      target: `≤ ${TARGET.throttleBoundRatio}x, all created`,
      result: verdict(allCreated && tf.ratio >= 1 && tf.ratio <= TARGET.throttleBoundRatio),
    });
    rows.push({
      figure: `${scenario}: created / failed as throttled`,
      measured: `${tf.created}/${t.clusters} / ${tf.failedThrottled}`,
      spread: `${tf.failed} failed in all`,
      bound: '–',
      ratio: '–',
      target: 'all created, none throttled',
      result: verdict(tf.created === t.clusters && tf.failedThrottled === 0),
    });
    rows.push({
      figure: `${scenario}: calls beyond the bound's own, per cluster`,
      measured: f3(tf.extraPerCluster),
      spread: `${t.run.totalCalls} calls`,
      bound: `the bound's ${t.bound.calls} calls`,
      ratio: '–',
      target: `≤ ${TARGET.throttleExtraCallsPerCluster}`,
      result: verdict(tf.extraPerCluster <= TARGET.throttleExtraCallsPerCluster),
    });
    rows.push({
      figure: `${scenario}: throttled answers per cluster`,
      measured: f3(tf.throttledPerCluster),
      spread: `${t.run.throttledAnswers} answers`,
      bound: '–',
      ratio: '–',
      target: '–',
      result: 'info',
    });
  }
  const v = m.validate;
  if (v) {
    const line = /(PASS|FAIL): (\d+) policies validate.*? in ([\d.]+) s/.exec(v.stdout);
    rows.push({
      figure: 'policy validation (bench/validate.ts)',
      measured: line ? `${line[3]} s for ${line[2]} policies` : `exit ${v.exitCode}`,
      spread: 'best of its runs',
      bound: '–',
      ratio: '–',
      target: /target [^)]*/.exec(v.stdout)?.[0] ?? 'its own',
      result: verdict(v.exitCode === 0),
    });
  }
  return rows;
}

function actionsTable(runs: readonly HandlerRun[]): string[] {
  const actions = [...new Set(runs.flatMap((run) => Object.keys(run.calls)))].sort();
  return actions.map((action) => {
    const totals = summarize(runs.map((run) => run.calls[action] ?? 0));
    const per = median(runs.map((run) => (run.calls[action] ?? 0) / run.selected));
    const throttled = summarize(runs.map((run) => run.throttled[action] ?? 0));
    return `| ${action} | ${totals.median} (${totals.min}–${totals.max}) | ${f3(per)} | ${throttled.median} |`;
  });
}

/** `us-east-1: 1 + ⌈42/10⌉ + recording 5 round trips`: how the bound of a run adds up. */
function boundText(run: FleetRun): string {
  const b = run.bound;
  const r = b.busiest;
  const pooled = Math.ceil(r.pooledCalls / run.concurrency);
  const middle =
    r.longestChain > pooled ? `chain ${r.longestChain}` : `⌈${r.pooledCalls}/${run.concurrency}⌉`;
  const recording = Math.max(b.recording.rounds.dynamodb, b.recording.rounds.events, b.recording.rounds.page);
  return `${r.region}: ${r.listingRoundTrips} + ${middle} + recording ${recording} round trips`;
}

function variantLine(label: string, runs: readonly FleetRun[]): string {
  const wall = summarize(runs.map((r) => r.invokeMs));
  const phase = (key: 'docdbPhase' | 'recordingPhase') =>
    `${seconds(median(runs.map((r) => r[key]?.from ?? Number.NaN)))} → ${seconds(median(runs.map((r) => r[key]?.to ?? Number.NaN)))}`;
  const max = (f: (r: FleetRun) => number) => summarize(runs.map(f)).max;
  const first = runs[0] as FleetRun;
  return [
    label,
    runs.length,
    `${seconds(wall.median)} (${seconds(wall.min)}–${seconds(wall.max)})`,
    `${seconds(median(runs.map((r) => r.bound.ms)))} (${boundText(first)})`,
    boundCell(boundRatio(runs)),
    seconds(median(runs.map((r) => r.invokeCpuMs))),
    median(runs.map((r) => r.totalCalls)),
    median(runs.map((r) => r.throttledAnswers)),
    phase('docdbPhase'),
    phase('recordingPhase'),
    `${max((r) => r.peakInFlightDocdb)} / ${max((r) => r.peakInFlightRecording)} / ${f1(median(runs.map((r) => r.meanInFlight)))}`,
    `${seconds(median(runs.map((r) => r.idleMs)))} (${seconds(median(runs.map((r) => r.idleSplit.beforeDocdb)))} / ${seconds(median(runs.map((r) => r.idleSplit.duringDocdb)))} / ${seconds(median(runs.map((r) => r.idleSplit.docdbToRecording)))})`,
    `${summarize(runs.map((r) => r.counts.created ?? 0)).min}/${first.selected}`,
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
  const clusters = fleetClusters().length;
  const busy = fleetClusters().filter((c) => c.busy).length;
  out.push(
    `${clusters} DocumentDB clusters in ${FLEET_REGIONS.length} Regions (bench/fleet.ts), ${LATENCY_MS} ms per API call; with faults: ${busy} clusters (${Math.round(BUSY_SHARE * 100)} %) busy for ${BUSY_ATTEMPTS} attempts, ${Math.round(THROTTLE_RATE * 100)} % of calls throttled at random (seeded); bench/policies.yml (retry 0.1 s / 0.2 s), packaged as the service's policy file. Invocation = the handler call in its own process (import excluded).`,
    '',
    `**Bound** (bench/lib/bounds.ts): per Region, its DescribeDBClusters pages one after another, then its other DocumentDB requests BACKUP_CONCURRENCY at a time (or its longest chain of attempts on one cluster, if longer; the quota listing runs beside); the busiest Region sets the DocumentDB time; then recording, BatchWriteItem and PutEvents side by side, each BATCHES_IN_FLIGHT at a time; every call at least ${LATENCY_MS} ms. Call counts are this run's, per Region, from the emulator. Ratios are invocation ÷ bound: a ratio below 1 would mean the model is wrong, and is reported so.`,
    '',
    'In flight: peak DocumentDB / peak recording / mean of all requests. Nothing in flight: total (before the first DocumentDB request / within the DocumentDB phase / between the last DocumentDB answer and the first recording request). Handler CPU: user + system of the handler process during the invocation (the emulator shares the machine, in the bench process).',
    '',
    '| variant | runs | invocation (median, min–max) | bound (busiest Region: round trips) | ratio | handler CPU | API calls | throttled answers | DocumentDB phase | recording phase | in flight | nothing in flight | created | busy retries | peak RSS (max) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  out.push(variantLine('by id, no faults', m.reference));
  out.push(variantLine(`by tag, BACKUP_CONCURRENCY ${m.concurrency}`, m.fleet.tag));
  out.push(variantLine(`by id, BACKUP_CONCURRENCY ${m.concurrency}`, m.fleet.id));
  for (const key of ['tag', 'id'] as const)
    if (m.concurrencyRuns[key].length)
      out.push(
        variantLine(`what-if: by ${key}, BACKUP_CONCURRENCY ${m.whatIfConcurrency}`, m.concurrencyRuns[key]),
      );
  if (m.precompiledRuns.length)
    out.push(variantLine('what-if: by tag, policies precompiled', m.precompiledRuns));
  out.push(
    '',
    `Sequential baseline (bench/sequential.ts, n=${m.sequential.length}): ${seconds(seq.median)} (${seconds(seq.min)}–${seconds(seq.max)}), ${median(m.sequential.map((r) => r.calls['rds:CreateDBClusterSnapshot'] ?? 0))} CreateDBClusterSnapshot calls, created ${summarize(m.sequential.map((r) => r.created)).min}/${clusters}.`,
    '',
  );

  out.push('## API calls by action', '');
  for (const [label, runs] of [
    ['by id, no faults', m.reference],
    ['by tag', m.fleet.tag],
    ['by id', m.fleet.id],
  ] as const) {
    out.push(
      `**${label}** (${runs[0]?.selected ?? 0} selected clusters, ${runs.length} run(s)):`,
      '',
      '| action | calls per run (median, min–max) | per selected cluster | throttled answers (median) |',
      '|---|---|---|---|',
      ...actionsTable(runs),
      `| **DocumentDB total** | | **${f3(perCluster(runs, DOCDB))}** | |`,
      `| recording total (DynamoDB, EventBridge, SNS) | | ${f3(perCluster(runs, RECORDING))} | |`,
      '',
    );
  }
  const idRuns = m.fleet.id;
  const creates = (runs: readonly HandlerRun[]) =>
    median(runs.map((r) => r.calls['rds:CreateDBClusterSnapshot'] ?? 0));
  const throttledCreates = median(idRuns.map((r) => r.throttled['rds:CreateDBClusterSnapshot'] ?? 0));
  out.push(
    `By id, CreateDBClusterSnapshot is called ${creates(idRuns)} times for ${clusters} clusters: ${median(idRuns.map((r) => r.busyRetries))} busy retries (the fault configuration asks for ${BUSY_ATTEMPTS} × ${busy} = ${BUSY_ATTEMPTS * busy}) and ${throttledCreates} throttled answers; without faults, ${creates(m.reference)} calls (${f3(perCluster(m.reference, DOCDB))} DocumentDB calls per cluster in all).`,
    '',
  );
  return out;
}

/** Facts about where each variant's time went, from its own figures. */
export function findings(m: Measured): string[] {
  const seq = seqSummary(m).median;
  const out: string[] = ['## Where the time goes', ''];
  const regions = FLEET_REGIONS.length;
  for (const [label, runs] of [
    ['by id, no faults', m.reference],
    ['by tag', m.fleet.tag],
    ['by id', m.fleet.id],
  ] as const) {
    const wall = median(runs.map((r) => r.invokeMs));
    const bound = median(runs.map((r) => r.bound.ms));
    const cpu = median(runs.map((r) => r.invokeCpuMs));
    const rec = median(runs.map((r) => (r.recordingPhase ? r.recordingPhase.to - r.recordingPhase.from : 0)));
    const recPeak = summarize(runs.map((r) => r.peakInFlightRecording)).max;
    const docdbPeak = summarize(runs.map((r) => r.peakInFlightDocdb)).max;
    const idle = (key: keyof FleetRun['idleSplit']) => seconds(median(runs.map((r) => r.idleSplit[key])));
    const sentences = [
      `**${label}** (${seconds(wall)}, ${ratio(wall / bound)} of its bound ${seconds(bound)}): DocumentDB from ${seconds(median(runs.map((r) => r.docdbPhase?.from ?? Number.NaN)))} to ${seconds(median(runs.map((r) => r.docdbPhase?.to ?? Number.NaN)))}, at most ${docdbPeak} requests in flight (the limit is ${m.concurrency} per Region × ${regions} Regions = ${m.concurrency * regions}); recording ${median(runs.map((r) => callsOf(r, RECORDING)))} calls in ${seconds(rec)}, at most ${recPeak} at a time.`,
      `Nothing in flight for ${seconds(median(runs.map((r) => r.idleMs)))}: ${idle('beforeDocdb')} before the first DocumentDB request, ${idle('duringDocdb')} within the DocumentDB phase, ${idle('docdbToRecording')} between the last DocumentDB answer and the first recording request.`,
      `The handler process was on CPU for ${seconds(cpu)} of it (${pct(cpu, wall)}), ${ms(cpu / median(runs.map((r) => r.totalCalls)))} per API call${cpu > 0.5 * wall ? `: more than half the invocation, so its time is bound by CPU as much as by the ${LATENCY_MS} ms calls (see "CPU profile")` : ''}.`,
    ];
    out.push(`- ${sentences.join(' ')}`);
  }
  const refWall = median(m.reference.map((r) => r.invokeMs));
  out.push(
    `- The fault mix adds ${seconds(median(m.fleet.id.map((r) => r.invokeMs)) - refWall)} by id (median with faults minus the median without).`,
  );
  const at = (key: 'tag' | 'id') => median(m.concurrencyRuns[key].map((r) => r.invokeMs));
  if (m.concurrencyRuns.tag.length && m.concurrencyRuns.id.length)
    out.push(
      `- BACKUP_CONCURRENCY ${m.whatIfConcurrency} instead of ${m.concurrency} (what-if, measured): by tag ${seconds(at('tag'))} (${ratio(boundRatio(m.concurrencyRuns.tag))} of its bound), by id ${seconds(at('id'))} (${ratio(boundRatio(m.concurrencyRuns.id))}); ${f1(seq / at('tag'))}x / ${f1(seq / at('id'))}x faster than sequential.`,
    );
  out.push('');
  return out;
}

/** The throttling scenario: its setup, bound, figures and verdicts. */
export function throttleSection(m: Measured): string[] {
  const t = m.throttle;
  const create = THROTTLE_BUCKETS['rds:CreateDBClusterSnapshot'];
  const other = THROTTLE_BUCKETS['rds:*'];
  const out: string[] = ['## Throttling', ''];
  out.push(
    `${t.clusters} DocumentDB clusters in ${THROTTLE_REGION} (policy \`${t.policy}\`), the emulator's token buckets for the account and Region: CreateDBClusterSnapshot ${create.rate}/s (burst ${create.burst}), every other DocumentDB call ${other.rate}/s (burst ${other.burst}); ${LATENCY_MS} ms per call, throttled answers included; BACKUP_CONCURRENCY ${m.concurrency}.${m.quick ? ` (--quick: ${t.clusters} clusters instead of the full scenario's.)` : ''}`,
    '',
    `**Bound**: the listing pages (⌈${t.clusters} ÷ 100⌉ = ${t.bound.listingRoundTrips}, one after another, within the other calls' burst) ${seconds(t.bound.listingRoundTrips * LATENCY_MS)} + the create bucket's time for the snapshots beyond its burst ((${t.clusters} − ${create.burst}) ÷ ${create.rate} = ${seconds(t.bound.bucketMs)}) + the last create's round trip ${seconds(LATENCY_MS)} + recording ${seconds(t.bound.recording.ms)} = **${seconds(t.bound.ms)}**. The calls it counts: ${t.bound.calls} (listing, the quota listing, one create per cluster, full recording batches).`,
    '',
  );
  const tf = throttleFigures(t);
  if (!t.run || !tf) {
    out.push(`No result: ${t.error ?? 'the run did not complete'}.`, '');
    return out;
  }
  const run = t.run;
  const failures = Object.entries(run.failures)
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${n} ${code}`);
  out.push(
    `Run: ${seconds(run.invokeMs)} (${tf.created === t.clusters ? `${boundCell(tf.ratio)} of the bound` : `the bound is the time to create all ${t.clusters}; this run created ${tf.created}`}; target ≤ ${TARGET.throttleBoundRatio}x), created ${tf.created}/${t.clusters}, failed ${tf.failed}${failures.length ? ` (${failures.join(', ')})` : ''}. ${run.totalCalls} API calls (${f3(tf.callsPerCluster)} per cluster), ${run.totalCalls - t.bound.calls} beyond the bound's ${t.bound.calls} = ${f3(tf.extraPerCluster)} per cluster (target ≤ ${TARGET.throttleExtraCallsPerCluster}); ${run.throttledAnswers} throttled answers = ${f3(tf.throttledPerCluster)} per cluster. DocumentDB from ${seconds(run.docdbPhase?.from ?? Number.NaN)} to ${seconds(run.docdbPhase?.to ?? Number.NaN)}, at most ${run.peakInFlightDocdb} requests in flight; handler CPU ${seconds(run.invokeCpuMs)}.`,
    '',
    '| action | calls | throttled answers |',
    '|---|---|---|',
    ...Object.keys(run.calls)
      .sort()
      .map((action) => `| ${action} | ${run.calls[action]} | ${run.throttled[action] ?? 0} |`),
    '',
  );
  if (tf.created > 0 && run.docdbPhase) {
    const docdbSeconds = (run.docdbPhase.to - run.docdbPhase.from) / 1000;
    const accepted = run.calls['rds:CreateDBClusterSnapshot'] ?? 0;
    out.push(
      `Creates: ${accepted} CreateDBClusterSnapshot calls, ${run.throttled['rds:CreateDBClusterSnapshot'] ?? 0} of them throttled, over ${f1(docdbSeconds)} s of DocumentDB phase: ${f2((accepted - (run.throttled['rds:CreateDBClusterSnapshot'] ?? 0)) / docdbSeconds)} accepted per second against the bucket's ${create.rate}.`,
      '',
    );
  }
  return out;
}

function profileTable(summary: ProfileSummary, label: string): string[] {
  return [
    `| # | ${label}: function | where | group | self time | share of busy |`,
    '|---|---|---|---|---|---|',
    ...summary.top.map(
      (e, i) =>
        `| ${i + 1} | ${e.ours ? `**${e.name}**` : e.name} | ${e.location || '–'} | ${e.group} | ${ms(e.ms)} | ${pct(e.ms, summary.busyMs)} |`,
    ),
    '',
  ];
}

function groupLine(summary: ProfileSummary, count: number): string {
  return summary.groups
    .slice(0, count)
    .map((g) => `${g.ours ? `**${g.group}**` : g.group} ${pct(g.ms, summary.busyMs)}`)
    .join(', ');
}

/** What the CPU goes to, from the profiles of one run. */
export function profileSection(m: Measured): string[] {
  const p = m.profiled;
  if (!p) return [];
  const out: string[] = ['## CPU profile', ''];
  const run = p.run;
  out.push(
    `One more run, ${p.label}, with the handler process under \`node --cpu-prof\` and the bench process (the emulator) under the inspector's profiler; not counted in the figures above (profiling slows it: ${seconds(run.invokeMs)} here, handler CPU ${seconds(run.invokeCpuMs)} for ${run.totalCalls} API calls, ${ms(run.invokeCpuMs / run.totalCalls)} per call). Self time, idle excluded.`,
    '',
  );
  const h = p.handler;
  if (h) {
    out.push(
      `**Handler process** during the invocation${h.windowed ? '' : ' (whole process: the invocation window did not match the profile clock)'}: ${seconds(h.busyMs)} busy of ${seconds(h.sampledMs)} sampled. By group: ${groupLine(h, 10)}.`,
      '',
      h.oursBest
        ? `Our code (functions/, shared/) takes ${ms(h.oursMs)}, ${pct(h.oursMs, h.busyMs)} of the busy time; its largest entry, ${h.oursBest.name} (${h.oursBest.location}), ranks #${h.oursBestRank} with ${ms(h.oursBest.ms)}${(h.oursBestRank ?? 99) <= h.top.length ? ' (bold below)' : `, below the top ${h.top.length}`}.`
        : 'None of our code (functions/, shared/) was sampled.',
      '',
      ...profileTable(h, 'handler'),
    );
  }
  if (p.note) out.push(p.note, '');
  const e = p.emulator;
  if (e) {
    out.push(
      `**Emulator** (the bench process while the handler's process ran): ${seconds(e.busyMs)} busy of ${seconds(e.sampledMs)} sampled. By group: ${groupLine(e, 10)}. The emulator's own code (local/) takes ${pct(e.oursMs, e.busyMs)}.`,
      '',
      ...profileTable(e, 'emulator'),
    );
  }
  return out;
}

/** bench/validate.ts as it printed itself. */
export function validateSection(m: Measured): string[] {
  const v = m.validate;
  if (!v) return [];
  return [
    '## Policy validation (bench/validate.ts)',
    '',
    `Run as a child process (\`node --import tsx bench/validate.ts\`, ${seconds(v.wallMs)}, exit code ${v.exitCode}); its output:`,
    '',
    '```',
    v.stdout.trimEnd(),
    '```',
    '',
  ];
}

/** The operator CLI's start (the bundle), against the target and the bare node process it runs in. */
function cliStartRow(start: CliStart): Row {
  const help = summarize(start.helpMs);
  const floor = summarize(start.floorMs);
  return {
    figure: `CLI --help start (n=${help.n})`,
    measured: ms(help.median),
    spread: spread(help, ms),
    bound: `floor node -e '' ${ms(floor.median)}`,
    ratio: ratio(help.median / floor.median),
    target: `≤ ${TARGET.cliStartMs} ms`,
    result: verdict(help.median <= TARGET.cliStartMs),
  };
}
