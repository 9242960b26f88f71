/**
 * `docdb-backup target-role --source-account A [--policies F] [--account T] [--stage S] [--format yaml|json]`:
 * prints the CloudFormation template of the role a disaster-recovery copy assumes in another account
 * (deploy/target-role.ts) on stdout, and what to do with it on stderr. Reads only the policy file: no AWS.
 */
import { Document, isScalar, visit } from 'yaml';
import { TargetRoleError, targetRoleTemplate } from '../../deploy/target-role.js';
import { functionRoleName, RECONCILE_FUNCTION_NAME } from '../../deploy/template.js';
import { clip } from '../../shared/policy/text.js';
import { nonEmpty, parseCommandArgs } from '../args.js';
import type { Command, CommandContext } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { loadPolicies, policyFileOf } from '../policies.js';
import { TARGET_ROLE_INFO } from './help.js';

const COMMAND = 'target-role';

/** serverless.yml's `service`, and its defaults for `--stage` and `--region`. */
export const SERVICE_DEFAULTS = { service: 'docdb-backup', stage: 'dev', region: 'us-east-1' } as const;

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
/** serverless stage and service names: letters, digits and hyphens. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
/** IAM role names: at most 64 characters. */
const MAX_ROLE_NAME = 64;

const OPTIONS = {
  'source-account': { type: 'string' },
  'source-region': { type: 'string' },
  policies: { type: 'string' },
  file: { type: 'string' },
  account: { type: 'string' },
  stage: { type: 'string' },
  service: { type: 'string' },
  format: { type: 'string' },
} as const;

function usage(message: string): UsageError {
  return new UsageError(message, { command: COMMAND });
}

/** A flag's value checked against a pattern: what was given, and what is expected. */
function checked(
  value: string | undefined,
  flag: string,
  pattern: RegExp,
  expected: string,
): string | undefined {
  const given = nonEmpty(value, flag, COMMAND);
  if (given === undefined || pattern.test(given)) return given;
  throw usage(`${flag} "${clip(given)}" is not ${expected}`);
}

/** The flags, checked, with the defaults of serverless.yml. */
function readFlags(values: Partial<Record<keyof typeof OPTIONS, string>>, ctx: CommandContext) {
  const sourceAccount = checked(
    values['source-account'],
    '--source-account',
    ACCOUNT,
    'an account id: expected 12 digits',
  );
  if (sourceAccount === undefined)
    throw usage('--source-account is required: the 12-digit account the service (its stack) is deployed in');
  const account = checked(values.account, '--account', ACCOUNT, 'an account id: expected 12 digits');
  const stage = checked(values.stage, '--stage', NAME, 'a stage name: expected letters, digits and hyphens');
  const service = checked(
    values.service,
    '--service',
    NAME,
    'a service name: expected letters, digits and hyphens',
  );
  const region = checked(
    values['source-region'],
    '--source-region',
    REGION,
    'a Region: expected e.g. us-east-1',
  );
  const format = nonEmpty(values.format, '--format', COMMAND) ?? 'yaml';
  if (format !== 'yaml' && format !== 'json')
    throw usage(`--format "${clip(format)}" is not known: expected yaml or json`);
  const policies = nonEmpty(values.policies, '--policies', COMMAND);
  const file = nonEmpty(values.file, '--file', COMMAND);
  if (policies !== undefined && file !== undefined && policies !== file)
    throw usage(
      `two policy files given (--policies "${clip(policies)}" and --file "${clip(file)}"): give one`,
    );
  const names = {
    service: service ?? SERVICE_DEFAULTS.service,
    stage: stage ?? SERVICE_DEFAULTS.stage,
    sourceRegion: region ?? SERVICE_DEFAULTS.region,
  };
  const roleName = functionRoleName(names.service, names.stage, names.sourceRegion, RECONCILE_FUNCTION_NAME);
  if (roleName.length > MAX_ROLE_NAME)
    throw usage(
      `the reconcile function's role would be named "${roleName}", longer than IAM's 64 characters: check --stage and --service`,
    );
  const defaulted = [
    stage === undefined ? '--stage' : '',
    region === undefined ? '--source-region' : '',
  ].filter(Boolean);
  return {
    sourceAccount,
    account,
    format,
    file: policyFileOf(policies ?? file, ctx.io),
    names,
    defaulted,
  };
}

/**
 * The template as YAML. Dates (`AWSTemplateFormatVersion`, a policy's `Version`) are quoted: a YAML 1.1
 * reader would take them for timestamps.
 */
export function templateYaml(template: unknown): string {
  const doc = new Document(template);
  visit(doc, {
    Scalar(_key, node) {
      if (isScalar(node) && typeof node.value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(node.value))
        node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ lineWidth: 0 });
}

/** What to do with the template: printed on stderr, so stdout stays the template alone. */
function nextSteps(role: ReturnType<typeof targetRoleTemplate>, format: string, notes: string[]): string {
  const file = `docdb-backup-target-role.${format === 'json' ? 'json' : 'yml'}`;
  return [
    ...notes,
    `target-role: the role ${role.roleArn}`,
    `  trusts only ${role.trusted} (with external id ${role.externalId})`,
    `  copies into ${role.regions.join(', ')} of account ${role.account}`,
    `next: save stdout (e.g. > ${file}), then in account ${role.account}:`,
    `  aws cloudformation deploy --template-file ${file} --stack-name docdb-backup-target-role --capabilities CAPABILITY_NAMED_IAM`,
    '  let the role use the destination keys (key policy), then: docdb-backup validate; deploy the service',
    '  (docs/deploy.md, "Disaster-recovery copies: setting up the target account")',
    '',
  ].join('\n');
}

async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseCommandArgs(COMMAND, args, OPTIONS, 0);
  const flags = readFlags(values, ctx);
  const policies = await loadPolicies(flags.file, ctx.io, COMMAND);
  let role: ReturnType<typeof targetRoleTemplate>;
  try {
    role = targetRoleTemplate({
      policies,
      sourceAccount: flags.sourceAccount,
      ...(flags.account ? { account: flags.account } : {}),
      ...flags.names,
    });
  } catch (error) {
    if (!(error instanceof TargetRoleError)) throw error;
    throw new UsageError(`${flags.file}: ${error.message}`, {
      command: COMMAND,
      showHelpHint: false,
      cause: error,
    });
  }
  ctx.io.stdout.write(
    flags.format === 'json' ? `${JSON.stringify(role.template, null, 2)}\n` : templateYaml(role.template),
  );
  const notes = flags.defaulted.map(
    (flag) =>
      `note: ${flag} not given: the role trusts the reconcile function of ${flag === '--stage' ? `stage ${flags.names.stage}` : flags.names.sourceRegion} (serverless.yml's default)`,
  );
  ctx.io.stderr.write(nextSteps(role, flags.format, notes));
  return EXIT.ok;
}

export const targetRoleCommand: Command = { ...TARGET_ROLE_INFO, run };
