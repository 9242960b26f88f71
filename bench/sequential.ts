/**
 * The sequential baseline: what a simple snapshot script does. One cluster after another, one
 * CreateDBClusterSnapshot each, a busy cluster retried with the policy's backoff (the product's own
 * formula and SDK client settings), no concurrency, nothing recorded. Run in its own process by the bench:
 *
 *   node --import tsx bench/sequential.ts   (BENCH_CLUSTERS=<json file>, BENCH_OUT=<result file>)
 *
 * BENCH_CLUSTERS holds `{ clusters: [{ region, id }], prefix, slot, retry }`; the endpoint and
 * credentials come from the environment (AWS_ENDPOINT_URL), as for the function.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateDBClusterSnapshotCommand,
  DocDBClient,
  InvalidDBClusterStateFault,
} from '@aws-sdk/client-docdb';
import { COMMON_CLIENT_CONFIG } from '../shared/aws/clients.js';
import { backoffMs } from '../shared/backup/retry.js';
import type { RetrySettings } from '../shared/policy/schema.js';

interface Input {
  clusters: { region: string; id: string }[];
  prefix: string;
  slot: string;
  retry: RetrySettings;
}

const input = JSON.parse(readFileSync(process.env.BENCH_CLUSTERS ?? '', 'utf8')) as Input;
const clients = new Map<string, DocDBClient>();
const clientFor = (region: string): DocDBClient => {
  let client = clients.get(region);
  if (!client) {
    client = new DocDBClient({ ...COMMON_CLIENT_CONFIG, region });
    clients.set(region, client);
  }
  return client;
};

let created = 0;
let failed = 0;
let attempts = 0;
const started = performance.now();
for (const cluster of input.clusters) {
  for (let attempt = 1; ; attempt++) {
    attempts++;
    try {
      await clientFor(cluster.region).send(
        new CreateDBClusterSnapshotCommand({
          DBClusterIdentifier: cluster.id,
          DBClusterSnapshotIdentifier: `${input.prefix}-${cluster.id}-${input.slot}`,
        }),
      );
      created++;
      break;
    } catch (error) {
      if (!(error instanceof InvalidDBClusterStateFault) || attempt >= input.retry.maxAttempts) {
        failed++;
        break;
      }
      await sleep(backoffMs(input.retry, attempt, Math.random));
    }
  }
}
const wallMs = performance.now() - started;
for (const client of clients.values()) client.destroy();
writeFileSync(process.env.BENCH_OUT ?? '', JSON.stringify({ wallMs, created, failed, attempts }));
