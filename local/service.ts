/**
 * The service's own resources inside the emulator, as the deploy creates them in an account: the alert
 * topic and the results table. Used by `npm start` and the integration tests; product code is not involved.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { RESULTS_TABLE_KEYS } from '../shared/aws/results-table/codec.js';
import type { Emulator } from './emulator.js';

export const SERVICE_TOPIC = 'docdb-backup-alerts';
export const SERVICE_TABLE = 'docdb-backup-results';

export interface ProvisionedService {
  topicArn: string;
  table: string;
  /** The backup function's environment: emulator endpoint and credentials plus its own variables. */
  env: Record<string, string>;
}

/**
 * Creates the alert topic and the results table (keys and the open-jobs index of shared/aws/results-table/codec.ts, as serverless.yml declares them) in `region`.
 * Example: `const { env } = await provisionService(emu); Object.assign(process.env, env);`
 */
export async function provisionService(emu: Emulator, region = 'us-east-1'): Promise<ProvisionedService> {
  const config = {
    endpoint: emu.url,
    region,
    credentials: { accessKeyId: 'AKIDEMULATOR', secretAccessKey: 'emulator' },
  };
  const sns = new SNSClient(config);
  const dynamo = new DynamoDBClient(config);
  try {
    const topic = await sns.send(new CreateTopicCommand({ Name: SERVICE_TOPIC }));
    await dynamo.send(
      new CreateTableCommand({
        TableName: SERVICE_TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        ...RESULTS_TABLE_KEYS,
      }),
    );
    const topicArn = topic.TopicArn ?? '';
    return {
      topicArn,
      table: SERVICE_TABLE,
      env: {
        ...emu.env(region),
        ALERT_TOPIC_ARN: topicArn,
        RESULTS_TABLE: SERVICE_TABLE,
        EVENT_BUS_NAME: 'default',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    };
  } finally {
    sns.destroy();
    dynamo.destroy();
  }
}
