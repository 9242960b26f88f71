/**
 * What serverless.yml's `${file(./deploy/serverless.cjs):…}` variables resolve to: reads the policy file
 * through the product's own loader (the same code the function runs) and the deployment settings, then
 * builds the generated part of the stack. An invalid policy file fails the package or deploy with the
 * validator's own message.
 *
 * Environment (of the machine running `serverless`):
 * - `DOCDB_BACKUP_POLICIES`: policy file relative to the service directory (default `config/policies.yml`).
 *   It is validated once and compiled to `COMPILED_POLICIES_FILE`, which is packaged and is what the
 *   function reads (its `POLICIES_FILE`), so rules and function always agree and the function's cold start
 *   carries no YAML parser or validator.
 * - `DEPLOY_SETTINGS_FILE`: deployment settings (default `config/deploy.yml`; missing = no subscriptions).
 *
 * Who would be paged is checked here too (deploy/subscribers.ts): the problems are returned with the stack,
 * serverless.cjs prints them, and `deployRefusal` says whether a deploy must stop.
 */
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import {
  COMPILED_POLICIES_FILE,
  DEFAULT_POLICIES_FILE,
  DEFAULT_SETTINGS_FILE,
  POLICIES_FILE_VARIABLE,
  SETTINGS_FILE_VARIABLE,
} from '../shared/files.js';
import { METRICS } from '../shared/metrics.js';
import { compilePolicyFile } from '../shared/policy/compile.js';
import { deployedFunctions } from './functions.js';
import { alertsForStage, type DeploySettings, loadDeploySettings } from './settings.js';
import { blockingProblems, type SubscriberProblem, subscriberProblems } from './subscribers.js';
import { buildDeployment, DeployConfigError, type Deployment } from './template.js';

export { formatSubscriberWarnings } from './subscribers.js';
export { DeployConfigError } from './template.js';

export interface GenerateOptions {
  /** The directory of serverless.yml. */
  serviceDir: string;
  service: string;
  stage: string;
  env?: NodeJS.ProcessEnv;
  now?: Date;
}

export interface GeneratedStack extends Deployment {
  /** The policy file, relative to the service directory (POSIX separators). */
  policiesFile: string;
  /** Its compiled form, relative to the service directory: packaged, and the function's POLICIES_FILE. */
  compiledPoliciesFile: string;
  /** The function's `POWERTOOLS_METRICS_NAMESPACE`: the namespace the alarms watch. */
  metricsNamespace: string;
  /** What is wrong with who would be paged in this stage (empty: someone is subscribed, no URL in plain text). */
  subscriberProblems: SubscriberProblem[];
}

/** Set to `true` (by `npm run deploy --allow-no-subscribers`) to deploy a stage that would page nobody. */
export const ALLOW_NO_SUBSCRIBERS_VARIABLE = 'DOCDB_BACKUP_ALLOW_NO_SUBSCRIBERS';

/**
 * The deployment settings file the stack uses: `DEPLOY_SETTINGS_FILE` (relative to the service directory
 * unless absolute), else config/deploy.yml.
 * @example settingsFileFrom('/work/main', {}) // '/work/main/config/deploy.yml'
 */
export function settingsFileFrom(serviceDir: string, env: NodeJS.ProcessEnv): string {
  const path = env[SETTINGS_FILE_VARIABLE] || DEFAULT_SETTINGS_FILE;
  return isAbsolute(path) ? path : join(serviceDir, path);
}

/**
 * Reads the deployment settings the stack uses (a missing file: no subscriptions).
 * @example await loadStackSettings('/work/main') // { version: 1, alerts: { … } }
 */
export async function loadStackSettings(
  serviceDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DeploySettings> {
  return loadDeploySettings(shown(settingsFileFrom(serviceDir, env)));
}

/**
 * Why a deploy of the stage must stop, or undefined: nobody would be paged, the settings do not opt in
 * (`allowNone: true`) and neither does the deployer (`--allow-no-subscribers`, passed on as
 * `DOCDB_BACKUP_ALLOW_NO_SUBSCRIBERS=true`).
 * @example deployRefusal(stack.subscriberProblems, process.env) // 'refusing to deploy: …' or undefined
 */
export function deployRefusal(
  problems: readonly SubscriberProblem[],
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const blocking = blockingProblems(problems, {
    allowNoSubscribers: env[ALLOW_NO_SUBSCRIBERS_VARIABLE] === 'true',
  });
  if (blocking.length === 0) return undefined;
  return `refusing to deploy: ${blocking.map((problem) => problem.message).join('; ')}`;
}

/**
 * The policy file to deploy, relative to the service directory. It must lie inside it, because the same
 * relative path is packaged and read from LAMBDA_TASK_ROOT by the function.
 * @example policiesFileFrom({ DOCDB_BACKUP_POLICIES: 'config/other.yml' }) // 'config/other.yml'
 */
export function policiesFileFrom(env: NodeJS.ProcessEnv): string {
  const raw = env[POLICIES_FILE_VARIABLE] || DEFAULT_POLICIES_FILE;
  const path = normalize(raw);
  if (isAbsolute(path) || path === '..' || path.startsWith(`..${sep}`)) {
    throw new DeployConfigError(
      `${POLICIES_FILE_VARIABLE} must be a path inside the service directory such as ${DEFAULT_POLICIES_FILE} ` +
        `(it is packaged with the function), found "${raw}"`,
    );
  }
  return path.split(sep).join('/');
}

/** How a file is named in messages: relative to where `serverless` runs when that is shorter. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/**
 * Loads the policies and settings and builds the generated resources and IAM statements.
 * @example await generateStack({ serviceDir: '/work/main', service: 'docdb-backup', stage: 'prod' })
 */
export async function generateStack(options: GenerateOptions): Promise<GeneratedStack> {
  const env = options.env ?? process.env;
  const policiesFile = policiesFileFrom(env);
  const policies = await compilePolicyFile(
    shown(join(options.serviceDir, policiesFile)),
    join(options.serviceDir, COMPILED_POLICIES_FILE),
  );
  const settings = await loadStackSettings(options.serviceDir, env);
  const deployment = buildDeployment({
    service: options.service,
    stage: options.stage,
    policies,
    functions: deployedFunctions(),
    alerts: alertsForStage(settings, options.stage),
    reconcile: policies.reconcile,
    now: options.now ?? new Date(),
  });
  return {
    ...deployment,
    policiesFile,
    compiledPoliciesFile: COMPILED_POLICIES_FILE,
    metricsNamespace: METRICS.namespace,
    subscriberProblems: subscriberProblems(settings, options.stage),
  };
}
