/**
 * `npm run bench [-- --quick] [-- --no-write] [-- --keep]`: cold start, fleet run time, API calls and the
 * throttling scenario of the packaged backup function, each next to its floor or bound, with median and
 * spread of several runs; a CPU profile of one run; bench/validate.ts's figures when it exists. Writes
 * bench/RESULTS.md (full runs from a clean work tree only, so the file always describes a commit).
 * Everything measured runs the `handler.mjs` that `serverless package` produces, in fresh Node processes,
 * against the loopback emulator on 127.0.0.1. Nothing here asserts on time: misses are reported, never
 * thrown.
 *
 *   --quick           fewer repetitions and the small throttling scenario (a smoke run; says so, writes nothing)
 *   --no-write        do not write bench/RESULTS.md (measures a dirty work tree too)
 *   --keep            keep the temporary service copies, bundles, logs and profiles
 *   --write-policies  regenerate bench/policies.yml from bench/fleet.ts and exit
 */
import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { version as esbuildVersion } from 'esbuild';
import { startEmulator } from '../local/emulator.js';
import { loadPolicyFile } from '../shared/policy/index.js';
import * as schemaModule from '../shared/policy/schema.js';
import * as tagsModule from '../shared/policy/tags.js';
import {
  fleetFaults,
  fleetPolicyProblems,
  policyFileText,
  THROTTLE_CLUSTERS,
  THROTTLE_QUICK_CLUSTERS,
} from './fleet.js';
import {
  type Bundle,
  bundle,
  bundlePrecompiledWhatIf,
  reproduceHandler,
  whatIfTaskRoot,
} from './lib/builds.js';
import { runScript } from './lib/child.js';
import { measureCliStart } from './lib/cli-start.js';
import {
  type FirstInvocation,
  firstInvocation,
  firstInvocationPolicy,
  type ImportTarget,
  measureImports,
  policyLoad,
} from './lib/coldstart.js';
import {
  type FleetRun,
  type FleetVariant,
  fleetRun,
  type SequentialRun,
  sequentialRun,
  throttleRun,
} from './lib/fleetrun.js';
import { type PackagedService, packageService, ROOT } from './lib/package.js';
import { EMULATOR_CODE, locator, PRODUCT_CODE, summarizeProfile } from './lib/profile.js';
import { markdownTable, textTable } from './lib/report.js';
import { ratio, seconds, summarize } from './lib/stats.js';
import {
  detailSections,
  findings,
  type Measured,
  type ProfiledRun,
  profileSection,
  tableRows,
  throttleSection,
  validateSection,
} from './lib/summary.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// The emulator (in this process) adds an abort listener per call waiting out its injected latency: with a
// hundred calls in flight, Node's leak warning would only be noise here.
EventEmitter.defaultMaxListeners = 1000;

const args = new Set(process.argv.slice(2));
const KNOWN = ['--quick', '--no-write', '--keep', '--write-policies'];
for (const arg of args) {
  if (!KNOWN.includes(arg)) {
    console.error(`unknown option ${arg}; expected ${KNOWN.join(', ')}`);
    process.exit(2);
  }
}
const POLICIES_PATH = join(ROOT, 'bench', 'policies.yml');
if (args.has('--write-policies')) {
  writeFileSync(POLICIES_PATH, policyFileText());
  console.log(`wrote ${POLICIES_PATH}`);
  process.exit(0);
}
const benchPolicies = await loadPolicyFile(POLICIES_PATH);
const policyProblems = fleetPolicyProblems(benchPolicies);
if (policyProblems.length) {
  console.error(
    `bench/policies.yml does not select the bench fleet (${policyProblems.join('; ')}): run \`npm run bench -- --write-policies\``,
  );
  process.exit(2);
}

const QUICK = args.has('--quick');
const WRITE = !QUICK && !args.has('--no-write');
const REPS = QUICK
  ? { imports: 10, first: 3, fleet: 2, reference: 1, sequential: 1, precompiled: 1, concurrency: 1 }
  : { imports: 20, first: 10, fleet: 4, reference: 3, sequential: 1, precompiled: 3, concurrency: 2 };
const THROTTLE = QUICK
  ? { clusters: THROTTLE_QUICK_CLUSTERS, policy: 'throttle-quick' }
  : { clusters: THROTTLE_CLUSTERS, policy: 'throttle-by-id' };
