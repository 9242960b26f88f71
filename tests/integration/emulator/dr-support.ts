/**
 * A disaster-recovery world for the emulator's tests (and the product's): two accounts, KMS keys in two
 * Regions of each, clusters encrypted three ways, and a copier role in the target account that trusts the
 * source account with an external id. `useDrEmulator()` seeds it before each test and adds STS and KMS
 * clients to the usual harness; `assumeCopier()` signs in to the target account through the role.
 */
import { DocDBClient } from '@aws-sdk/client-docdb';
import { KMSClient } from '@aws-sdk/client-kms';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeEach } from 'vitest';
import type { Emulator, EmulatorOptions, FleetSeed } from '../../../local/emulator.js';
import { ACCESS_KEY_ID, type ClientOptions, type EmulatorHarness, useEmulator } from './support.js';

const SOURCE = '123456789012';
const TARGET = '444455556666';

function keyArn(region: string, account: string, id: string): string {
  return `arn:aws:kms:${region}:${account}:key/${id}`;
}

/** The names and ids of the DR world. */
export const DR = {
  /** The emulator's default account: clients with the harness's default key sign in here. */
  sourceAccount: SOURCE,
  targetAccount: TARGET,
  /** An access key of the target account itself (for setting up and looking), besides the role. */
  targetAccessKeyId: 'AKIDDRTARGET',
  roleArn: `arn:aws:iam::${TARGET}:role/docdb-backup-copier`,
  externalId: 'docdb-backup-7f3a9c',
  keys: {
    /** Customer managed, source account: us-east-1 (`alias/docdb-backup`) and us-west-2 (`alias/docdb-backup-dr`). */
    sourceEast: keyArn('us-east-1', SOURCE, '1a2b3c4d-0000-4000-8000-000000000001'),
    sourceWest: keyArn('us-west-2', SOURCE, '1a2b3c4d-0000-4000-8000-000000000002'),
    /** Customer managed, target account: us-east-1 and eu-west-1. */
    targetEast: keyArn('us-east-1', TARGET, '1a2b3c4d-0000-4000-8000-000000000003'),
    targetEuWest: keyArn('eu-west-1', TARGET, '1a2b3c4d-0000-4000-8000-000000000004'),
    /** A disabled customer key of the source account in us-west-2. */
    sourceWestDisabled: keyArn('us-west-2', SOURCE, '1a2b3c4d-0000-4000-8000-000000000005'),
  },
  /** Snapshots in the source account, us-east-1: unencrypted, customer key, AWS managed key. */
  snapshots: { plain: 'orders-s1', customerKey: 'billing-s1', awsManagedKey: 'audit-s1' },
  snapshotArn: (id: string, region = 'us-east-1', account = SOURCE) =>
    `arn:aws:rds:${region}:${account}:cluster-snapshot:${id}`,
} as const;

const idOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/**
 * The DR fleet: in the source account, us-east-1, `orders` (unencrypted, tagged), `billing` (encrypted with
 * `alias/docdb-backup`) and `audit` (encrypted with the AWS managed key), each with one available manual
 * snapshot; keys in both accounts; the copier role in the target account.
 */
export function drFleet(): FleetSeed {
  return {
    regions: {
      'us-east-1': {
        kmsKeys: [{ id: idOf(DR.keys.sourceEast), alias: 'alias/docdb-backup' }],
        clusters: [
          { id: 'orders', tags: { team: 'payments' } },
          { id: 'billing', encrypted: true, kmsKeyId: 'alias/docdb-backup' },
          { id: 'audit', encrypted: true },
        ],
        snapshots: [
          { id: DR.snapshots.plain, clusterId: 'orders', tags: { team: 'payments', tier: 'gold' } },
          { id: DR.snapshots.customerKey, clusterId: 'billing' },
          { id: DR.snapshots.awsManagedKey, clusterId: 'audit' },
        ],
      },
      'us-west-2': {
        kmsKeys: [
          { id: idOf(DR.keys.sourceWest), alias: 'alias/docdb-backup-dr' },
          { id: idOf(DR.keys.sourceWestDisabled), enabled: false },
        ],
      },
    },
    accessKeys: { [DR.targetAccessKeyId]: TARGET },
    accounts: {
      [TARGET]: {
        regions: {
          'us-east-1': { kmsKeys: [{ id: idOf(DR.keys.targetEast) }] },
          'eu-west-1': { kmsKeys: [{ id: idOf(DR.keys.targetEuWest) }] },
        },
        roles: { 'docdb-backup-copier': { trust: { accounts: [SOURCE], externalId: DR.externalId } } },
      },
    },
  };
}

export interface DrHarness extends EmulatorHarness {
  sts(options?: ClientOptions): STSClient;
  kms(options?: ClientOptions): KMSClient;
  /** A DocumentDB client signed with the target account's own key. */
  targetDocdb(region?: string): DocDBClient;
  /** Assumes the copier role from the source account and returns a DocumentDB client signed with it. */
  assumeCopier(region?: string): Promise<DocDBClient>;
}

/** `useEmulator(options)` plus the DR fleet seeded before each test and STS/KMS clients. */
export function useDrEmulator(options: EmulatorOptions = {}): DrHarness {
  const t = useEmulator(options);
  const clients: Array<{ destroy(): void }> = [];
  beforeEach(() => {
    t.emu.seed(drFleet());
  });
  afterAll(() => {
    for (const client of clients) client.destroy();
  });
  const config = (client: ClientOptions = {}) => ({
    endpoint: t.emu.url,
    region: client.region ?? 'us-east-1',
    credentials: { accessKeyId: client.accessKeyId ?? ACCESS_KEY_ID, secretAccessKey: 'x' },
    maxAttempts: client.maxAttempts ?? 1,
  });
  const track = <T extends { destroy(): void }>(client: T): T => {
    clients.push(client);
    return client;
  };
  const harness: DrHarness = {
    get emu(): Emulator {
      return t.emu;
    },
    docdb: t.docdb,
    sns: t.sns,
    events: t.events,
    dynamodb: t.dynamodb,
    sts: (client) => track(new STSClient(config(client))),
    kms: (client) => track(new KMSClient(config(client))),
    targetDocdb: (region = 'us-east-1') => t.docdb({ region, accessKeyId: DR.targetAccessKeyId }),
    async assumeCopier(region = 'us-east-1') {
      const { Credentials } = await harness.sts().send(
        new AssumeRoleCommand({
          RoleArn: DR.roleArn,
          RoleSessionName: 'copier',
          ExternalId: DR.externalId,
        }),
      );
      return track(
        new DocDBClient({
          endpoint: t.emu.url,
          region,
          maxAttempts: 1,
          credentials: {
            accessKeyId: Credentials?.AccessKeyId ?? '',
            secretAccessKey: Credentials?.SecretAccessKey ?? '',
            sessionToken: Credentials?.SessionToken ?? '',
          },
        }),
      );
    },
  };
  return harness;
}
