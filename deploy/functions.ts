/**
 * The registry of what runs with AWS permissions: each deployed function (serverless.yml's `functions:`)
 * and the operator CLI, with the adapters it wires and so the calls it makes, and the role a copy assumes
 * in another account (`TARGET_ROLE`). The deploy gives each function a role with exactly its calls
 * (deploy/template.ts, `functionRole`), the calls only disaster-recovery copies make only when a policy
 * copies; the CLI's calls are the operator's required permissions (cli/README.md), never granted to a
 * function; the target role's are what `docdb-backup target-role` grants in the destination account.
 * tests/unit/aws/permissions.test.ts checks every entry against the adapter modules its wiring module
 * reaches through shared/aws (e.g. functions/common/wiring.ts → shared/aws/engine-deps.ts → …).
 */
import { DOCDB_CALLS } from '../shared/aws/docdb.js';
import { EVENTBRIDGE_CALLS } from '../shared/aws/eventbridge.js';
import { KMS_CALLS } from '../shared/aws/kms.js';
import { type CallDeclarations, type DeclaredCall, declaredCalls } from '../shared/aws/permissions.js';
import { ALERT_LEDGER_CALLS } from '../shared/aws/results-table/alerts.js';
import { COPY_JOB_STORE_CALLS } from '../shared/aws/results-table/copies.js';
import { JOB_STORE_CALLS } from '../shared/aws/results-table/jobs.js';
import { RESULTS_READER_CALLS, RUN_RECORDER_CALLS } from '../shared/aws/results-table/runs.js';
import { SNS_CALLS } from '../shared/aws/sns.js';
import { STS_CALLS } from '../shared/aws/sts.js';
import type { DeployedFunction } from './template.js';

/** Why the backup run never calls the reconciler's methods: each is granted to the function that calls it. */
const RECONCILER_ONLY = 'only the reconciler follows jobs (shared/lifecycle)';

/** Why the backup run never calls the copy methods: the reconciler starts and follows every copy. */
const COPIES_BY_RECONCILER = 'only the reconciler starts and follows disaster-recovery copies';

/** The DocumentDB methods of disaster-recovery copies (shared/aws/docdb.ts): started, followed and pruned by the reconciler. */
const DOCDB_COPY_METHODS = [
  'copySnapshot',
  'shareSnapshot',
  'unshareSnapshot',
  'copyState',
  'listCopies',
  'copyTags',
  'deleteCopy',
] as const;

/**
 * The DocumentDB calls made in a destination account, under the role assumed there: the copy (and its
 * KMS grant), following it, reading its tags, destination retention. Sharing stays with the source.
 */
const DESTINATION_METHODS = ['copySnapshot', 'copyState', 'listCopies', 'copyTags', 'deleteCopy'] as const;

/** Each of `methods` excepted with the same reason. */
function exceptAll(methods: readonly string[], why: string): Record<string, string> {
  return Object.fromEntries(methods.map((method) => [method, why]));
}

/** One adapter module a caller wires, and which of its declared methods the caller never uses. */
export interface AdapterUse {
  /** The adapter module, relative to the service directory, e.g. `shared/aws/docdb.ts`. */
  module: string;
  /** One of the module's `…_CALLS` exports. */
  declarations: CallDeclarations;
  /** Methods the caller never calls, each with why: their calls are not granted to it. */
  except?: Readonly<Record<string, string>>;
  /**
   * Methods (or `'all'` of them) called only for disaster-recovery copies: granted only when some policy
   * of the file has `copies` (deploy/template.ts), so a file without copies deploys the same role as before.
   */
  forCopies?: 'all' | readonly string[];
}

/** A caller with AWS permissions: a deployed function or the operator CLI. */
export interface Caller {
  /** serverless.yml's function key (`backup`), or `cli`. */
  name: string;
  /** The module that creates its adapters, relative to the service directory. */
  wiring: string;
  uses: readonly AdapterUse[];
}

/** A deployed function: a caller whose failed invocations may go to the dead-letter queue. */
export interface FunctionEntry extends Caller {
  deadLetterQueue: boolean;
}

/** Whether a method of an adapter use is called only for copies. */
function copiesOnly(use: AdapterUse, method: string): boolean {
  return use.forCopies === 'all' || (use.forCopies?.includes(method) ?? false);
}

