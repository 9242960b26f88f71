/**
 * Cold start: importing a bundle in a fresh Node process (many times, interleaved so that noise hits every
 * bundle alike), and the first invocation (import + first handler call, which reads the policies) against
 * the emulator. Every child gets the function's environment from the packaged template.
 */
import type { Emulator, FleetSeed } from '../../local/emulator.js';
import { provisionService } from '../../local/service.js';
import type { ResolvedPolicy } from '../../shared/policy/schema.js';
import { PROBE, runNode } from './child.js';
import type { ProbeOut } from './probe-types.js';

/** The Region the function is packaged for (`serverless package --region`); Lambda sets AWS_REGION. */
export const FUNCTION_REGION = 'us-east-1';

export interface ImportTarget {
  name: string;
  /** Bundle to import; undefined = node alone. */
  module?: string;
  /** The task root it runs in. */
  cwd: string;
}

export interface ImportSamples {
  importMs: number[];
  startToImportEndMs: number[];
  wallMs: number[];
}

/**
 * Imports each target `rounds` times in fresh processes, rotating the order every round.
 * @example await measureImports([{ name: 'floor', module: '/tmp/floor.mjs', cwd: '/tmp' }], env, 30, logDir)
 */
export async function measureImports(
  targets: readonly ImportTarget[],
  functionEnv: Record<string, string>,
  rounds: number,
  logDir: string,
  onRound?: (round: number) => void,
): Promise<Record<string, ImportSamples>> {
  const samples: Record<string, ImportSamples> = {};
  for (const target of targets) samples[target.name] = { importMs: [], startToImportEndMs: [], wallMs: [] };
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < targets.length; k++) {
      const target = targets[(round + k) % targets.length] as ImportTarget;
      const run = await runNode<ProbeOut>({
        args: [PROBE],
        cwd: target.cwd,
        env: {
          ...functionEnv,
          AWS_REGION: FUNCTION_REGION,
          LAMBDA_TASK_ROOT: target.cwd,
          ...(target.module ? { BENCH_MODULE: target.module } : {}),
        },
        logDir,
        name: `import-${target.name}`,
      });
      const s = samples[target.name] as ImportSamples;
      s.importMs.push(run.out.importMs);
      s.startToImportEndMs.push(run.out.startToImportEndMs);
      s.wallMs.push(run.wallMs);
    }
    onRound?.(round);
  }
  return samples;
}

export interface FirstInvocation {
  importMs: number;
  invokeMs: number;
  /** Invocation start → first AWS request: environment, policies, clients, event. */
  toFirstRequestMs: number;
  wallMs: number;
  maxRssKb: number;
}

/** The policy the first-invocation probe runs: the smallest enabled one that names clusters. */
export function firstInvocationPolicy(policies: readonly ResolvedPolicy[]): ResolvedPolicy {
  const size = (p: ResolvedPolicy) => p.regions.length * p.clusters.identifiers.length;
  const chosen = policies
    .filter((p) => p.enabled && p.clusters.identifiers.length > 0)
    .sort((a, b) => size(a) - size(b))[0];
  if (!chosen) throw new Error('config/policies.yml has no enabled policy that names clusters by identifier');
  return chosen;
}

/** Its clusters, seeded in each of its Regions. */
export function firstInvocationSeed(policy: ResolvedPolicy): FleetSeed {
  const clusters = policy.clusters.identifiers.map((id) => ({ id, tags: { ...policy.clusters.tags } }));
  return { regions: Object.fromEntries(policy.regions.map((region) => [region, { clusters }])) };
}

/**
 * One first invocation of a task root's handler (fresh process, emulator without latency or faults).
 * Throws when the run did not create every snapshot, so a broken measurement is never reported.
 */
export async function firstInvocation(options: {
  emu: Emulator;
  taskRoot: string;
  handlerFile: string;
  functionEnv: Record<string, string>;
  policy: ResolvedPolicy;
  slot: string;
  logDir: string;
  name: string;
}): Promise<FirstInvocation> {
  const { emu, policy } = options;
  await emu.reset();
  emu.setFaults({});
  emu.seed(firstInvocationSeed(policy));
  const service = await provisionService(emu, FUNCTION_REGION);
  const run = await runNode<ProbeOut>({
    args: [PROBE],
    cwd: options.taskRoot,
    env: {
      ...options.functionEnv,
      ...service.env,
      LAMBDA_TASK_ROOT: options.taskRoot,
      BENCH_MODULE: options.handlerFile,
      BENCH_EVENT: JSON.stringify({ policy: policy.name, time: options.slot }),
      BENCH_TRACE: '1',
    },
    logDir: options.logDir,
    name: options.name,
  });
  const { out } = run;
  const expected = policy.regions.length * policy.clusters.identifiers.length;
  if (out.error || out.result?.counts?.created !== expected)
    throw new Error(
      `${options.name}: the first invocation did not create ${expected} snapshot(s): ${JSON.stringify(out.error ?? out.result?.counts)}`,
    );
  const firstRequest = Math.min(...out.requests.map((r) => r.start));
  return {
    importMs: out.importMs,
    invokeMs: out.invokeMs ?? Number.NaN,
    toFirstRequestMs: firstRequest - (out.invokeStart ?? Number.NaN),
    wallMs: run.wallMs,
    maxRssKb: out.maxRssKb,
  };
}

/** The YAML + zod policy loader alone: import of its bundle and one cold loadPolicyFile of `policiesFile`. */
export async function policyLoad(
  bundleFile: string,
  cwd: string,
  policiesFile: string,
  logDir: string,
): Promise<{ importMs: number; parseMs: number }> {
  const run = await runNode<ProbeOut>({
    args: [PROBE],
    cwd,
    env: { BENCH_MODULE: bundleFile, BENCH_POLICY_FILE: policiesFile },
    logDir,
    name: 'policy-load',
  });
  return { importMs: run.out.importMs, parseMs: run.out.parseMs ?? Number.NaN };
}
