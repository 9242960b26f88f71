/**
 * Every command's name, one-line summary and `--help` text, apart from the commands themselves: `--help`
 * and the command list load none of a command's code (the AWS SDK, the policy parser), so they start fast.
 */
/** What `--help` and the command list show of a command. */
export interface CommandInfo {
  name: string;
  /** One line for the top-level help. */
  summary: string;
  /** The command's `--help` text. */
  help: string;
}

export const VALIDATE_INFO: CommandInfo = {
  name: 'validate',
  summary: 'check a policy file: every error at once, and warnings for risky policies',
  help: `Usage: docdb-backup validate [file | --file F] [--json]

Checks a policy file the way the deploy and the backup function read it and lists every problem at
once, one per line:  file:line:column  policy  key.path  error|warning: message
Warnings (risky but valid) never fail: schedules more often than hourly, disabled policies, and
policies whose snapshots do not fit a Region's manual snapshot quota (the file's quota: settings):
without retention, one cluster filling it within a year; with retention, one cluster's steady state
alone exceeding it, or a Region's steady state over all policies (retention x clusters listed by id)
reaching quota.warnAtPercent of its quota.

Arguments:
  file          the policy file (default: $DOCDB_BACKUP_POLICIES, else config/policies.yml)

Options:
  --file F      the policy file, as the other commands take it (same as the argument)
  --json        print the result as JSON (shape: cli/README.md)
  --no-color    plain text even on a terminal (NO_COLOR is respected too)
  --debug       show stack traces of unexpected errors
  -h, --help    show this help

Exit codes: 0 valid, 1 invalid, 2 the file cannot be read or the flags are wrong.`,
};

export const PLAN_INFO: CommandInfo = {
  name: 'plan',
  summary: 'show the next scheduled runs and what they would snapshot, skip or fail (read-only)',
  help: `Usage: docdb-backup plan [--policy P] [--at TIME] [--file F] [--offline] [--json]

Shows what the scheduled runs will do, changing nothing. Per policy: the next three scheduled
times (UTC; for a policy with a timezone also in that zone, with any daylight-saving change among
them: a local time that does not exist that day is skipped, one that happens twice runs once) and,
when AWS credentials are found, per Region the clusters the next run would snapshot (with the
snapshot ids) and those it would skip or fail, and why: excluded, stopped or unavailable, explicit
identifier not found, another engine with matching tags. Also its windows: how long after the
slot a busy cluster may still be started (start window) and how long a started snapshot may take
to become available (completion window) before the job fails and pages. For a policy with copies:
where they go, and each copy of a selected encrypted cluster that cannot be made as the policy
stands (no kmsKeyId, or transitKmsKeyId for another account's other Region; the AWS managed key
copied to another account without shareKmsKeyId), with the setting to fix.

Options:
  --policy P    only this policy (default: every policy in the file)
  --at TIME     plan from TIME instead of now (ISO-8601 with zone, e.g. 2026-11-28T03:00Z); a
                scheduled time equal to TIME is the next run, so the ids match "run --at TIME"
  --file F      the policy file (default: $DOCDB_BACKUP_POLICIES, else config/policies.yml)
  --offline     do not call AWS: schedules only
  --json        print the plan as JSON (shape: cli/README.md)
  --no-color    plain text even on a terminal
  --debug       show the engine's log lines and stack traces on stderr
  -h, --help    show this help

AWS calls (read-only): rds:DescribeDBClusters, rds:ListTagsForResource; with copies to another
account, kms:DescribeKey on the encrypted clusters' keys.
Exit codes: 0 planned; 1 the next run would fail for some cluster, or a copy cannot be made; 2
could not plan (flags, policy file, unknown policy).`,
};

export const RUN_INFO: CommandInfo = {
  name: 'run',
  summary: "take a policy's snapshots now, recorded like a scheduled run (--dry-run: show the plan)",
  help: `Usage: docdb-backup run --policy P [--at TIME] [--dry-run] [--timeout D] [--file F] [--json]

Takes the policy's snapshots now, with the same engine and the same records as the scheduled
function: one result per cluster in the results table, result events, and at most one alert to
on-call for the slot. Busy clusters are retried with backoff; one still busy at the end is
pending: the reconciler starts its snapshot once it is free, until the policy's start window
closes (docdb-backup reconcile does one pass now). Each cluster is shown as it completes. A policy with retention then deletes what it no longer keeps, as a scheduled run does.

Options:
  --policy P     the policy to run (required)
  --at TIME      the slot, ISO-8601 with zone (default now), truncated to the minute. It names the
                 snapshots: --at a scheduled time completes that run (existing ones count as done)
  --dry-run      print the snapshot ids it would create and what it would skip; change nothing
  --timeout D    stop starting attempts after D (e.g. 90s, 15m; default 15m, like the function)
  --file F       the policy file (default: $DOCDB_BACKUP_POLICIES, else config/policies.yml)
  --json         print the outcome as JSON (shape: cli/README.md); no progress lines
  --no-color     plain text even on a terminal
  --debug        show the engine's log lines and stack traces on stderr
  -h, --help     show this help

Environment (not needed for --dry-run; the stack's outputs AlertTopicArn, ResultsTableName):
  ALERT_TOPIC_ARN, RESULTS_TABLE       required
  EVENT_BUS_NAME, BACKUP_CONCURRENCY   optional, as for the function
  AWS credentials as usual (AWS_PROFILE, AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL, ...)

Exit codes: 0 every selected cluster has its snapshot (created or already there); 1 some cluster
does not (pending ones not yet), nothing was selected, or the run could not be recorded (--dry-run: a cluster would
fail); 2 could not run (flags, policy file, unknown policy, environment, credentials);
130 interrupted (Ctrl-C).`,
};

