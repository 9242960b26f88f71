/** Reads what the backup function recorded in the emulator's results table, for assertions. */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Emulator } from '../../local/emulator.js';

/** The results table's items (alert markers left out), sorted by key, with every value as a string. */
export async function recordedItems(emu: Emulator, table: string): Promise<Record<string, string>[]> {
  const dynamo = new DynamoDBClient({
    endpoint: emu.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEMULATOR', secretAccessKey: 'emulator' },
  });
  try {
    const out = await dynamo.send(new ScanCommand({ TableName: table }));
    return (out.Items ?? [])
      .map((item) => Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v.S ?? v.N ?? ''])))
      .filter((item) => !item.pk?.startsWith('alert#'))
      .sort((a, b) => `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`));
  } finally {
    dynamo.destroy();
  }
}