/** The throttling run may take its whole bound and more; past this it is reported as not finished. */
const THROTTLE_TIMEOUT_MS = 300_000;
/** What-if: the same code with more DocumentDB requests in flight (only BACKUP_CONCURRENCY changes). */
const WHAT_IF_CONCURRENCY = 25;
const SLOT = '2026-11-28T03:00:00Z';

const benchStarted = performance.now();
const startLoad = loadavg();
const progress = (message: string) =>
  console.error(`· ${((performance.now() - benchStarted) / 1000).toFixed(0).padStart(4)} s  ${message}`);

function git(...gitArgs: string[]): string {
  try {
    return execFileSync('git', gitArgs, {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trimEnd();
  } catch {
    return '';
  }
}

/**
 * Paths that differ from HEAD: tracked changes and untracked files git does not ignore
 * (`git status --porcelain`), bench/RESULTS.md itself excepted (it is the output).
 */
function uncommitted(): string[] {
  return git('status', '--porcelain', '--untracked-files=all')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(3))
    .filter((path) => path !== 'bench/RESULTS.md');
}

/** Why bench/RESULTS.md is not written from this work tree, and what to do about it. */
function dirtyTreeMessage(paths: readonly string[], when: string): string {
  const shown = paths.slice(0, 12).join(', ');
  return [
    `bench/RESULTS.md is written only from a clean work tree, so that it describes a commit; ${when} ${paths.length} path(s) differ from HEAD (git status --porcelain): ${shown}${paths.length > 12 ? ', …' : ''}.`,
    'Commit them (or `git stash --include-untracked`) and run `npm run bench` again, or measure the work tree as it is with `npm run bench -- --no-write`.',
  ].join('\n');
}

if (WRITE) {
  const dirty = uncommitted();
  if (dirty.length > 0) {
    console.error(dirtyTreeMessage(dirty, 'now'));
    process.exit(2);
  }
}

function machine(): Record<string, string> {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const meminfo = readFileSync('/proc/meminfo', 'utf8');
  const memKb = Number(/MemTotal:\s+(\d+) kB/.exec(meminfo)?.[1] ?? totalmem() / 1024);
  const version = (pkg: string) =>
    (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string })
      .version;
  // What was packaged is the work tree: name the commit and, for --no-write/--quick runs, what differed.
  const dirty = uncommitted();
  return {
    date: new Date().toISOString(),
    nproc: execFileSync('nproc', { encoding: 'utf8' }).trim(),
    cpu: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown',
    memory: `${(memKb / 1024 / 1024).toFixed(1)} GiB`,
    node: process.version,
    kernel: release(),
    'load average at start (1/5/15 min)': startLoad.map((l) => l.toFixed(2)).join(' / '),
    'esbuild / osls / @aws-sdk/client-docdb': `${esbuildVersion} / ${version('osls')} / ${version('@aws-sdk/client-docdb')}`,
    code: `${git('rev-parse', '--short', 'HEAD')} "${git('log', '-1', '--format=%s')}"${dirty.length ? `, plus uncommitted changes to ${dirty.length} path(s): ${dirty.slice(0, 20).join(', ')}${dirty.length > 20 ? ', …' : ''}` : ' (clean work tree)'}`,
  };
}

