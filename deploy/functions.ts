/**
 * The registry of what runs with AWS permissions: each deployed function (serverless.yml's `functions:`)
 * and the operator CLI, with the adapters it wires and so the calls it makes. The deploy gives each
 * function a role with exactly its calls (deploy/template.ts, `functionRole`); the CLI's calls are the
 * operator's required permissions (cli/README.md), never granted to a function.
 * tests/unit/aws/permissions.test.ts checks every entry against the adapter modules its wiring module
 * reaches through shared/aws (e.g. functions/common/wiring.ts → shared/aws/engine-deps.ts → …).
 */
import { DOCDB_CALLS } from '../shared/aws/docdb.js';
import { EVENTBRIDGE_CALLS } from '../shared/aws/eventbridge.js';
import { type CallDeclarations, type DeclaredCall, declaredCalls } from '../shared/aws/permissions.js';
import { ALERT_LEDGER_CALLS } from '../shared/aws/results-table/alerts.js';
import { JOB_STORE_CALLS } from '../shared/aws/results-table/jobs.js';
import { RESULTS_READER_CALLS, RUN_RECORDER_CALLS } from '../shared/aws/results-table/runs.js';
import { SNS_CALLS } from '../shared/aws/sns.js';
import type { DeployedFunction } from './template.js';

/** Why the backup run never calls the reconciler's methods: each is granted to the function that calls it. */
const RECONCILER_ONLY = 'only the reconciler follows jobs (shared/lifecycle)';

/** One adapter module a caller wires, and which of its declared methods the caller never uses. */
export interface AdapterUse {
  /** The adapter module, relative to the service directory, e.g. `shared/aws/docdb.ts`. */
  module: string;
  /** One of the module's `…_CALLS` exports. */
  declarations: CallDeclarations;
  /** Methods the caller never calls, each with why: their calls are not granted to it. */
  except?: Readonly<Record<string, string>>;
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

/**
 * Every call a caller makes: its adapters' declared calls but the excepted methods', each call once.
 * @example callsOf(BACKUP_FUNCTION).map((c) => c.actions).flat() // ['rds:DescribeDBClusters', …]
 */
export function callsOf(caller: Caller): DeclaredCall[] {
  const calls = caller.uses.flatMap((use) =>
    declaredCalls(
      Object.fromEntries(Object.entries(use.declarations).filter(([method]) => !use.except?.[method])),
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
      },
    },
    { module: 'shared/aws/results-table/runs.ts', declarations: RUN_RECORDER_CALLS },
    { module: 'shared/aws/results-table/alerts.ts', declarations: ALERT_LEDGER_CALLS },
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
      except: { publishTransitions: RECONCILER_ONLY },
    },
    { module: 'shared/aws/sns.ts', declarations: SNS_CALLS },
  ],
};

/**
 * The reconcile pass (functions/reconcile → shared/lifecycle): follows jobs through the open-jobs index,
 * starts pending snapshots again, reads snapshot states, prunes retention once a job completes (recording
 * each deletion), pages failed jobs through the job's own claim and publishes transition events. It never
 * writes a job, a run's results or a run's alert claim.
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
    },
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
    { module: 'shared/aws/eventbridge.ts', declarations: EVENTBRIDGE_CALLS },
    { module: 'shared/aws/sns.ts', declarations: SNS_CALLS },
  ],
};

/**
 * The operator CLI: `plan` and `status` read (`status` a cluster's newest result and job), `run` records
 * and pages like the backup function, `reconcile` runs a pass like the reconcile function, both with the
 * same wiring. Documented as the operator's permissions (cli/README.md); nothing is deployed for it.
 */
export const OPERATOR_CLI: Caller = {
  name: 'cli',
  wiring: 'cli/aws.ts',
  uses: [
    { module: 'shared/aws/docdb.ts', declarations: DOCDB_CALLS },
    { module: 'shared/aws/results-table/runs.ts', declarations: RUN_RECORDER_CALLS },
    { module: 'shared/aws/results-table/runs.ts', declarations: RESULTS_READER_CALLS },
    { module: 'shared/aws/results-table/alerts.ts', declarations: ALERT_LEDGER_CALLS },
    { module: 'shared/aws/results-table/jobs.ts', declarations: JOB_STORE_CALLS },
    { module: 'shared/aws/eventbridge.ts', declarations: EVENTBRIDGE_CALLS },
    { module: 'shared/aws/sns.ts', declarations: SNS_CALLS },
  ],
};

/** Every function serverless.yml deploys. */
export const FUNCTIONS: readonly FunctionEntry[] = [BACKUP_FUNCTION, RECONCILE_FUNCTION];

/**
 * The functions as the generator takes them: name, calls, dead-letter queue.
 * @example deployedFunctions().map((f) => f.name) // ['backup', 'reconcile']
 */
export function deployedFunctions(entries: readonly FunctionEntry[] = FUNCTIONS): DeployedFunction[] {
  return entries.map((entry) => ({
    name: entry.name,
    calls: callsOf(entry),
    deadLetterQueue: entry.deadLetterQueue,
  }));
}
