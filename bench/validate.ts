/**
 * `npm run bench:validate [-- 100 400 1000 3000]`: how long validating a policy file takes as it grows.
 *
 * Generates a valid file of N policies (each with its own prefix, Regions, selection by identifier and
 * tag, snapshot tags, retry and retention; schedules from a handful of common ones) and times, best of a
 * few runs, in this process:
 *
 * - `validatePolicyFile`: YAML, the zod structure pass, the semantic pass and resolution: what the deploy,
 *   `serverless package`, `plan`, `run` and `validate` all do. Target: 1,000 policies in under 2 s.
 * - `docdb-backup validate`'s own quota estimates on top (cli/ `quotaProblems`), with the file's
 *   schedules as generated, and again with every policy on a schedule of its own (the estimate is made
 *   once per distinct schedule and retention, so that is its worst case).
 *
 * Nothing here asserts on time: the exit code is 1 when the library target is missed, so a script can
 * notice. The numbers depend on the machine; compare runs on the same one.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { quotaProblems } from '../cli/commands/validate.js';
import { validatePolicyFile } from '../shared/policy/index.js';

const TARGET_POLICIES = 1000;
const TARGET_SECONDS = 2;
const DEFAULT_SIZES = [100, 400, 1000, 3000];
const NOW = new Date('2026-01-01T00:00:00Z');
const REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-1'];
const SCHEDULES = ['cron(0 3 * * ? *)', 'cron(15 0/6 * * ? *)', 'rate(12 hours)', 'cron(30 2 ? * SUN *)'];

/**
 * A valid policy file of `count` policies, the same text for the same arguments. With `distinctSchedules`
 * every policy fires at a minute of the day of its own (up to 1,440 policies).
 * Example: `policyFile(3)` → `'version: 1\ndefaults:\n…\npolicies:\n  - name: team-0000-nightly\n…'`
 */
export function policyFile(count: number, options: { distinctSchedules?: boolean } = {}): string {
  const lines = [
    'version: 1',
    'defaults:',
    '  regions:',
    '    - us-east-1',
    '  snapshot:',
    '    tags:',
    '      owner: platform-sre',
    '  retention:',
    '    keepLast: 7',
    'policies:',
  ];
  for (let i = 0; i < count; i++) {
    const id = String(i).padStart(4, '0');
    const schedule = options.distinctSchedules
      ? `cron(${i % 60} ${Math.floor(i / 60) % 24} * * ? *)`
      : SCHEDULES[i % SCHEDULES.length];
    lines.push(
      `  - name: team-${id}-nightly`,
      `    description: Nightly snapshots of team ${id}'s clusters`,
      `    schedule: ${schedule}`,
      '    regions:',
      `      - ${REGIONS[i % REGIONS.length]}`,
      `      - ${REGIONS[(i + 1) % REGIONS.length]}`,
      '    clusters:',
      '      identifiers:',
      `        - orders-${id}`,
      `        - payments-${id}`,
      '      tags:',
      `        team: t${id}`,
      '        backup: nightly',
      '      exclude:',
      `        - scratch-${id}`,
      '    snapshot:',
      `      prefix: t${id}`,
      '      tags:',
      `        team: t${id}`,
      '        purpose: disaster-recovery',
      '    retry:',
      '      maxAttempts: 6',
      '    retention:',
      '      daily: 7',
      '      weekly: 4',
    );
  }
  return `${lines.join('\n')}\n`;
}

interface Timing {
  seconds: number;
  errors: number;
}

/** Best of `runs`: the least disturbed measurement of the same work. */
function best(runs: number, work: () => number): Timing {
  let seconds = Number.POSITIVE_INFINITY;
  let errors = 0;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    errors = work();
    seconds = Math.min(seconds, (performance.now() - started) / 1000);
  }
  return { seconds, errors };
}

function library(text: string, runs: number): Timing {
  return best(runs, () => {
    const result = validatePolicyFile(text, 'generated.yml', { now: NOW });
    return result.problems.filter((p) => p.severity === 'error').length;
  });
}

/** The validate command's work: the library's validation, then the quota estimates of a valid file. */
function command(text: string, runs: number): Timing {
  return best(runs, () => {
    const result = validatePolicyFile(text, 'generated.yml', { now: NOW });
    if (!result.policies) return result.problems.length;
    quotaProblems(text, 'generated.yml', result.policies, NOW);
    return 0;
  });
}

const secondsText = (t: Timing) => `${t.seconds.toFixed(3)} s`;
const perPolicy = (t: Timing, count: number) => `${((t.seconds * 1000) / count).toFixed(2)} ms`;

function main(): void {
  const given = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  const sizes = given.length > 0 ? given : DEFAULT_SIZES;
  library(policyFile(50), 2); // warm-up: module loading and the JIT are not validation
  command(policyFile(50), 2);
  const header = [
    'policies',
    'validatePolicyFile',
    'per policy',
    'validate cmd',
    'per policy',
    'distinct sched.',
  ];
  console.log(header.join('  '));
  let target: Timing | undefined;
  for (const size of sizes) {
    const runs = size <= 1000 ? 3 : 1;
    const lib = library(policyFile(size), runs);
    const cmd = command(policyFile(size), runs);
    const distinct = size <= 1440 ? command(policyFile(size, { distinctSchedules: true }), 1) : undefined;
    if (size === TARGET_POLICIES) target = lib;
    if (lib.errors > 0) console.log(`  (${lib.errors} unexpected errors in the generated file)`);
    console.log(
      [
        String(size).padStart(header[0]?.length ?? 8),
        secondsText(lib).padStart(header[1]?.length ?? 18),
        perPolicy(lib, size).padStart(10),
        secondsText(cmd).padStart(12),
        perPolicy(cmd, size).padStart(10),
        (distinct ? secondsText(distinct) : 'n/a').padStart(15),
      ].join('  '),
    );
  }
  target ??= library(policyFile(TARGET_POLICIES), 3);
  const pass = target.seconds < TARGET_SECONDS && target.errors === 0;
  console.log(
    `${pass ? 'PASS' : 'FAIL'}: ${TARGET_POLICIES} policies validate (validatePolicyFile) in ` +
      `${secondsText(target)} (target < ${TARGET_SECONDS} s)`,
  );
  if (!pass) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