/**
 * Every call a caller makes: its adapters' declared calls but the excepted methods', each call once.
 * `only: 'without-copies'` leaves out the methods called only for copies, `only: 'copies'` keeps only them.
 * @example callsOf(BACKUP_FUNCTION).map((c) => c.actions).flat() // ['rds:DescribeDBClusters', …]
 */
export function callsOf(caller: Caller, only?: 'copies' | 'without-copies'): DeclaredCall[] {
  const calls = caller.uses.flatMap((use) =>
    declaredCalls(
      Object.fromEntries(
        Object.entries(use.declarations).filter(
          ([method]) =>
            !use.except?.[method] && (only === undefined || copiesOnly(use, method) === (only === 'copies')),
        ),
      ),
    ),
  );
  return [...new Set(calls)];
}

/** The scheduled backup run (functions/backup): takes snapshots, writes a job per snapshot it starts. */
export const BACKUP_FUNCTION: FunctionEntry = {
  name: 'backup',
  wiring: 'functions/common/wiring.ts',
  deadLetterQueue: true,
  uses: [
    {
      module: 'shared/aws/docdb.ts',
      declarations: DOCDB_CALLS,
      except: {
        listClustersOfAnyEngine: 'only the CLI explains clusters of other engines',
        snapshotState: RECONCILER_ONLY,
        ...exceptAll(DOCDB_COPY_METHODS, COPIES_BY_RECONCILER),
      },
    },
    { module: 'shared/aws/results-table/runs.ts', declarations: RUN_RECORDER_CALLS },
    { module: 'shared/aws/results-table/alerts.ts', declarations: ALERT_LEDGER_CALLS },
    {
      // The run reads its policy's open copies only to keep their sources out of retention.
      module: 'shared/aws/results-table/copies.ts',
      declarations: COPY_JOB_STORE_CALLS,
      except: exceptAll(
        Object.keys(COPY_JOB_STORE_CALLS).filter((method) => method !== 'listFollowed'),
        COPIES_BY_RECONCILER,
      ),
      forCopies: 'all',
    },
    {
      module: 'shared/aws/sts.ts',
      declarations: STS_CALLS,
      except: { assumeRole: COPIES_BY_RECONCILER },
    },
    {
      module: 'shared/aws/results-table/jobs.ts',
      declarations: JOB_STORE_CALLS,
      except: {
        listPolicies: RECONCILER_ONLY,
        forget: RECONCILER_ONLY,
        listFollowed: RECONCILER_ONLY,
        transition: RECONCILER_ONLY,
        claimPage: RECONCILER_ONLY,
        confirmPage: RECONCILER_ONLY,
        releasePage: RECONCILER_ONLY,
      },
    },
    {
      module: 'shared/aws/eventbridge.ts',
      declarations: EVENTBRIDGE_CALLS,
      except: { publishTransitions: RECONCILER_ONLY, publishCopyTransitions: COPIES_BY_RECONCILER },
    },
    { module: 'shared/aws/sns.ts', declarations: SNS_CALLS },
  ],
};

/**
 * The reconcile pass (functions/reconcile → shared/lifecycle): follows jobs through the open-jobs index,
 * starts pending snapshots again, reads snapshot states, prunes retention once a job completes (recording
 * each deletion), pages failed jobs through the job's own claim and publishes transition events. It never
 * writes a job, a run's results or a run's alert claim. It also makes every disaster-recovery copy call:
 * under its own role in its own account (another Region, the share and the re-encrypting copy), through
 * the role it assumes (sts) in another account, where `TARGET_ROLE`'s calls are made under that role.
 */
