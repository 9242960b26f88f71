/**
 * The results table, as the ports the engine and the CLI use: run results, the page ledger, backup jobs
 * and the reader. Keys and items are in codec.ts.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoAlertLedger } from './alerts.js';
import { DynamoCopyJobStore } from './copies.js';
import { DynamoJobStore } from './jobs.js';
import { DynamoResultsReader, DynamoRunRecorder } from './runs.js';
import type { TableOptions } from './writer.js';

export { OPEN_JOBS_INDEX, type RecordedResult } from './codec.js';
export type { ResultsReader } from './runs.js';
export type { TableOptions } from './writer.js';
export { DynamoAlertLedger, DynamoCopyJobStore, DynamoJobStore, DynamoResultsReader, DynamoRunRecorder };

/**
 * The engine's ports of one results table over one client (the CLI builds its reader on its own client).
 * @example const table = resultsTable(new DynamoDBClient({}), 'docdb-backup-results', { clock })
 */
export function resultsTable(client: DynamoDBClient, table: string, options: TableOptions) {
  return {
    runs: new DynamoRunRecorder(client, table, options),
    alerts: new DynamoAlertLedger(client, table, options),
    jobs: new DynamoJobStore(client, table, options),
    copies: new DynamoCopyJobStore(client, table, options),
  };
}
