/**
 * The CLI's AWS wiring: the same adapters the backup function uses (shared/aws), with the SDK's own
 * configuration (credentials chain, `AWS_ENDPOINT_URL`, `AWS_REGION`). Commands receive a `CliAws`, so
 * tests can hand them anything that implements the ports.
 */
import { DocDBClient } from '@aws-sdk/client-docdb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { COMMON_CLIENT_CONFIG, type DocdbClientPool, docdbClients } from '../shared/aws/clients.js';
import { DocdbAdapter } from '../shared/aws/docdb.js';
import { createEngineDeps } from '../shared/aws/engine-deps.js';
import { type KeyLookup, KmsAdapter } from '../shared/aws/kms.js';
import { DynamoResultsReader, type ResultsReader } from '../shared/aws/results-table/index.js';
import type { Clock } from '../shared/backup/clock.js';
import type { EngineDeps } from '../shared/backup/engine.js';
import { inOwnAccount, type Location } from '../shared/backup/location.js';
import type { ClusterInventory, DocdbPort, RunLog } from '../shared/backup/ports.js';
import type { BackupEnv } from '../shared/env.js';
import { type AwsSetting, awsAnswerCheck, explainAwsError } from './aws-errors.js';
import { UsageError } from './errors.js';

export interface CliAws {
  /** DocumentDB in any Region: the engine's port plus the CLI's read-only inventory. */
  docdb: DocdbPort & ClusterInventory;
  /**
   * Resolves credentials through the SDK's default chain (environment, profile, SSO, container, instance)
   * and says why there are none. Never calls an AWS API.
   */
  credentials(): Promise<{ ok: true } | { ok: false; reason: string }>;
  /**
   * One read-only call (DescribeDBClusters) in `region`: throws an `AwsAccessError` when every call would
   * fail the same way (nothing answers, not AWS, credentials refused, unknown Region); other failures
   * (access denied, throttling) are left to the command, which reports them where they happen.
   */
  reachable(region: string, setting: AwsSetting): Promise<void>;
  /**
   * Everything a real run records to, wired as the function wires it (shared/aws/engine-deps.ts), but for
   * other accounts: the target accounts' roles trust only the reconcile function's role.
   */
  engineDeps(env: BackupEnv, log: RunLog, clock: Clock): EngineDeps;
  /** The results table, read by `status`. */
  results(table: string, region: string | undefined): ResultsReader;
  /** KMS keys, read by `plan` (who manages an encrypted cluster's key). */
  kms: KeyLookup;
  /** Closes the SDK clients' sockets so the process can end at once. */
  destroy(): void;
}

/**
 * Real AWS (or whatever `AWS_ENDPOINT_URL` points at) through SDK v3 clients.
 * Example: `const aws = sdkAws(); try { … } finally { aws.destroy(); }`
 */
export function sdkAws(): CliAws {
  // The read-only lookups (plan, status, dry run) keep the SDK's own throttling retries.
  const lookups = checkedPool(docdbClients());
  // The reachability check gives up sooner: a closed port is not going to open within a few retries.
  const probes = checkedPool(docdbClients({ maxAttempts: 2 }));
  const destroyers: Array<() => void> = [() => lookups.destroyAll(), () => probes.destroyAll()];
  const kmsClients = new Map<string, KMSClient>();
  destroyers.push(() => {
    for (const client of kmsClients.values()) client.destroy();
  });
  return {
    docdb: new DocdbAdapter(lookups),
    kms: new KmsAdapter((region) => {
      let client = kmsClients.get(region);
      if (!client) {
        client = awsAnswerCheck(new KMSClient({ ...COMMON_CLIENT_CONFIG, region }));
        kmsClients.set(region, client);
      }
      return client;
    }),
    async reachable(region, setting) {
      try {
        await new DocdbAdapter(probes).listClusters(inOwnAccount(region));
      } catch (error) {
        const explained = explainAwsError(error, { ...setting, region });
        if (explained?.fatal) throw explained;
      }
    },
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
      const wiring = createEngineDeps(env, { log, clock });
      destroyers.push(() => wiring.destroy());
      return wiring.deps;
    },
    results(table, region) {
      const client = awsAnswerCheck(new DynamoDBClient({ ...COMMON_CLIENT_CONFIG, region }));
      destroyers.push(() => client.destroy());
      return new DynamoResultsReader(client, table);
    },
    destroy() {
      for (const destroy of destroyers.splice(0)) destroy();
    },
  };
}

/** The pool's clients, each with the check that its answers come from AWS (`awsAnswerCheck`). */
function checkedPool(pool: DocdbClientPool): DocdbClientPool {
  const checked = new WeakSet<object>();
  return Object.assign(
    (at: Location) => {
      const client = pool(at);
      if (!checked.has(client)) {
        checked.add(client);
        awsAnswerCheck(client);
      }
      return client;
    },
    { destroyAll: () => pool.destroyAll() },
  );
}

/**
 * Throws the exit-2 error for a command that needs AWS and cannot use it: no credentials, or (checked with
 * one read-only call in the first of `regions`) nothing answering, not AWS answering, credentials refused,
 * an unknown Region. `hint` ends the no-credentials message (e.g. plan's `--offline`).
 * Example: `await requireAws(ctx.aws(), 'status', { regions: ['us-east-1'], setting: awsSettingOf(io.env) })`
 */
export async function requireAws(
  aws: CliAws,
  command: string,
  options: { regions: readonly string[]; setting: AwsSetting; hint?: string },
): Promise<void> {
  const found = await aws.credentials();
  if (!found.ok)
    throw new UsageError(
      `${command} needs AWS access and found no credentials (${found.reason}). Set AWS_PROFILE, or ` +
        'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; for the local emulator export what `npm run local` prints' +
        (options.hint ? `; ${options.hint}` : ''),
      { command, showHelpHint: false },
    );
  const region = options.regions[0] ?? options.setting.region;
  if (region) await aws.reachable(region, options.setting);
}
