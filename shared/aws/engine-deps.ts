/**
 * The one wiring of the engine's adapters, used by the backup function and by the CLI's `run`: DocumentDB
 * through a client pool per location, and the results table, event bus and alert topic in the stack's
 * Region (the Region of the alert topic's ARN).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Clock } from '../backup/clock.js';
import type { RunLog } from '../backup/ports.js';
import type { EngineDeps } from '../backup/scope.js';
import type { BackupEnv } from '../env.js';
import type { CredentialsForAccount } from './clients.js';
import { COMMON_CLIENT_CONFIG, type DocdbClientPool, docdbClients } from './clients.js';
import { DocdbAdapter } from './docdb.js';
import { EventBridgeResultEvents } from './eventbridge.js';
import { resultsTable } from './results-table/index.js';
import { SnsAlerter } from './sns.js';
import type { AccountAccess } from './sts.js';

/**
 * The Region of an ARN (an SNS topic's: the stack's Region, where its table and bus are too).
 * @example regionOfArn('arn:aws:sns:eu-west-1:123456789012:alerts') // 'eu-west-1'
 */
export function regionOfArn(arn: string): string | undefined {
  return /^arn:[^:]+:[^:]+:([a-z0-9-]+):/.exec(arn)?.[1];
}

/**
 * `credentialsFor` of the client pool, loading STS (shared/aws/sts.ts and its SDK client) only when a
 * copy first reaches another account: a function that copies nowhere else never pays its import.
 */
function lazyAccountCredentials(
  accounts: ReadonlyMap<string, AccountAccess>,
  region: string | undefined,
): CredentialsForAccount {
  if (accounts.size === 0) return () => undefined;
  let loaded: Promise<CredentialsForAccount> | undefined;
  const load = () => {
    loaded ??= import('./sts.js').then(({ accountCredentials }) => accountCredentials(accounts, { region }));
    return loaded;
  };
  return (account) => {
    if (!accounts.has(account)) return undefined;
    return async () => {
      const provider = (await load())(account);
      if (!provider) throw new Error(`no role is configured for account ${account}`);
      return typeof provider === 'function' ? provider() : provider;
    };
  };
}

export interface EngineWiring {
  deps: EngineDeps;
  /** Closes every SDK client's sockets, so a process (the CLI) can end at once. */
  destroy(): void;
}

export interface EngineWiringOptions {
  log: RunLog;
  clock: Clock;
  /** The DocumentDB clients; default: a new pool whose clients leave throttling to the engine's pacing. */
  docdb?: DocdbClientPool;
  /** The accounts copies go to, and the role to assume in each (shared/policy/copies.ts `copyAccess`). */
  accounts?: ReadonlyMap<string, AccountAccess>;
}

/**
 * Wires the engine to AWS (or whatever the SDK's configuration, e.g. `AWS_ENDPOINT_URL`, points at).
 * @example const { deps } = createEngineDeps(readBackupEnv(process.env), { log, clock: systemClock })
 */
export function createEngineDeps(
  env: Pick<BackupEnv, 'alertTopicArn' | 'resultsTable' | 'eventBusName'>,
  options: EngineWiringOptions,
): EngineWiring {
  const config = { ...COMMON_CLIENT_CONFIG, region: regionOfArn(env.alertTopicArn) };
  // Throttling is paced per location by the engine (shared/backup/paced.ts), not retried blindly by the SDK.
  const credentialsFor = lazyAccountCredentials(options.accounts ?? new Map(), config.region);
  const pool = options.docdb ?? docdbClients({}, { throttlingToEngine: true, credentialsFor });
  const dynamo = new DynamoDBClient(config);
  const events = new EventBridgeClient(config);
  const sns = new SNSClient(config);
  const table = resultsTable(dynamo, env.resultsTable, { clock: options.clock });
  return {
    deps: {
      docdb: new DocdbAdapter(pool),
      results: table.runs,
      alerts: table.alerts,
      jobs: table.jobs,
      copies: table.copies,
      events: new EventBridgeResultEvents(events, env.eventBusName, options.clock),
      alerter: new SnsAlerter(sns, env.alertTopicArn),
      clock: options.clock,
      log: options.log,
    },
    destroy() {
      for (const client of [dynamo, events, sns]) client.destroy();
      if (!options.docdb) pool.destroyAll();
    },
  };
}
