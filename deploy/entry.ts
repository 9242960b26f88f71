/**
 * What serverless.yml's `${file(./deploy/serverless.cjs):…}` variables resolve to: reads the policy file
 * through the product's own loader (the same code the function runs) and the deployment settings, then
 * builds the generated part of the stack. An invalid policy file fails the package or deploy with the
 * validator's own message.
 *
 * Environment (of the machine running `serverless`):
 * - `POLICIES_FILE`: policy file relative to the service directory (default `config/policies.yml`); it is
 *   also what gets packaged and what the function reads, so rules and function always agree.
 * - `DEPLOY_SETTINGS_FILE`: deployment settings (default `config/deploy.yml`; missing = no subscriptions).
 */
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { AWS_CALLS } from '../shared/aws/permissions.js';
import { loadPolicyFile } from '../shared/policy/index.js';
import { alertsForStage, loadDeploySettings } from './settings.js';
import { buildDeployment, DeployConfigError, type Deployment } from './template.js';

export const DEFAULT_POLICIES_FILE = 'config/policies.yml';
export const DEFAULT_SETTINGS_FILE = 'config/deploy.yml';

export interface GenerateOptions {
  /** The directory of serverless.yml. */
  serviceDir: string;
  service: string;
  stage: string;
  env?: NodeJS.ProcessEnv;
  now?: Date;
}

export interface GeneratedStack extends Deployment {
  /** The policy file, relative to the service directory (POSIX separators): packaged and read by the function. */
  policiesFile: string;
}

/**
 * The policy file to deploy, relative to the service directory. It must lie inside it, because the same
 * relative path is packaged and read from LAMBDA_TASK_ROOT by the function.
 * @example policiesFileFrom({ POLICIES_FILE: 'config/other.yml' }) // 'config/other.yml'
 */
export function policiesFileFrom(env: NodeJS.ProcessEnv): string {
  const raw = env.POLICIES_FILE || DEFAULT_POLICIES_FILE;
  const path = normalize(raw);
  if (isAbsolute(path) || path === '..' || path.startsWith(`..${sep}`)) {
    throw new DeployConfigError(
      `POLICIES_FILE must be a path inside the service directory such as ${DEFAULT_POLICIES_FILE} ` +
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
  const policies = await loadPolicyFile(shown(join(options.serviceDir, policiesFile)));
  const settingsPath = env.DEPLOY_SETTINGS_FILE || DEFAULT_SETTINGS_FILE;
  const settings = await loadDeploySettings(
    shown(isAbsolute(settingsPath) ? settingsPath : join(options.serviceDir, settingsPath)),
  );
  const deployment = buildDeployment({
    service: options.service,
    stage: options.stage,
    policies,
    calls: AWS_CALLS,
    alerts: alertsForStage(settings, options.stage),
    now: options.now ?? new Date(),
  });
  return { ...deployment, policiesFile };
}