async function main(): Promise<void> {
  const info = machine();
  if (QUICK)
    progress(
      `QUICK RUN (--quick): ${REPS.imports} import rounds, ${REPS.fleet} fleet runs per variant, the throttling scenario with ${THROTTLE.clusters} clusters; indicative figures only, bench/RESULTS.md is not written`,
    );
  progress(`machine: ${info.nproc} CPU (${info.cpu}), ${info.memory}, Node ${info.node}; code ${info.code}`);
  progress('serverless package (timeout 300 s), twice: the service as is, and with bench/policies.yml');
  const packaged = packageService();
  let fleetPackage: PackagedService;
  try {
    fleetPackage = packageService({ policies: POLICIES_PATH });
  } catch (error) {
    rmSync(packaged.serviceDir, { recursive: true, force: true });
    throw error;
  }
  const logDir = join(packaged.serviceDir, 'bench-logs');
  mkdirSync(logDir, { recursive: true });
  progress(`packaged in ${seconds(packaged.packageMs)} and ${seconds(fleetPackage.packageMs)}`);
  try {
    const measured = await measure(info, packaged, fleetPackage, logDir);
    report(measured);
  } catch (error) {
    // The logs are kept for the reader (in the first copy); the second copy goes.
    rmSync(fleetPackage.serviceDir, { recursive: true, force: true });
    console.error(`bench failed; logs kept in ${logDir} (remove ${packaged.serviceDir} when done)`);
    throw error;
  }
  for (const dir of [packaged.serviceDir, fleetPackage.serviceDir]) {
    if (args.has('--keep')) progress(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(
  info: Record<string, string>,
  packaged: PackagedService,
  fleetPackage: PackagedService,
  logDir: string,
): Promise<Measured> {
  const { serviceDir, taskRoot, handlerFile, functionEnv } = packaged;
  const handlerBytes = readFileSync(handlerFile).length;
  const fleetHandlerIdentical = readFileSync(fleetPackage.handlerFile).equals(readFileSync(handlerFile));
  const concurrency = Number(functionEnv.BACKUP_CONCURRENCY ?? '10');

  // --- Bundles built the same way ----------------------------------------------------------------
  const repro = await reproduceHandler(serviceDir, handlerFile);
  const builds = join(serviceDir, 'bench-builds');
  for (const [name, source] of [
    ['floor', 'floor.ts'],
    ['policies', 'policies.ts'],
  ] as const) {
    mkdirSync(join(serviceDir, 'functions', `bench-${name}`), { recursive: true });
    writeFileSync(
      join(serviceDir, 'functions', `bench-${name}`, 'handler.ts'),
      readFileSync(join(ROOT, 'bench', 'entries', source)),
    );
  }
  const floor = await bundle(serviceDir, 'functions/bench-floor/handler.ts', join(builds, 'floor'));
  const policyOnly = await bundle(
    serviceDir,
    'functions/bench-policies/handler.ts',
    join(builds, 'policies'),
  );
  const parserBytes = (repro.byPackage.zod ?? 0) + (repro.byPackage.yaml ?? 0);
  const policyBytes = parserBytes + (repro.byPackage['shared/policy'] ?? 0);
  const hasParser = parserBytes > 0;
  const sourcePolicies = await loadPolicyFile(join(serviceDir, 'config', 'policies.yml'));

  // What-if (only while the bundle still parses YAML with zod): the handler with precompiled policies.
  let whatIf: { bundle: Bundle; root: string; handlerFile: string; fleetRoot: string } | undefined;
  let whatIfNote = '';
  const policiesFile = functionEnv.POLICIES_FILE ?? 'config/policies.yml';
  if (hasParser) {
    try {
      const built = await bundlePrecompiledWhatIf(serviceDir, join(builds, 'precompiled'), {
        schema: schemaModule,
        tags: tagsModule,
      });
      const real = whatIfTaskRoot(taskRoot, built.file, policiesFile, sourcePolicies);
      const fleetEnvFile = fleetPackage.functionEnv.POLICIES_FILE ?? policiesFile;
      const fleet = whatIfTaskRoot(fleetPackage.taskRoot, built.file, fleetEnvFile, benchPolicies);
      whatIf = { bundle: built, ...real, fleetRoot: fleet.root };
    } catch (error) {
      whatIfNote = `The precompiled what-if could not be built: ${(error as Error).message.split('\n')[0]}`;
    }
  } else {
    whatIfNote =
      'No precompiled what-if: the packaged handler already carries no YAML parser and no zod (policies compiled at package time).';
  }
  progress(
    `bundles: handler ${(handlerBytes / 1024).toFixed(1)} KiB (rebuilt ${repro.identical ? 'byte-identical' : 'DIFFERENT'}; fleet package ${fleetHandlerIdentical ? 'same bytes' : 'DIFFERENT'}), floor ${(floor.bytes / 1024).toFixed(1)} KiB${whatIf ? `, precompiled what-if ${(whatIf.bundle.bytes / 1024).toFixed(1)} KiB` : ''}`,
  );

  // --- Import in fresh processes ----------------------------------------------------------------
  const targets: ImportTarget[] = [
    { name: 'node', cwd: taskRoot },
    { name: 'floor', module: floor.file, cwd: taskRoot },
    { name: 'handler', module: handlerFile, cwd: taskRoot },
    { name: 'policies', module: policyOnly.file, cwd: taskRoot },
    ...(whatIf ? [{ name: 'precompiled', module: whatIf.handlerFile, cwd: whatIf.root }] : []),
  ];
  progress(`imports: ${REPS.imports} rounds × ${targets.map((t) => t.name).join(', ')}`);
  const imports = await measureImports(targets, functionEnv, REPS.imports, logDir, (round) => {
    if ((round + 1) % 10 === 0) progress(`imports: ${round + 1}/${REPS.imports}`);
  });

  const emu = await startEmulator({ port: 0 });
  try {
    // --- First invocation against the emulator -------------------------------------------------
    const policy = firstInvocationPolicy(sourcePolicies);
    progress(
      `first invocation: ${REPS.first} × policy "${policy.name}" (${policy.regions.length} Region(s) × ${policy.clusters.identifiers.length} cluster(s)), emulator without latency`,
    );
    const first: FirstInvocation[] = [];
    const firstWhatIf: FirstInvocation[] = [];
    const loads: { importMs: number; parseMs: number }[] = [];
    const common = { emu, functionEnv, policy, slot: SLOT, logDir };
    for (let i = 0; i < REPS.first; i++) {
      first.push(await firstInvocation({ ...common, taskRoot, handlerFile, name: 'first-handler' }));
      if (whatIf)
        firstWhatIf.push(
          await firstInvocation({
            ...common,
            taskRoot: whatIf.root,
            handlerFile: whatIf.handlerFile,
            name: 'first-precompiled',
          }),
        );
      loads.push(
        await policyLoad(policyOnly.file, taskRoot, join(serviceDir, 'config', 'policies.yml'), logDir),
      );
    }

    // --- Fleet runs ------------------------------------------------------------------------------
    const variants: FleetVariant[] = [
      { key: 'tag', policy: 'fleet-by-tag', concurrency, faults: fleetFaults() },
      { key: 'id', policy: 'fleet-by-id', concurrency, faults: fleetFaults() },
    ];
    const fleetOptions = {
      emu,
      taskRoot: fleetPackage.taskRoot,
      handlerFile: fleetPackage.handlerFile,
      functionEnv: fleetPackage.functionEnv,
      logDir,
    };
    const fleet = { tag: [] as FleetRun[], id: [] as FleetRun[] };
    progress(
      `fleet: ${REPS.fleet} runs × {by tag, by id}: 400 clusters, 50 ms per call, 5 % busy ×2, 1 % throttled, BACKUP_CONCURRENCY ${concurrency}`,
    );
    const describe = (run: FleetRun) =>
      `${seconds(run.invokeMs)} (bound ${seconds(run.bound.ms)}, ${ratio(run.invokeMs / run.bound.ms)}; ${run.totalCalls} calls, ${run.throttledAnswers} throttled; created ${run.counts.created}/${run.selected}; peak RSS ${(run.maxRssKb / 1024).toFixed(1)} MiB)`;
    for (let i = 0; i < REPS.fleet; i++) {
      for (const variant of variants) {
        const run = await fleetRun({ ...fleetOptions, variant });
        fleet[variant.key as 'tag' | 'id'].push(run);
        progress(`fleet ${variant.key} #${i + 1}: ${describe(run)}`);
      }
    }
    const referenceVariant: FleetVariant = {
      key: 'id-nofaults',
      policy: 'fleet-by-id',
      concurrency,
      faults: fleetFaults('none'),
    };
    const reference: FleetRun[] = [];
    for (let i = 0; i < REPS.reference; i++) {
      const run = await fleetRun({ ...fleetOptions, variant: referenceVariant });
      reference.push(run);
      progress(`fleet by id, no faults #${i + 1}: ${describe(run)}`);
    }
    const concurrencyRuns = { tag: [] as FleetRun[], id: [] as FleetRun[] };
    const precompiledRuns: FleetRun[] = [];
    for (let i = 0; i < Math.max(REPS.precompiled, REPS.concurrency); i++) {
      for (const variant of i < REPS.concurrency ? variants : []) {
        const run = await fleetRun({
          ...fleetOptions,
          variant: {
            ...variant,
            key: `${variant.key}-c${WHAT_IF_CONCURRENCY}`,
            concurrency: WHAT_IF_CONCURRENCY,
          },
        });
        concurrencyRuns[variant.key as 'tag' | 'id'].push(run);
        progress(
          `what-if ${variant.key}, BACKUP_CONCURRENCY ${WHAT_IF_CONCURRENCY} #${i + 1}: ${seconds(run.invokeMs)}`,
        );
      }
      if (!whatIf || i >= REPS.precompiled) continue;
      const run = await fleetRun({
        ...fleetOptions,
        taskRoot: whatIf.fleetRoot,
        handlerFile: join(whatIf.fleetRoot, 'functions', 'backup', 'handler.mjs'),
        variant: { key: 'tag-precompiled', policy: 'fleet-by-tag', concurrency, faults: fleetFaults() },
      });
      precompiledRuns.push(run);
      progress(
        `what-if by tag, policies precompiled #${i + 1}: ${seconds(run.invokeMs)}, peak RSS ${(run.maxRssKb / 1024).toFixed(1)} MiB`,
      );
    }
    // --- The throttling scenario ----------------------------------------------------------------------
    progress(
      `throttling: ${THROTTLE.clusters} clusters in one Region, buckets 5 creates/s (burst 5) and 10 other calls/s (at least ${seconds(((THROTTLE.clusters - 5) / 5) * 1000)}; gives up after ${seconds(THROTTLE_TIMEOUT_MS)})`,
    );
    const throttle = await throttleRun({
      ...fleetOptions,
      concurrency,
      clusters: THROTTLE.clusters,
      policy: THROTTLE.policy,
      timeoutMs: THROTTLE_TIMEOUT_MS,
    });
    progress(
      throttle.run
        ? `throttling: ${seconds(throttle.run.invokeMs)} (bound ${seconds(throttle.bound.ms)}), created ${throttle.run.counts.created ?? 0}/${throttle.clusters}, failed ${JSON.stringify(throttle.run.failures)}, ${throttle.run.totalCalls} calls, ${throttle.run.throttledAnswers} throttled`
        : `throttling: no result (${throttle.error})`,
    );

    // --- CPU profile of one fault-free run -------------------------------------------------------------
    const profiled = await profileRun(fleetOptions, referenceVariant, fleetPackage, logDir);

    const retry = benchPolicies[0]?.retry;
    if (!retry) throw new Error('bench/policies.yml has no policy');
    const sequential: SequentialRun[] = [];
    for (let i = 0; i < REPS.sequential; i++) {
      progress(`sequential baseline #${i + 1}/${REPS.sequential} (one cluster after another, ~30 s)`);
      const run = await sequentialRun(emu, fleetFaults(), retry, logDir);
      sequential.push(run);
      progress(`sequential #${i + 1}: ${seconds(run.loopMs)}, created ${run.created}, failed ${run.failed}`);
    }

    return {
      info,
      packaged,
      fleetPackage,
      fleetHandlerIdentical,
      handlerBytes,
      repro,
      floor,
      policyOnly,
      parserBytes,
      policyBytes,
      whatIf: whatIf?.bundle,
      whatIfNote,
      imports,
      first,
      firstWhatIf,
      loads,
      policyName: policy.name,
      concurrency,
      whatIfConcurrency: WHAT_IF_CONCURRENCY,
      fleet,
      reference,
      concurrencyRuns,
      precompiledRuns,
      sequential,
      throttle,
      profiled,
      validate: await validateRun(logDir),
      cliStart: await cliStartRun(),
      quick: QUICK,
      reps: REPS,
    };
  } finally {
    await emu.stop();
  }
}

/** Profiles one more fault-free fleet run: the handler under --cpu-prof, the emulator (this process) too. */
async function profileRun(
  fleetOptions: Omit<Parameters<typeof fleetRun>[0], 'variant'>,
  variant: FleetVariant,
  fleetPackage: PackagedService,
  logDir: string,
): Promise<ProfiledRun | undefined> {
  progress(
    'CPU profile: one more fault-free run by id, handler under --cpu-prof, emulator under the inspector',
  );
  const profileDir = join(logDir, 'cpu-profile');
  mkdirSync(profileDir, { recursive: true });
  try {
    // The same build with an external source map: the bundle's bytes stay those of the packaged handler.
    const mapped = await reproduceHandler(fleetPackage.serviceDir, fleetPackage.handlerFile, {
      sourcemap: true,
      dir: 'profile',
    });
    const run = await fleetRun({ ...fleetOptions, variant: { ...variant, key: 'id-profiled' }, profileDir });
    const note = mapped.identical
      ? undefined
      : 'The source-mapped rebuild differs from the packaged handler.mjs: handler frames are shown unmapped.';
    const handler = run.profile
      ? summarizeProfile(run.profile.data, {
          locate: locator(
            fleetPackage.taskRoot,
            mapped.identical
              ? { url: pathToFileURL(fleetPackage.handlerFile).href, mapFile: `${mapped.file}.map` }
              : undefined,
          ),
          ours: PRODUCT_CODE,
          top: 15,
          windowUs: run.profile.windowUs,
        })
      : undefined;
    const emulator = run.emulatorProfile
      ? summarizeProfile(run.emulatorProfile, { locate: locator(ROOT), ours: EMULATOR_CODE, top: 10 })
      : undefined;
    progress(
      `CPU profile: handler ${handler ? seconds(handler.busyMs) : '–'} busy, our code ${handler ? seconds(handler.oursMs) : '–'}; emulator ${emulator ? seconds(emulator.busyMs) : '–'} busy`,
    );
    return { run, label: 'by id without faults', handler, emulator, note };
  } catch (error) {
    progress(`CPU profile: failed (${(error as Error).message.split('\n')[0]})`);
    return undefined;
  }
}

/** The operator CLI's `--help` start: the esbuild bundle in fresh processes, 20 runs (10 for --quick). */
async function cliStartRun(): Promise<Measured['cliStart']> {
  const reps = QUICK ? 10 : 20;
  progress(`CLI start: ${reps} × docdb-backup --help (the dist/cli bundle) and node -e ''`);
  const start = await measureCliStart(reps);
  progress(`CLI start: median ${summarize(start.helpMs).median.toFixed(0)} ms`);
  return start;
}

/** bench/validate.ts, another engineer's standalone bench, run as a child when it exists. */
async function validateRun(logDir: string): Promise<Measured['validate']> {
  const script = join(ROOT, 'bench', 'validate.ts');
  if (!existsSync(script)) return undefined;
  progress(`policy validation: node --import tsx bench/validate.ts${QUICK ? ' 1000' : ''}`);
  const run = await runScript({
    args: ['--import', 'tsx', script, ...(QUICK ? ['1000'] : [])],
    cwd: ROOT,
    logDir,
    name: 'validate',
    timeoutMs: 180_000,
  });
  progress(`policy validation: exit ${run.exitCode} in ${seconds(run.wallMs)}`);
  return run;
}

function report(m: Measured): void {
  const rows = tableRows(m);
  const details = [
    ...detailSections(m),
    ...findings(m),
    ...throttleSection(m),
    ...profileSection(m),
    ...validateSection(m),
  ];
  const elapsed = (performance.now() - benchStarted) / 1000;
  const quickBanner = `QUICK RUN (--quick): ${Object.entries(m.reps)
    .map(([k, n]) => `${k} ×${n}`)
    .join(
      ', ',
    )}, throttling with ${m.throttle.clusters} clusters. Indicative figures only; bench/RESULTS.md is not written.`;
  console.log('');
  if (QUICK) console.log(quickBanner, '\n');
  console.log(textTable(rows));
  console.log('');
  console.log(details.join('\n'));
  console.log('');
  console.log(`bench took ${elapsed.toFixed(0)} s${QUICK ? ' (QUICK RUN: --quick)' : ''}`);
  if (QUICK) console.log(quickBanner);
  if (!WRITE) {
    if (!QUICK) console.log('bench/RESULTS.md not written (--no-write)');
    return;
  }
  // The tree was clean at the start; it must still be, or the figures are not of one commit.
  const dirty = uncommitted();
  if (dirty.length > 0) {
    console.error(dirtyTreeMessage(dirty, 'during the run'));
    process.exitCode = 2;
    return;
  }
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const md = [
    '# Benchmarks: cold start, fleet run time, API calls and throttling',
    '',
    `Generated by \`${command}\` (bench/run.ts; it took ${elapsed.toFixed(0)} s) from commit ${git('rev-parse', '--short', 'HEAD')} with a clean work tree. Every figure comes from the`,
    '`handler.mjs` that `serverless package` produced for this run, imported and invoked in fresh Node',
    'processes against the loopback emulator (127.0.0.1). Medians of several runs; the spread is min–max for',
    'fewer than 20 runs, p10–p90 otherwise. The machine is shared and noisy: compare ratios, not absolute times.',
    '',
    '## Machine and code',
    '',
    ...Object.entries(m.info).map(([k, v]) => `- ${k}: ${v}`),
    '',
    '## Figures',
    '',
    markdownTable(rows),
    '',
    ...details,
    '',
  ].join('\n');
  writeFileSync(join(ROOT, 'bench', 'RESULTS.md'), md);
  console.log('wrote bench/RESULTS.md');
}

await main();