export const RECONCILE_FUNCTION: FunctionEntry = {
  name: 'reconcile',
  wiring: 'functions/common/wiring.ts',
  deadLetterQueue: true,
  uses: [
    {
      module: 'shared/aws/docdb.ts',
      declarations: DOCDB_CALLS,
      except: { listClustersOfAnyEngine: 'only the CLI explains clusters of other engines' },
      forCopies: DOCDB_COPY_METHODS,
    },
    { module: 'shared/aws/results-table/copies.ts', declarations: COPY_JOB_STORE_CALLS, forCopies: 'all' },
    { module: 'shared/aws/sts.ts', declarations: STS_CALLS, forCopies: 'all' },
    {
      module: 'shared/aws/results-table/runs.ts',
      declarations: RUN_RECORDER_CALLS,
      except: { record: 'a pass records deletions, never a run’s results' },
    },
    {
      module: 'shared/aws/results-table/alerts.ts',
      declarations: ALERT_LEDGER_CALLS,
      except: {
        claimAlert: 'a pass pages through the failed job’s own claim (job store), not a run’s',
        confirmAlert: 'a pass pages through the failed job’s own claim (job store), not a run’s',
        releaseAlert: 'a pass pages through the failed job’s own claim (job store), not a run’s',
      },
    },
    {
      module: 'shared/aws/results-table/jobs.ts',
      declarations: JOB_STORE_CALLS,
      except: {
        put: 'the backup run writes jobs; a pass only moves them',
        record: 'the backup run writes jobs; a pass only moves them',
        remember: 'the backup run notes the policies it writes jobs for',
      },
    },
    {
      module: 'shared/aws/eventbridge.ts',
      declarations: EVENTBRIDGE_CALLS,
      forCopies: ['publishCopyTransitions'],
    },
    { module: 'shared/aws/sns.ts', declarations: SNS_CALLS },
  ],
};

/**
 * The operator CLI: `plan` and `status` read (`status` a cluster's newest result and job, and the copies
 * in their destinations), `run` records and pages like the backup function, `reconcile` runs a pass like
 * the reconcile function (copies included), both with the same wiring. Documented as the operator's
 * permissions (cli/README.md); nothing is deployed for it. `target-role` only prints a template.
 */
export const OPERATOR_CLI: Caller = {
  name: 'cli',
  wiring: 'cli/aws.ts',
  uses: [
    { module: 'shared/aws/docdb.ts', declarations: DOCDB_CALLS, forCopies: DOCDB_COPY_METHODS },
    { module: 'shared/aws/results-table/runs.ts', declarations: RUN_RECORDER_CALLS },
    {
      module: 'shared/aws/results-table/runs.ts',
      declarations: RESULTS_READER_CALLS,
      forCopies: ['latestCopies'],
    },
    { module: 'shared/aws/results-table/alerts.ts', declarations: ALERT_LEDGER_CALLS },
    { module: 'shared/aws/results-table/jobs.ts', declarations: JOB_STORE_CALLS },
    { module: 'shared/aws/results-table/copies.ts', declarations: COPY_JOB_STORE_CALLS, forCopies: 'all' },
    { module: 'shared/aws/sts.ts', declarations: STS_CALLS, forCopies: 'all' },
    {
      module: 'shared/aws/eventbridge.ts',
      declarations: EVENTBRIDGE_CALLS,
      forCopies: ['publishCopyTransitions'],
    },
    { module: 'shared/aws/kms.ts', declarations: KMS_CALLS, forCopies: 'all' },
    { module: 'shared/aws/sns.ts', declarations: SNS_CALLS },
  ],
};

/**
 * The role a copy assumes in another account (`copies[].roleArn`): the reconcile function's calls made
 * in the destination account under that role (copy with its KMS grant, follow, tags, destination
 * retention), never the source's share. Granted by the template `docdb-backup target-role` prints
 * (deploy/target-role.ts), deployed in that account; nothing of it is granted to a function.
 */
export const TARGET_ROLE: Caller = {
  name: 'target-role',
  wiring: 'functions/common/wiring.ts',
  uses: [
    {
      module: 'shared/aws/docdb.ts',
      declarations: DOCDB_CALLS,
      except: exceptAll(
        Object.keys(DOCDB_CALLS).filter(
          (method) => !(DESTINATION_METHODS as readonly string[]).includes(method),
        ),
        'made in the source account, under the reconcile function’s own role',
      ),
      forCopies: 'all',
    },
  ],
};

/** Every function serverless.yml deploys. */
export const FUNCTIONS: readonly FunctionEntry[] = [BACKUP_FUNCTION, RECONCILE_FUNCTION];

/**
 * The functions as the generator takes them: name, calls (those only copies make apart), dead-letter queue.
 * @example deployedFunctions().map((f) => f.name) // ['backup', 'reconcile']
 */
export function deployedFunctions(entries: readonly FunctionEntry[] = FUNCTIONS): DeployedFunction[] {
  return entries.map((entry) => ({
    name: entry.name,
    calls: callsOf(entry, 'without-copies'),
    copyCalls: callsOf(entry, 'copies'),
    deadLetterQueue: entry.deadLetterQueue,
  }));
}
