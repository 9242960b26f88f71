/**
 * The CLI's AWS wiring: the same adapters the backup function uses (shared/aws), with the SDK's own
 * configuration (credentials chain, `AWS_ENDPOINT_URL`, `AWS_REGION`). Commands receive a `CliAws`, so
 * tests can hand them anything that implements the ports.
 */
import { DocDBClient } from '@aws-sdk/client-docdb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { COMMON_CLIENT_CONFIG, docdbClients } from '../aws/clients.js';
import { DocdbAdapter } from '../aws/docdb.js';
import { DynamoResultStore } from '../aws/dynamodb.js';
import { EventBridgeResultEvents } from '../aws/eventbridge.js';
import { SnsAlerter } from '../aws/sns.js';
import type { EngineDeps } from '../backup/engine.js';
import type { Clock, ClusterInventory, DocdbPort, RunLog } from '../backup/ports.js';
import type { BackupEnv } from '../env.js';
import { UsageError } from './errors.js';
import { DynamoResultsReader, type ResultsReader } from './results.js';

export interface CliAws {
  /** DocumentDB in any Region: the engine's port plus the CLI's read-only inventory. */
  docdb: DocdbPort & ClusterInventory;
  /**
   * Resolves credentials through the SDK's default chain (environment, profile, SSO, container, instance)
   * and says why there are none. Never calls an AWS API.
   */
  credentials(): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Everything a real run records to, as the function wires it (clients in the stack's Region). */
  engineDeps(env: BackupEnv, log: RunLog, clock: Clock): EngineDeps;
  /** The results table, read by `status`. */
  results(table: string, region: string | undefined): ResultsReader;
  /** Closes the SDK clients' sockets so the process can end at once. */
  destroy(): void;
}

/**
 * The Region of an SNS topic ARN: the stack's Region, where its table and bus are too.
 * Example: `regionOfArn('arn:aws:sns:eu-west-1:123456789012:alerts')` → `'eu-west-1'`
 */
export function regionOfArn(arn: string): string | undefined {
  return /^arn:[^:]+:[^:]+:([a-z0-9-]+):/.exec(arn)?.[1];
}

/**
 * Real AWS (or whatever `AWS_ENDPOINT_URL` points at) through SDK v3 clients.
 * Example: `const aws = sdkAws(); try { … } finally { aws.destroy(); }`
 */
export function sdkAws(): CliAws {
  const destroyers: Array<() => void> = [];
  const clientFor = docdbClients();
  const regions = new Set<string>();
  const docdbFor = (region: string) => {
    regions.add(region);
    return clientFor(region);
  };
  destroyers.push(() => {
    for (const region of regions) clientFor(region).destroy();
  });
  const keep = <T extends { destroy(): void }>(client: T): T => {
    destroyers.push(() => client.destroy());
    return client;
  };
  return {
    docdb: new DocdbAdapter(docdbFor),
    async credentials() {
      const client = new DocDBClient({ region: 'us-east-1' });
      try {
        await client.config.credentials();
        return { ok: true };
      } catch (error) {
        return { ok: false, reason: error instanceof Error ? error.message : String(error) };
      } finally {
        client.destroy();
      }
    },
    engineDeps(env, log, clock) {
      const config = { ...COMMON_CLIENT_CONFIG, region: regionOfArn(env.alertTopicArn) };
      return {
        docdb: new DocdbAdapter(docdbFor),
        results: new DynamoResultStore(keep(new DynamoDBClient(config)), env.resultsTable, { clock }),
        events: new EventBridgeResultEvents(keep(new EventBridgeClient(config)), env.eventBusName, clock),
        alerter: new SnsAlerter(keep(new SNSClient(config)), env.alertTopicArn),
        clock,
        log,
      };
    },
    results(table, region) {
      return new DynamoResultsReader(keep(new DynamoDBClient({ ...COMMON_CLIENT_CONFIG, region })), table);
    },
    destroy() {
      for (const destroy of destroyers.splice(0)) destroy();
    },
  };
}

/**
 * Throws the exit-2 error for a command that needs AWS and has no credentials.
 * Example: `await requireCredentials(aws, 'status')`
 */
export async function requireCredentials(aws: CliAws, command: string): Promise<void> {
  const found = await aws.credentials();
  if (found.ok) return;
  throw new UsageError(
    `${command} needs AWS access and found no credentials (${found.reason}). Set AWS_PROFILE, or ` +
      'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; for the local emulator export what `npm run local` prints',
    { command, showHelpHint: false },
  );
}
