/**
 * Builds what one warm Lambda container (backup or reconcile) keeps between invocations: the checked environment, the policies
 * and the SDK clients. Built on first use so a bad environment fails the invocation with a clear message.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { createEngineDeps } from '../../shared/aws/engine-deps.js';
import { systemClock } from '../../shared/backup/clock.js';
import type { EngineDeps, RunLog } from '../../shared/backup/index.js';
import { type BackupEnv, readBackupEnv } from '../../shared/env.js';
import { readCompiledFile } from '../../shared/policy/compiled.js';
import { copyAccess } from '../../shared/policy/copies.js';
import type { ReconcileSettings, ResolvedPolicy } from '../../shared/policy/schema.js';

/** The engine's log lines go to Powertools Logger, which adds the invocation's keys to every line. */
export function loggerAsRunLog(target: Logger): RunLog {
  return {
    info: (message, fields) => target.info(message, fields ?? {}),
    warn: (message, fields) => target.warn(message, fields ?? {}),
    error: (message, fields) => target.error(message, fields ?? {}),
  };
}

export interface FunctionWiring {
  env: BackupEnv;
  policies: ResolvedPolicy[];
  /** The file's reconcile settings (copies in flight per destination). */
  reconcile: ReconcileSettings;
  deps: EngineDeps;
}

/**
 * Reads the environment and the policies compiled at build time, and creates the clients (shared/aws/engine-deps.ts).
 */
export async function wireFromEnvironment(
  log: RunLog,
  env: NodeJS.ProcessEnv = process.env,
): Promise<FunctionWiring> {
  const settings = readBackupEnv(env);
  const { policies, reconcile } = await readCompiledFile(settings.policiesFile);
  // Copies to other accounts reach them through the role each names (shared/aws/sts.ts).
  const accounts = copyAccess(policies);
  const { deps } = createEngineDeps(settings, { log, clock: systemClock, accounts });
  return { env: settings, policies, reconcile, deps };
}
