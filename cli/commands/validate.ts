/**
 * `docdb-backup validate [file]`: every problem of a policy file at once, one line each
 * (`file:line:column  policy  key.path  error|warning: message`), plus the CLI's own warnings about the
 * snapshot quota. Exit 0 valid (warnings allowed), 1 invalid, 2 the file cannot be read or bad flags.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { type QuotaUseCache, regionSteadyStates } from '../../shared/planning/quota-use.js';
import {
  formatProblem,
  type PolicyProblem,
  type ResolvedPolicy,
  validatePolicyFile,
} from '../../shared/policy/index.js';
import { PolicySource } from '../../shared/policy/source.js';
import { parseCommandArgs } from '../args.js';
import type { Command, CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { counted, printOutcome } from '../output.js';
import { absolutePath, policyFileOf } from '../policies.js';
import { quotaWarning, regionQuotaWarning } from '../quota.js';
import type { Style } from '../style.js';

const HELP = `Usage: docdb-backup validate [file] [--json]

Checks a policy file the way the deploy and the backup function read it and lists every problem at
once, one per line:  file:line:column  policy  key.path  error|warning: message
Warnings (risky but valid) never fail: schedules more often than hourly, disabled policies, and
policies whose snapshots do not fit a Region's manual snapshot quota (the file's quota: settings):
without retention, one cluster filling it within a year; with retention, one cluster's steady state
alone exceeding it, or a Region's steady state over all policies (retention x clusters listed by id)
reaching quota.warnAtPercent of its quota.

Arguments:
  file          the policy file (default: $DOCDB_BACKUP_POLICIES, else config/policies.yml)

Options:
  --json        print the result as JSON (shape: cli/README.md)
  --no-color    plain text even on a terminal (NO_COLOR is respected too)
  --debug       show stack traces of unexpected errors
  -h, --help    show this help

Exit codes: 0 valid, 1 invalid, 2 the file cannot be read or the flags are wrong.`;

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
  const { values, positionals } = parseCommandArgs('validate', args, { json: { type: 'boolean' } }, 1);
  const file = positionals[0] ?? policyFileOf(undefined, ctx.io);
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
  const validation = {
    file,
    valid: result.policies !== undefined,
    names: result.policies?.map((p) => p.name) ?? [],
    problems,
  };
  return printOutcome(ctx.io, 'validate', values.json, validation.valid, {
    json: () => validationJson(validation),
    text: () => validationText(validation, ctx.out),
  });
}

/** One file's validation: whether it is valid, its policies' names, and every problem in line order. */
interface Validation {
  file: string;
  valid: boolean;
  names: string[];
  problems: PolicyProblem[];
}

function countSeverities(problems: readonly PolicyProblem[]): { errors: number; warnings: number } {
  const errors = problems.filter((p) => p.severity === 'error').length;
  return { errors, warnings: problems.length - errors };
}

function validationJson({ file, valid, names, problems }: Validation): Record<string, unknown> {
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
  };
}

/** Every problem line, then `valid: …` or `invalid: …` with the counts. */
function validationText({ file, valid, names, problems }: Validation, out: Style): string {
  const { errors, warnings } = countSeverities(problems);
  const warned = warnings ? `, ${counted(warnings, 'warning')}` : '';
  const verdict = valid
    ? `${out.green('valid')}: ${file}, ${counted(names.length, 'policy', 'policies')} (${names.join(', ')})${warned}`
    : `${out.red('invalid')}: ${file}, ${counted(errors, 'error')}${warned}`;
  return [...problems.map((problem) => problemLine(problem, out)), verdict].map((l) => `${l}\n`).join('');
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a policy file: every error at once, and warnings for risky policies',
  help: HELP,
  run,
};
