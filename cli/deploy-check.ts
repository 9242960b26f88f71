/**
 * `validate`'s look at the deployment settings (config/deploy.yml, or `DEPLOY_SETTINGS_FILE`): whether
 * anyone would be paged, as `npm run package` and `npm run deploy` judge it (deploy/subscribers.ts).
 */
import { access } from 'node:fs/promises';
import { DeploySettingsError, loadDeploySettings } from '../deploy/settings.js';
import { type SubscriberProblem, subscriberProblems } from '../deploy/subscribers.js';
import { DEFAULT_SETTINGS_FILE, SETTINGS_FILE_VARIABLE } from '../shared/files.js';
import type { CliIo } from './io.js';
import { absolutePath } from './policies.js';

export interface DeployCheck {
  /** The settings file, as named (for messages). */
  file: string;
  /** Who would not be paged, and plain https endpoints in the template. */
  problems: SubscriberProblem[];
  /** Why the file is not usable (one line per problem); null when it is. */
  error: string | null;
}

/**
 * The settings' paging problems, or `undefined` when there is nothing to check: no
 * `DEPLOY_SETTINGS_FILE` and no config/deploy.yml in the working directory (validating a policy file
 * outside a deployment).
 * Example: `(await deployCheck(io))?.problems[0]?.kind` → `'no-subscribers'`
 */
export async function deployCheck(io: CliIo): Promise<DeployCheck | undefined> {
  const named = io.env[SETTINGS_FILE_VARIABLE] || undefined;
  const file = named ?? DEFAULT_SETTINGS_FILE;
  const path = absolutePath(file, io);
  if (!named) {
    try {
      await access(path);
    } catch {
      return undefined;
    }
  }
  try {
    return { file, problems: subscriberProblems(await loadDeploySettings(path)), error: null };
  } catch (error) {
    if (!(error instanceof DeploySettingsError)) throw error;
    return { file, problems: [], error: error.message.replaceAll(path, file) };
  }
}
