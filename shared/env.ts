/**
 * The one place that reads the process environment. Everything else receives these values.
 */
import { isAbsolute, join } from 'node:path';
import { COMPILED_POLICIES_FILE } from './files.js';

export interface BackupEnv {
  /** SNS topic that pages on-call. */
  alertTopicArn: string;
  /** DynamoDB table for results and alert markers. */
  resultsTable: string;
  /** EventBridge bus for result events. */
  eventBusName: string;
  /** Absolute path of the compiled policy file (shared/policy/compiled.ts). */
  policiesFile: string;
  /** DocumentDB requests in flight at once per Region; Regions run side by side. */
  concurrency: number;
}

/** The environment is missing or malformed: names the variable and what was expected. */
export class EnvError extends Error {
  override readonly name = 'EnvError';
}

const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const BUS_NAME =
  /^(?:[A-Za-z0-9._\-/]{1,256}|arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[A-Za-z0-9._\-/]+)$/;

function positiveInt(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  max: number,
  problems: string[],
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    problems.push(`${name} must be a whole number from 1 to ${max}, found "${raw}"`);
    return fallback;
  }
  return value;
}

/**
 * Reads and checks the backup function's environment; reports every problem at once.
 * @example readBackupEnv({ ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:alerts', RESULTS_TABLE: 'results' })
 */
export function readBackupEnv(
  env: NodeJS.ProcessEnv,
  baseDir = env.LAMBDA_TASK_ROOT ?? process.cwd(),
): BackupEnv {
  const problems: string[] = [];
  const alertTopicArn = env.ALERT_TOPIC_ARN ?? '';
  if (!SNS_TOPIC_ARN.test(alertTopicArn))
    problems.push(
      `ALERT_TOPIC_ARN must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), found "${alertTopicArn}"`,
    );
  const resultsTable = env.RESULTS_TABLE ?? '';
  if (!TABLE_NAME.test(resultsTable))
    problems.push(
      `RESULTS_TABLE must be a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -), found "${resultsTable}"`,
    );
  const eventBusName = env.EVENT_BUS_NAME || 'default';
  if (!BUS_NAME.test(eventBusName))
    problems.push(`EVENT_BUS_NAME must be an event bus name or ARN, found "${eventBusName}"`);
  const file = env.POLICIES_FILE || COMPILED_POLICIES_FILE;
  const concurrency = positiveInt(env, 'BACKUP_CONCURRENCY', 10, 100, problems);
  if (problems.length)
    throw new EnvError(`the backup function's environment is not usable:\n- ${problems.join('\n- ')}`);
  return {
    alertTopicArn,
    resultsTable,
    eventBusName,
    policiesFile: isAbsolute(file) ? file : join(baseDir, file),
    concurrency,
  };
}
