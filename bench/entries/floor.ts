/**
 * The cold-start floor: only the four SDK clients the backup function uses, imported and constructed.
 * Bundled with serverless.yml's esbuild options, like the function; the function cannot start faster or
 * ship smaller than this.
 */
import { DocDBClient } from '@aws-sdk/client-docdb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';

const config = { maxAttempts: 6, retryMode: 'standard' } as const;

export const clients = [
  new DocDBClient(config),
  new DynamoDBClient(config),
  new EventBridgeClient(config),
  new SNSClient(config),
];
