/**
 * Builds what one warm Lambda container keeps between invocations: the checked environment, the policies
 * and the SDK clients. Built on first use so a bad environment fails the invocation with a clear message.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { COMMON_CLIENT_CONFIG, docdbClients } from '../../shared/aws/clients.js';
import { DocdbAdapter } from '../../shared/aws/docdb.js';
import { DynamoResultStore } from '../../shared/aws/dynamodb.js';
import { EventBridgeResultEvents } from '../../shared/aws/eventbridge.js';
import { SnsAlerter } from '../../shared/aws/sns.js';
import type { EngineDeps, RunLog } from '../../shared/backup/index.js';
import { systemClock } from '../../shared/backup/ports.js';
import { type BackupEnv, readBackupEnv } from '../../shared/env.js';
import { readCompiledPolicies } from '../../shared/policy/compiled.js';
import type { ResolvedPolicy } from '../../shared/policy/schema.js';

export interface BackupWiring {
  env: BackupEnv;
  policies: ResolvedPolicy[];
  deps: EngineDeps;
}

/**
 * Reads the environment and the policies compiled at build time, and creates the clients (in the function's own Region for
 * SNS, DynamoDB and EventBridge; one DocumentDB client per policy Region).
 */
export async function wireFromEnvironment(
  log: RunLog,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BackupWiring> {
  const settings = readBackupEnv(env);
  const policies = await readCompiledPolicies(settings.policiesFile);
  const clock = systemClock;
  return {
    env: settings,
    policies,
    deps: {
      // Throttling is paced per Region by the engine (shared/backup/paced.ts), not retried blindly by the SDK.
      docdb: new DocdbAdapter(docdbClients({}, { throttlingToEngine: true })),
      results: new DynamoResultStore(new DynamoDBClient(COMMON_CLIENT_CONFIG), settings.resultsTable, {
        clock,
      }),
      events: new EventBridgeResultEvents(
        new EventBridgeClient(COMMON_CLIENT_CONFIG),
        settings.eventBusName,
        clock,
      ),
      alerter: new SnsAlerter(new SNSClient(COMMON_CLIENT_CONFIG), settings.alertTopicArn),
      clock,
      log,
    },
  };
}