export const RECONCILE_INFO: CommandInfo = {
  name: 'reconcile',
  summary: 'carry the backup jobs forward now, as the reconcile function does (pages failures)',
  help: `Usage: docdb-backup reconcile [--file F] [--timeout D] [--json]

Runs one reconcile pass now, as the scheduled reconcile function does: for every policy of the
file (enabled or not) the backup jobs still followed are carried forward. A pending job (its
cluster was busy through the run) is tried again until its start window closes; a creating job
is checked against AWS until its snapshot is available, failed or gone, or its completion window
closes. A completion applies the policy's retention; the failures of a policy are paged once.
Prints each job that changed, the pages sent and how many jobs are still open.

Options:
  --file F       the policy file (default: $DOCDB_BACKUP_POLICIES, else config/policies.yml)
  --timeout D    stop starting work after D (e.g. 90s, 5m; default 15m)
  --json         print the outcome as JSON (shape: cli/README.md)
  --no-color     plain text even on a terminal
  --debug        show the engine's log lines and stack traces on stderr
  -h, --help     show this help

Environment (the stack's outputs AlertTopicArn, ResultsTableName):
  ALERT_TOPIC_ARN, RESULTS_TABLE       required
  EVENT_BUS_NAME, BACKUP_CONCURRENCY   optional, as for the functions
  AWS credentials as usual (AWS_PROFILE, AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL, ...)

Exit codes: 0 the pass did all it had to (jobs may still be open: their snapshots are being
taken); 1 a job failed in this pass, a page could not be sent, or a policy's jobs could not be
read; 2 could not run (flags, policy file, environment, credentials); 130 interrupted (Ctrl-C).`,
};

export const STATUS_INFO: CommandInfo = {
  name: 'status',
  summary: 'is every cluster protected? newest snapshot, age, last result, overdue (exit 1 when not)',
  help: `Usage: docdb-backup status [--policy P] [--at TIME] [--file F] [--html FILE] [--json]

Answers "is every cluster protected?". For each cluster the enabled policies select now: the
newest available snapshot this service took for the policy (ownership tags and id shape checked)
and its age, the last recorded result, and whether the cluster is overdue: no snapshot newer than
the schedule's longest gap between runs plus slack (25% of that gap, at least 1 hour). For a
policy with copies, per cluster and destination the latest copy (available, copying, waiting,
failed with its code, or none), its age and snapshot id; a copy is current when it is of the
cluster's newest available snapshot.

Options:
  --policy P    only this policy (also checks it when it is disabled)
  --at TIME     judge as of TIME instead of now (ISO-8601 with zone)
  --file F      the policy file (default: $DOCDB_BACKUP_POLICIES, else config/policies.yml)
  --html FILE   also write the status as one self-contained HTML page: per cluster its recent
                results as a timeline, its latest job and copies, per Region the manual snapshot
                quota used
  --json        print the status as JSON (shape: cli/README.md)
  --no-color    plain text even on a terminal
  --debug       show the engine's log lines and stack traces on stderr
  -h, --help    show this help

Environment: RESULTS_TABLE (the stack's output ResultsTableName) for the last results, jobs and
copies; without it they stay empty. The table is read in the Region of ALERT_TOPIC_ARN when set,
else AWS_REGION. AWS credentials as usual (AWS_PROFILE, AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL, ...).
AWS calls (read-only): rds:DescribeDBClusters, rds:ListTagsForResource,
rds:DescribeDBClusterSnapshots, dynamodb:Query.
Exit codes: 0 every cluster protected; 1 some cluster overdue, missing or not checkable, or a
destination with no copy or whose newest copy failed; 2 could not run (flags, policy file,
unknown policy, credentials).`,
};

export const TARGET_ROLE_INFO: CommandInfo = {
  name: 'target-role',
  summary: "print the CloudFormation template of a copy destination account's role (no AWS call)",
  help: `Usage: docdb-backup target-role --source-account A [--policies F] [--account T] [--stage S]
                               [--source-region R] [--service N] [--format yaml|json]

Prints on stdout the CloudFormation template of the IAM role the reconcile function assumes in
another account to copy snapshots there (the copies[].roleArn of the policy file), to deploy in
that account. Least privilege: it trusts only the reconcile function's role of the service's
stack (<service>-<stage>-<source Region>-reconcile in account A), only with the externalId the
policy file gives that account; it may copy, tag, follow and delete (tagged as ours) snapshots
under the policies' prefixes in that account's destination Regions, copy the snapshots shared
with it, and use the keys the policy file names through RDS only. What to do with it (the aws
cli command line, the key policy) goes to stderr. Reads only the policy file: no AWS call.

Options:
  --source-account A   the 12-digit account the service's stack is deployed in (required)
  --policies F         the policy file (default: $DOCDB_BACKUP_POLICIES, else config/policies.yml;
                       --file F is the same)
  --account T          the account to make the role for (required when the file copies to more
                       than one other account)
  --stage S            the service stack's stage (default dev, as serverless.yml)
  --source-region R    the Region the service's stack is deployed in (default us-east-1, as
                       serverless.yml)
  --service N          serverless.yml's service (default docdb-backup)
  --format F           yaml (default) or json
  --no-color           plain text even on a terminal
  --debug              show stack traces of unexpected errors
  -h, --help           show this help

Exit codes: 0 printed; 2 could not (flags, policy file, no copy to another account, several
accounts and no --account).`,
};
