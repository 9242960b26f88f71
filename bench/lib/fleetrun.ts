/**
 * Runs of the packaged handler against the emulator, one fresh process each, every API call counted by the
 * emulator (per action, per Region, throttled answers apart): the 400-cluster fleet (bench/fleet.ts), the
 * throttling scenario, and the sequential baseline script.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator, FaultConfig, FleetSeed } from '../../local/emulator.js';
import { provisionService } from '../../local/service.js';
import type { RetrySettings } from '../../shared/policy/schema.js';
import {
  fleetClusters,
  fleetSeed,
  LATENCY_MS,
  THROTTLE_BUCKETS,
  throttleFaults,
  throttleSeed,
} from '../fleet.js';
import { type FleetBound, fleetBound, type ThrottleBound, throttleBound } from './bounds.js';
import { PROBE, runNode } from './child.js';
import { FUNCTION_REGION } from './coldstart.js';
import { ROOT } from './package.js';
import { idleTime, type ProbeOut, peakInFlight, span } from './probe-types.js';
import { type CpuProfile, profileThisProcess } from './profile.js';

export interface FleetVariant {
  /** Key in the report, e.g. `tag`. */
  key: string;
  policy: string;
  concurrency: number;
  faults: FaultConfig;
}

/** One cluster result as the handler returns it (the fields read here). */
interface Result {
  region: string;
  clusterId: string;
  outcome: string;
  attempts?: number;
  error?: { code: string };
}

export interface HandlerRun {
  /** The handler invocation, import excluded. */
  invokeMs: number;
  /** CPU time of the handler process during the invocation. */
  invokeCpuMs: number;
  /** Process spawn → exit (import and Node's start included). */
  wallMs: number;
  maxRssKb: number;
  /** Emulator counters for this run only, per action. */
  calls: Record<string, number>;
  /** The same per Region, then action. */
  callsByRegion: Record<string, Record<string, number>>;
  /** Calls answered with a throttling error, per action. */
  throttled: Record<string, number>;
  totalCalls: number;
  throttledAnswers: number;
  /** Clusters the run selected (results with a real Region and cluster). */
  selected: number;
  counts: Record<string, number>;
  /** Failed results per error code. */
  failures: Record<string, number>;
  /** Sum over clusters of (attempts − 1): CreateDBClusterSnapshot calls the busy clusters cost. */
  busyRetries: number;
  /** The most attempts of one cluster, per Region. */
  longestChainByRegion: Record<string, number>;
  peakInFlight: number;
  peakInFlightDocdb: number;
  /** Recording requests (DynamoDB, EventBridge, SNS) in flight at most. */
  peakInFlightRecording: number;
  /** Request time summed over all requests ÷ the invocation's duration. */
  meanInFlight: number;
  /** Time within the run with no request in flight. */
  idleMs: number;
  /** Idle time before the first DocumentDB request, within the DocumentDB phase, before recording. */
  idleSplit: { beforeDocdb: number; duringDocdb: number; docdbToRecording: number };
  /** Relative to the invocation's start. */
  docdbPhase?: { from: number; to: number };
  recordingPhase?: { from: number; to: number };
  /** With `profileDir`: the child's CPU profile and its invocation window (profile clock, µs). */
  profile?: { data: CpuProfile; windowUs: [number, number] };
  /** With `profileDir`: this process's (the emulator's) CPU profile while the child ran. */
  emulatorProfile?: CpuProfile;
}

export interface FleetRun extends HandlerRun {
  /** BACKUP_CONCURRENCY of the run. */
  concurrency: number;
  bound: FleetBound;
}

function diff(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const [action, n] of Object.entries(after)) {
    const d = n - (before[action] ?? 0);
    if (d > 0) calls[action] = d;
  }
  return calls;
}

function diffByRegion(
  after: Record<string, Record<string, number>>,
  before: Record<string, Record<string, number>>,
): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [region, calls] of Object.entries(after)) {
    const d = diff(calls, before[region] ?? {});
    if (Object.keys(d).length) out[region] = d;
  }
  return out;
}

const SLOT = '2026-11-28T03:00:00Z';

/**
 * One run of a packaged handler in a fresh process against `seed` with `faults`. `functionEnv` is the
 * packaged template's (its POLICIES_FILE names the bench policies packaged in `taskRoot`). With
 * `profileDir`, the child runs under `node --cpu-prof` and this process (the emulator) under the
 * inspector's profiler while the child runs; both profiles are returned.
 */
