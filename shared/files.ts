/**
 * The service's files, relative to the service directory, named once for the function (shared/env.ts), the
 * deploy generator (deploy/entry.ts) and the operator CLI (cli/policies.ts).
 * @example policiesFile = env[POLICIES_FILE_VARIABLE] || DEFAULT_POLICIES_FILE
 */

/** The policy file operators edit. */
export const DEFAULT_POLICIES_FILE = 'config/policies.yml';
/** The environment variable (of `serverless` and the CLI) that names another policy file. */
export const POLICIES_FILE_VARIABLE = 'DOCDB_BACKUP_POLICIES';
/** The policies compiled at package time (git-ignored): packaged, and the function's `POLICIES_FILE`. */
export const COMPILED_POLICIES_FILE = '.build/policies.compiled.json';
/** Deployment settings (alert subscriptions); a missing file means none. */
export const DEFAULT_SETTINGS_FILE = 'config/deploy.yml';
/** The environment variable (of `serverless`) that names another settings file. */
export const SETTINGS_FILE_VARIABLE = 'DEPLOY_SETTINGS_FILE';
