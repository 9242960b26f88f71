/**
 * `docdb-backup validate [file]`: every problem of a policy file at once, one line each
 * (`file:line:column  policy  key.path  error|warning: message`), plus the CLI's own warnings about the
 * snapshot quota. Exit 0 valid (warnings allowed), 1 invalid, 2 the file cannot be read or bad flags.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { formatSubscriberWarnings } from '../../deploy/subscribers.js';
import { type QuotaUseCache, regionSteadyStates } from '../../shared/planning/quota-use.js';
import {
  formatProblem,
  type PolicyProblem,
  type ResolvedPolicy,
  validatePolicyFile,
} from '../../shared/policy/index.js';
import { PolicySource } from '../../shared/policy/source.js';
import { clip } from '../../shared/policy/text.js';
import { nonEmpty, parseCommandArgs } from '../args.js';
import type { Command, CommandContext } from '../context.js';
import { type DeployCheck, deployCheck } from '../deploy-check.js';
import { UsageError } from '../errors.js';
import { counted, printOutcome } from '../output.js';
import { absolutePath, policyFileOf } from '../policies.js';
import { quotaWarning, regionQuotaWarning } from '../quota.js';
import type { Style } from '../style.js';
import { VALIDATE_INFO } from './help.js';

const READ_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/** The CLI's quota warnings for a valid file, placed on each policy's `schedule`. */
export function quotaProblems(
  text: string,
  file: string,
  policies: readonly ResolvedPolicy[],
  now: Date,
): PolicyProblem[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const source = new PolicySource(file, doc, lineCounter, doc.toJS());
  const estimates: QuotaUseCache = new Map();
  const perPolicy = policies.flatMap((policy, index) => {
    const message = quotaWarning(policy, now, estimates);
    return message ? [source.problem(['policies', index, 'schedule'], message, { severity: 'warning' })] : [];
  });
  const at = source.valueAt(['quota']) === undefined ? ['policies'] : ['quota'];
  const perRegion = regionSteadyStates(policies, now, estimates).flatMap((state) => {
    const message = regionQuotaWarning(state);
    return message ? [source.problem(at, message, { severity: 'warning', target: 'key' })] : [];
  });
  return [...perPolicy, ...perRegion];
}

/** One problem line, with its severity in front of the message (coloured on a terminal). */
export function problemLine(problem: PolicyProblem, style: Style): string {
  const severity = problem.severity === 'error' ? style.red('error') : style.yellow('warning');
  return formatProblem({ ...problem, message: `${severity}: ${problem.message}` });
}

async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'validate',
    args,
    { json: { type: 'boolean' }, file: { type: 'string' } },
    1,
  );
  const flag = nonEmpty(values.file, '--file', 'validate');
  const given = positionals[0];
  if (flag !== undefined && given !== undefined && flag !== given)
    throw new UsageError(`two policy files given ("${clip(given)}" and --file "${clip(flag)}"): give one`, {
      command: 'validate',
    });
  const file = policyFileOf(flag ?? given, ctx.io);
  let text: string;
  try {
    text = await readFile(absolutePath(file, ctx.io), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const reason = READ_REASONS[code] ?? (error as Error).message;
    throw new UsageError(`cannot read the policy file ${file}: ${reason}${code ? ` (${code})` : ''}`, {
      command: 'validate',
      showHelpHint: false,
      cause: error,
    });
  }
  const now = ctx.io.now();
  const result = validatePolicyFile(text, file, { now });
  const problems = [...result.problems];
  if (result.policies) problems.push(...quotaProblems(text, file, result.policies, now));
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  const deploy = await deployCheck(ctx.io);
  const validation = {
    file,
    policiesValid: result.policies !== undefined,
    valid: result.policies !== undefined && !deploy?.error,
    names: result.policies?.map((p) => p.name) ?? [],
    problems,
    deploy,
  };
  return printOutcome(ctx.io, 'validate', values.json, validation.valid, {
    json: () => validationJson(validation),
    text: () => validationText(validation, ctx.out),
  });
}

/** One file's validation: whether it is valid, its policies' names, and every problem in line order. */
interface Validation {
  file: string;
  /** The policy file is valid (`valid` also needs usable deployment settings). */
  policiesValid: boolean;
  valid: boolean;
  names: string[];
  problems: PolicyProblem[];
  /** config/deploy.yml's paging problems; undefined when there is no settings file to check. */
  deploy: DeployCheck | undefined;
}

function countSeverities(problems: readonly PolicyProblem[]): { errors: number; warnings: number } {
  const errors = problems.filter((p) => p.severity === 'error').length;
  return { errors, warnings: problems.length - errors };
}

function validationJson({ file, valid, names, problems, deploy }: Validation): Record<string, unknown> {
  return {
    file,
    valid,
    policies: names,
    ...countSeverities(problems),
    problems: problems.map((p) => ({
      file: p.file,
      line: p.line,
      column: p.column,
      policy: p.policy ?? null,
      path: p.path,
      severity: p.severity,
      message: p.message,
    })),
    deploy: deploy
      ? {
          file: deploy.file,
          error: deploy.error,
          problems: deploy.problems.map((p) => ({
            kind: p.kind,
            stage: p.stage,
            path: p.path,
            allowed: p.allowed ?? null,
            message: p.message,
          })),
        }
      : null,
  };
}

/** The deployment settings' lines: unusable (an error), or who would not be paged (loud, on purpose). */
function deployText(deploy: DeployCheck | undefined, out: Style): string[] {
  if (!deploy) return [];
  if (deploy.error)
    return [`${out.red('invalid')}: ${deploy.file}`, ...deploy.error.split('\n').map((l) => `  ${l}`)];
  if (deploy.problems.length === 0) return [];
  const nobody = deploy.problems.some((p) => p.kind === 'no-subscribers' && !p.allowed);
  const block = formatSubscriberWarnings(deploy.problems).split('\n');
  return block.map((line) => (nobody ? out.red(line) : out.yellow(line)));
}

/** Every problem line, then `valid: …` or `invalid: …` with the counts. */
function validationText({ file, policiesValid, names, problems, deploy }: Validation, out: Style): string {
  const { errors, warnings } = countSeverities(problems);
  const warned = warnings ? `, ${counted(warnings, 'warning')}` : '';
  const verdict = policiesValid
    ? `${out.green('valid')}: ${file}, ${counted(names.length, 'policy', 'policies')} (${names.join(', ')})${warned}`
    : `${out.red('invalid')}: ${file}, ${counted(errors, 'error')}${warned}`;
  return [...problems.map((problem) => problemLine(problem, out)), verdict, ...deployText(deploy, out)]
    .map((l) => `${l}\n`)
    .join('');
}

export const validateCommand: Command = {
  ...VALIDATE_INFO,
  run,
};