export async function handlerRun(options: {
  emu: Emulator;
  taskRoot: string;
  handlerFile: string;
  functionEnv: Record<string, string>;
  seed: FleetSeed;
  faults: FaultConfig;
  policy: string;
  concurrency: number;
  logDir: string;
  name: string;
  profileDir?: string;
  timeoutMs?: number;
}): Promise<HandlerRun> {
  const { emu, taskRoot, logDir } = options;
  await emu.reset();
  emu.setFaults({});
  emu.seed(options.seed);
  const service = await provisionService(emu, FUNCTION_REGION);
  emu.setFaults(options.faults);
  const before = emu.state();
  const child = () =>
    runNode<ProbeOut>({
      args: [...(options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : []), PROBE],
      cwd: taskRoot,
      env: {
        ...options.functionEnv,
        ...service.env,
        LAMBDA_TASK_ROOT: taskRoot,
        BACKUP_CONCURRENCY: String(options.concurrency),
        BENCH_MODULE: options.handlerFile,
        BENCH_EVENT: JSON.stringify({ policy: options.policy, time: SLOT }),
        BENCH_TRACE: '1',
      },
      logDir,
      name: options.name,
      timeoutMs: options.timeoutMs,
    });
  let emulatorProfile: CpuProfile | undefined;
  let run: Awaited<ReturnType<typeof child>>;
  if (options.profileDir) {
    const profiled = await profileThisProcess(child);
    run = profiled.value;
    emulatorProfile = profiled.profile;
  } else {
    run = await child();
  }
  const after = emu.state();
  const calls = diff(after.calls, before.calls);
  const { out } = run;
  if (out.error) throw new Error(`${options.name} failed: ${out.error.name}: ${out.error.message}`);
  const results: Result[] = out.result?.results ?? [];
  const real = results.filter((r) => r.region !== '*' && r.clusterId !== '*');
  const throttled = diff(after.throttled, before.throttled);
  const origin = out.invokeStart ?? 0;
  const requestTime = out.requests.reduce((sum, r) => sum + (Number.isNaN(r.end) ? 0 : r.end - r.start), 0);
  const failures: Record<string, number> = {};
  const longestChainByRegion: Record<string, number> = {};
  for (const r of results) {
    if (r.outcome === 'failed')
      failures[r.error?.code ?? 'unknown'] = (failures[r.error?.code ?? 'unknown'] ?? 0) + 1;
    longestChainByRegion[r.region] = Math.max(longestChainByRegion[r.region] ?? 0, r.attempts ?? 0);
  }
  const docdbPhase = span(out.requests, ['rds'], origin);
  const recordingPhase = span(out.requests, ['dynamodb', 'events', 'sns'], origin);
  const docdbRequests = out.requests.filter((r) => r.service === 'rds');
  const firstRecording = recordingPhase ? recordingPhase.from + origin : Number.POSITIVE_INFINITY;
  let profile: HandlerRun['profile'];
  if (options.profileDir) {
    const file = readdirSync(options.profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (file && out.invokeStartUs !== undefined && out.invokeEndUs !== undefined) {
      profile = {
        data: JSON.parse(readFileSync(join(options.profileDir, file), 'utf8')) as CpuProfile,
        windowUs: [out.invokeStartUs, out.invokeEndUs],
      };
    }
  }
  return {
    invokeMs: out.invokeMs ?? Number.NaN,
    invokeCpuMs: out.invokeCpuMs ?? Number.NaN,
    wallMs: run.wallMs,
    maxRssKb: out.maxRssKb,
    calls,
    callsByRegion: diffByRegion(after.callsByRegion, before.callsByRegion),
    throttled,
    totalCalls: Object.values(calls).reduce((a, b) => a + b, 0),
    throttledAnswers: Object.values(throttled).reduce((a, b) => a + b, 0),
    selected: real.length,
    counts: out.result?.counts ?? {},
    failures,
    busyRetries: real.reduce((sum, r) => sum + Math.max(0, (r.attempts ?? 0) - 1), 0),
    longestChainByRegion,
    peakInFlight: peakInFlight(out.requests),
    peakInFlightDocdb: peakInFlight(out.requests, ['rds']),
    peakInFlightRecording: peakInFlight(out.requests, ['dynamodb', 'events', 'sns']),
    meanInFlight: requestTime / (out.invokeMs ?? Number.NaN),
    idleMs: idleTime(out.requests),
    idleSplit: {
      beforeDocdb: docdbPhase ? Math.max(0, docdbPhase.from) : 0,
      duringDocdb: idleTime(docdbRequests),
      docdbToRecording:
        docdbPhase && recordingPhase ? Math.max(0, firstRecording - (docdbPhase.to + origin)) : 0,
    },
    docdbPhase,
    recordingPhase,
    profile,
    emulatorProfile,
  };
}

/** One run of a packaged handler over the whole fleet, with its lower bound. */
export async function fleetRun(options: {
  emu: Emulator;
  taskRoot: string;
  handlerFile: string;
  functionEnv: Record<string, string>;
  variant: FleetVariant;
  logDir: string;
  profileDir?: string;
}): Promise<FleetRun> {
  const { variant } = options;
  const run = await handlerRun({
    ...options,
    seed: fleetSeed(),
    faults: variant.faults,
    policy: variant.policy,
    concurrency: variant.concurrency,
    name: `fleet-${variant.key}`,
  });
  const bound = fleetBound({
    callsByRegion: run.callsByRegion,
    calls: run.calls,
    longestChainByRegion: run.longestChainByRegion,
    concurrency: variant.concurrency,
    latencyMs: LATENCY_MS,
  });
  return { ...run, concurrency: variant.concurrency, bound };
}

export interface ThrottleRun {
  clusters: number;
  policy: string;
  bound: ThrottleBound;
  /** The run, or why there is none (e.g. the child did not finish in time). */
  run?: HandlerRun;
  error?: string;
}

/**
 * The throttling scenario: `clusters` clusters in one Region under AWS's buckets (bench/fleet.ts). Never
 * throws for the run itself: a run that fails or does not finish in `timeoutMs` is reported as such.
 */
export async function throttleRun(options: {
  emu: Emulator;
  taskRoot: string;
  handlerFile: string;
  functionEnv: Record<string, string>;
  concurrency: number;
  clusters: number;
  policy: string;
  logDir: string;
  timeoutMs: number;
}): Promise<ThrottleRun> {
  const create = THROTTLE_BUCKETS['rds:CreateDBClusterSnapshot'];
  const bound = throttleBound({
    clusters: options.clusters,
    rate: create.rate,
    burst: create.burst,
    latencyMs: LATENCY_MS,
  });
  try {
    const run = await handlerRun({
      ...options,
      seed: throttleSeed(options.clusters),
      faults: throttleFaults(),
      name: `throttle-${options.clusters}`,
    });
    return { clusters: options.clusters, policy: options.policy, bound, run };
  } catch (error) {
    return {
      clusters: options.clusters,
      policy: options.policy,
      bound,
      error: (error as Error).message.split('\n')[0],
    };
  }
}

export interface SequentialRun {
  /** The loop over the clusters (the script's own start excluded). */
  loopMs: number;
  created: number;
  failed: number;
  attempts: number;
  calls: Record<string, number>;
}

/** One run of bench/sequential.ts over the whole fleet, with the same faults. */
export async function sequentialRun(
  emu: Emulator,
  faults: FaultConfig,
  retry: RetrySettings,
  logDir: string,
): Promise<SequentialRun> {
  await emu.reset();
  emu.setFaults({});
  emu.seed(fleetSeed());
  emu.setFaults(faults);
  const input = join(logDir, 'sequential-clusters.json');
  writeFileSync(
    input,
    JSON.stringify({
      clusters: fleetClusters().map(({ region, id }) => ({ region, id })),
      prefix: 'seq',
      slot: '20261128-0300',
      retry,
    }),
  );
  const before = emu.state().calls;
  const run = await runNode<{ wallMs: number; created: number; failed: number; attempts: number }>({
    args: ['--import', 'tsx', join(ROOT, 'bench', 'sequential.ts')],
    cwd: ROOT,
    env: { ...emu.env('us-east-1'), BENCH_CLUSTERS: input },
    logDir,
    name: 'sequential',
    timeoutMs: 300_000,
  });
  return { ...run.out, loopMs: run.out.wallMs, calls: diff(emu.state().calls, before) };
}
