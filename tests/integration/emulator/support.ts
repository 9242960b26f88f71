/**
 * Shared setup for the emulator's integration tests: one emulator per file on a free port, reset
 * before each test, and real SDK v3 clients pointed at it with dummy credentials.
 */
import { CreateDBClusterSnapshotCommand, DocDBClient } from '@aws-sdk/client-docdb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../../local/emulator.js';

export const ACCESS_KEY_ID = 'AKIDTEST';

export interface ClientOptions {
  region?: string;
  accessKeyId?: string;
  /** 1 by default, so every fault is observed instead of retried. */
  maxAttempts?: number;
}

export interface EmulatorHarness {
  readonly emu: Emulator;
  docdb(options?: ClientOptions): DocDBClient;
  sns(options?: ClientOptions): SNSClient;
  events(options?: ClientOptions): EventBridgeClient;
  dynamodb(options?: ClientOptions): DynamoDBClient;
}

/** Registers beforeAll/beforeEach/afterAll hooks and returns the emulator and client factories. */
export function useEmulator(options: EmulatorOptions = {}): EmulatorHarness {
  let emulator: Emulator | undefined;
  const clients: Array<{ destroy(): void }> = [];
  beforeAll(async () => {
    emulator = await startEmulator({ ...options, port: 0 });
  });
  beforeEach(async () => {
    await emulator?.reset();
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await emulator?.stop();
  });
  const config = (client: ClientOptions = {}) => ({
    endpoint: harness.emu.url,
    region: client.region ?? 'us-east-1',
    credentials: { accessKeyId: client.accessKeyId ?? ACCESS_KEY_ID, secretAccessKey: 'x' },
    maxAttempts: client.maxAttempts ?? 1,
  });
  const track = <T extends { destroy(): void }>(client: T): T => {
    clients.push(client);
    return client;
  };
  const harness: EmulatorHarness = {
    get emu() {
      if (!emulator) throw new Error('the emulator starts in beforeAll');
      return emulator;
    },
    docdb: (client) => track(new DocDBClient(config(client))),
    sns: (client) => track(new SNSClient(config(client))),
    events: (client) => track(new EventBridgeClient(config(client))),
    dynamodb: (client) => track(new DynamoDBClient(config(client))),
  };
  return harness;
}

/**
 * Sends CreateDBClusterSnapshot: a manual snapshot `snapshotId` of `cluster`, nothing else set.
 * Example: `await createSnapshot(t.docdb(), 'orders', 's1')`.
 */
export function createSnapshot(docdb: DocDBClient, cluster: string, snapshotId: string) {
  return docdb.send(
    new CreateDBClusterSnapshotCommand({
      DBClusterIdentifier: cluster,
      DBClusterSnapshotIdentifier: snapshotId,
    }),
  );
}

/** The error a promise rejects with; fails when it resolves. */
export async function rejectionOf(
  promise: Promise<unknown>,
): Promise<Error & { $metadata: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
