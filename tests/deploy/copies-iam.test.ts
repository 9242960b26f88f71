// Seam: the IAM of disaster-recovery copies (deploy/template.ts `iamStatements`, `functionRole`, fed by the
// registry of deploy/functions.ts): resolved policies with each kind of copy in, the reconcile function's
// statements out. Copies into the service's own account and the source side of a share are the
// function's; what is done in another account belongs to the target role (tests/unit/cli/target-role.test.ts).
import { describe, expect, it } from 'vitest';
import {
  BACKUP_FUNCTION,
  callsOf,
  deployedFunctions,
  RECONCILE_FUNCTION,
  TARGET_ROLE,
} from '../../deploy/functions.js';
import {
  buildDeployment,
  type CfnResource,
  DeployConfigError,
  type DeployInput,
  type IamStatement,
  iamStatements,
  rdsVia,
} from '../../deploy/template.js';
import { COPY_JOB_STORE_CALLS } from '../../shared/aws/results-table/copies.js';
import type { CopySettings, ResolvedPolicy } from '../../shared/policy/schema.js';
import { policy } from '../support/fakes.js';
import { arnText } from './cfn.js';

const NOW = new Date('2026-11-28T00:00:00Z');
const SOURCE = '123456789012'; // the sample account of cfn.ts: `${AWS::AccountId}` reads as this
const TARGET = '444455556666';
const ROLE_ARN = `arn:aws:iam::${TARGET}:role/docdb-backup-copier`;
const key = (region: string, account: string, id: string) =>
  `arn:aws:kms:${region}:${account}:key/${id}234abcd-12ab-34cd-56ef-1234567890ab`;

const OWN_REGION: CopySettings = {
  region: 'us-west-2',
  kmsKeyId: key('us-west-2', SOURCE, '1'),
  retention: { keepLast: 14 },
};
const OTHER_ACCOUNT: CopySettings = {
  account: TARGET,
  roleArn: ROLE_ARN,
  externalId: 'docdb-backup-7f3a9c',
  kmsKeyId: key('us-east-1', TARGET, '2'),
};
const SHARED_RE_ENCRYPTED: CopySettings = { ...OTHER_ACCOUNT, shareKmsKeyId: key('us-east-1', SOURCE, '3') };
const OTHER_ACCOUNT_AND_REGION: CopySettings = {
  ...OTHER_ACCOUNT,
  region: 'eu-west-1',
  kmsKeyId: key('eu-west-1', TARGET, '4'),
  transitKmsKeyId: key('us-east-1', TARGET, '5'),
  retention: { keepLast: 30 },
};

const nightly = policy({
  name: 'nightly-prod',
  regions: ['us-east-1'],
  snapshot: { prefix: 'nightly', tags: {}, copyClusterTags: false },
  retention: { keepLast: 7 },
});
const weekly = policy({
  name: 'weekly-staging',
  schedule: 'cron(30 4 ? * SUN *)',
  regions: ['eu-west-1'],
  snapshot: { prefix: 'weekly-staging', tags: {}, copyClusterTags: false },
});
const copying = (...copies: CopySettings[]): ResolvedPolicy => ({ ...nightly, copies });
/** The policy of the report: one copy of each kind. */
const threeCopies = copying(OWN_REGION, SHARED_RE_ENCRYPTED, OTHER_ACCOUNT_AND_REGION);

function input(policies: ResolvedPolicy[]): DeployInput {
  return {
    service: 'docdb-backup',
    stage: 'prod',
    policies,
    functions: deployedFunctions(),
    alerts: { email: [], https: [] },
    now: NOW,
  };
}

/** The statements of a deployed function's role. */
function roleOf(policies: ResolvedPolicy[], fn: 'Backup' | 'Reconcile'): IamStatement[] {
  const role = buildDeployment(input(policies)).resources.Resources[`${fn}FunctionRole`] as CfnResource;
  const [document] = role.Properties.Policies as unknown as {
    PolicyDocument: { Statement: IamStatement[] };
  }[];
  return document!.PolicyDocument.Statement;
}

const bySid = (statements: IamStatement[]) => Object.fromEntries(statements.map((s) => [s.Sid, s]));
const arns = (statement: IamStatement | undefined) => (statement?.Resource ?? []).map(arnText);
const COPY_SIDS = [
  'CopySourceSnapshots',
  'OwnDestinationClusterSnapshots',
  'DestinationClusterSnapshots',
  'SharedSourceSnapshots',
  'CopyKeys',
  'SourceSnapshotKeys',
  'DestinationRoles',
];

describe('the reconcile function’s role for copies', () => {
  const statements = bySid(roleOf([threeCopies, weekly], 'Reconcile'));

  it('copies from the policy’s own snapshots where it copies them itself, by prefix in its Regions', () => {
    expect(statements.CopySourceSnapshots).toMatchObject({ Action: ['rds:CopyDBClusterSnapshot'] });
    expect(arns(statements.CopySourceSnapshots)).toEqual([
      `arn:aws:rds:us-east-1:${SOURCE}:cluster-snapshot:nightly-*`,
    ]);
  });

  it('creates and tags copies only in this account: the other Region, and the re-encrypted copy to share', () => {
    expect(statements.OwnDestinationClusterSnapshots!.Action).toEqual([
      'rds:CopyDBClusterSnapshot',
      'rds:AddTagsToResource',
    ]);
    expect(arns(statements.OwnDestinationClusterSnapshots)).toEqual([
      `arn:aws:rds:us-east-1:${SOURCE}:cluster-snapshot:nightly-*`, // <id>-dr, before the share
      `arn:aws:rds:us-west-2:${SOURCE}:cluster-snapshot:nightly-*`,
    ]);
    expect(statements.DestinationClusterSnapshots!.Action).toEqual([
      'rds:DescribeDBClusterSnapshots',
      'rds:ListTagsForResource',
    ]);
    expect(arns(statements.DestinationClusterSnapshots)).toEqual([
      `arn:aws:rds:us-east-1:${SOURCE}:cluster-snapshot:*`,
      `arn:aws:rds:us-west-2:${SOURCE}:cluster-snapshot:*`,
    ]);
  });

  it('shares only the snapshots of policies that copy to another account', () => {
    expect(statements.SharedSourceSnapshots).toMatchObject({
      Action: ['rds:ModifyDBClusterSnapshotAttribute'],
    });
    expect(arns(statements.SharedSourceSnapshots)).toEqual([
      `arn:aws:rds:us-east-1:${SOURCE}:cluster-snapshot:nightly-*`,
    ]);
  });

  it('uses the named keys of its own copies, each through RDS in its Region only', () => {
    expect(statements.CopyKeys).toEqual({
      Sid: 'CopyKeys',
      Effect: 'Allow',
      Action: ['kms:CreateGrant', 'kms:DescribeKey'],
      Resource: [key('us-east-1', SOURCE, '3'), key('us-west-2', SOURCE, '1')],
      Condition: {
        StringEquals: { 'kms:ViaService': ['rds.us-east-1.amazonaws.com', 'rds.us-west-2.amazonaws.com'] },
      },
    });
  });

  it('uses the source snapshots’ own keys, which no policy names, only in the Regions it copies from, through RDS', () => {
    expect(statements.SourceSnapshotKeys!.Action).toEqual(['kms:CreateGrant', 'kms:DescribeKey']);
    expect(arns(statements.SourceSnapshotKeys)).toEqual([`arn:aws:kms:us-east-1:${SOURCE}:key/*`]);
    expect(statements.SourceSnapshotKeys!.Condition).toEqual({
      StringEquals: { 'kms:ViaService': ['rds.us-east-1.amazonaws.com'] },
    });
  });

  it('assumes exactly the named roles', () => {
    expect(statements.DestinationRoles).toEqual({
      Sid: 'DestinationRoles',
      Effect: 'Allow',
      Action: ['sts:AssumeRole'],
      Resource: [ROLE_ARN],
    });
  });

  it('deletes copies with the tag conditions of source deletes, where they are kept and for the re-encrypted copy', () => {
    expect(statements.DeleteOwnClusterSnapshotsNightlyProd).toMatchObject({
      Action: ['rds:DeleteDBClusterSnapshot'],
      Condition: {
        StringEquals: {
          'aws:ResourceTag/docdb-backup:managed-by': 'docdb-backup',
          'aws:ResourceTag/docdb-backup:policy': 'nightly-prod',
        },
      },
    });
    expect(arns(statements.DeleteOwnClusterSnapshotsNightlyProd)).toEqual([
      `arn:aws:rds:us-east-1:${SOURCE}:cluster-snapshot:nightly-*`,
      `arn:aws:rds:us-west-2:${SOURCE}:cluster-snapshot:nightly-*`,
    ]);
  });

  it('names no resource of another account but the role it assumes: that account’s calls are its role’s', () => {
    const everything = Object.values(statements).flatMap((s) => arns(s));

    expect(everything.filter((arn) => arn.includes(TARGET))).toEqual([ROLE_ARN]);
    expect(everything).not.toContain('*');
  });

  it('grants the copy statements to the reconcile function only; the backup run only reads its open copies', () => {
    const backup = roleOf([threeCopies, weekly], 'Backup');
    const without = roleOf([{ ...threeCopies, copies: [] }, weekly], 'Backup');

    expect(backup.map((s) => s.Sid).filter((sid) => COPY_SIDS.includes(sid))).toEqual([]);
    expect(backup.flatMap((s) => s.Action)).not.toContain('rds:CopyDBClusterSnapshot');
    // One statement more: the Query of the open-jobs index, for the sources its retention must keep.
    const added = backup.filter((s) => !without.some((w) => JSON.stringify(w) === JSON.stringify(s)));
    expect(added.map((s) => [s.Sid, s.Action])).toEqual([['ResultsTableIndexes', ['dynamodb:Query']]]);
    expect(without.every((w) => backup.some((s) => JSON.stringify(s) === JSON.stringify(w)))).toBe(true);
  });
});

describe('each kind of copy, alone', () => {
  const sidsOf = (copy: CopySettings) =>
    roleOf([copying(copy)], 'Reconcile')
      .map((s) => s.Sid)
      .filter((sid) => COPY_SIDS.includes(sid));

  it('another Region of this account: copy, tag, read, its key and the source’s; no share, no role', () => {
    expect(sidsOf(OWN_REGION)).toEqual([
      'CopySourceSnapshots',
      'OwnDestinationClusterSnapshots',
      'CopyKeys',
      'SourceSnapshotKeys',
      'DestinationClusterSnapshots',
    ]);
  });

  it('another account: only the share and the role; the copy there is the target role’s', () => {
    expect(sidsOf(OTHER_ACCOUNT)).toEqual(['SharedSourceSnapshots', 'DestinationRoles']);
    expect(sidsOf(OTHER_ACCOUNT_AND_REGION)).toEqual(['SharedSourceSnapshots', 'DestinationRoles']);
  });

  it('another account with a share key: the re-encrypting copy in the source Region, then the share', () => {
    const statements = bySid(roleOf([copying(SHARED_RE_ENCRYPTED)], 'Reconcile'));

    expect(Object.keys(statements).filter((sid) => COPY_SIDS.includes(sid))).toEqual([
      'CopySourceSnapshots',
      'OwnDestinationClusterSnapshots',
      'CopyKeys',
      'SourceSnapshotKeys',
      'SharedSourceSnapshots',
      'DestinationClusterSnapshots',
      'DestinationRoles',
    ]);
    expect(arns(statements.CopyKeys)).toEqual([key('us-east-1', SOURCE, '3')]);
  });

  it('a copy without retention is never deleted in its destination', () => {
    const { retention: _kept, ...forever } = OWN_REGION;
    const statements = bySid(roleOf([copying(forever)], 'Reconcile'));

    expect(arns(statements.DeleteOwnClusterSnapshotsNightlyProd)).toEqual([
      `arn:aws:rds:us-east-1:${SOURCE}:cluster-snapshot:nightly-*`,
    ]);
  });

  it('uses RDS of the China partition through its own domain', () => {
    expect(rdsVia('cn-north-1')).toBe('rds.cn-north-1.amazonaws.com.cn');
    expect(rdsVia('us-gov-west-1')).toBe('rds.us-gov-west-1.amazonaws.com');
  });

  it('refuses a key that is not an ARN, naming the policy and the setting', () => {
    expect(() =>
      iamStatements(callsOf(RECONCILE_FUNCTION), [copying({ ...OWN_REGION, kmsKeyId: 'alias/dr' })]),
    ).toThrow(DeployConfigError);
    expect(() =>
      iamStatements(callsOf(RECONCILE_FUNCTION), [copying({ ...OWN_REGION, kmsKeyId: 'alias/dr' })]),
    ).toThrow(/copies of policy "nightly-prod": kmsKeyId "alias\/dr" is not a KMS key ARN/);
  });
});

describe('a policy file without copies', () => {
  it('deploys exactly the roles the functions had before copies: the registry but every copy-only method', () => {
    const withoutCopyMethods = buildDeployment({
      ...input([nightly, weekly]),
      functions: deployedFunctions().map(({ copyCalls: _copies, ...fn }) => fn),
    });

    expect(buildDeployment(input([nightly, weekly])).resources.Resources).toEqual(
      withoutCopyMethods.resources.Resources,
    );
  });

  it('grants no copy action, key, role or destination to any function', () => {
    for (const fn of ['Backup', 'Reconcile'] as const) {
      const statements = roleOf([nightly, weekly], fn);
      expect(statements.map((s) => s.Sid).filter((sid) => COPY_SIDS.includes(sid))).toEqual([]);
      for (const action of [
        'rds:CopyDBClusterSnapshot',
        'rds:ModifyDBClusterSnapshotAttribute',
        'kms:CreateGrant',
        'sts:AssumeRole',
      ])
        expect(statements.flatMap((s) => s.Action)).not.toContain(action);
    }
  });

  it('keeps the copy-only calls apart in the registry: the copy methods, their job store, STS and their events', () => {
    const [, reconcile] = deployedFunctions();
    const copyActions = new Set(reconcile!.copyCalls!.flatMap((call) => call.actions));

    expect([...copyActions]).toEqual(
      expect.arrayContaining([
        'rds:CopyDBClusterSnapshot',
        'rds:ModifyDBClusterSnapshotAttribute',
        'kms:CreateGrant',
        'sts:AssumeRole',
      ]),
    );
    expect(reconcile!.calls.flatMap((call) => call.actions)).not.toContain('rds:CopyDBClusterSnapshot');
    expect(callsOf(BACKUP_FUNCTION, 'copies')).toEqual([COPY_JOB_STORE_CALLS.listFollowed]);
  });
});

describe('the target account’s calls', () => {
  it('are the reconcile function’s calls made in the destination: copy, follow, tags, retention, the KMS grant', () => {
    const reconcile = callsOf(RECONCILE_FUNCTION);
    const target = callsOf(TARGET_ROLE);

    for (const call of target) expect(reconcile).toContain(call);
    expect([...new Set(target.flatMap((call) => call.actions))].sort()).toEqual([
      'kms:CreateGrant',
      'kms:DescribeKey',
      'rds:AddTagsToResource',
      'rds:CopyDBClusterSnapshot',
      'rds:DeleteDBClusterSnapshot',
      'rds:DescribeDBClusterSnapshots',
      'rds:ListTagsForResource',
    ]);
  });

  it('narrow to that account’s destination Regions, the shared sources and the named keys', () => {
    const statements = bySid(
      iamStatements(callsOf(TARGET_ROLE), [threeCopies, weekly], {
        role: 'target',
        account: TARGET,
        sourceAccount: SOURCE,
      }),
    );

    expect(arns(statements.CopySourceSnapshots)).toEqual([
      `arn:aws:rds:us-east-1:${SOURCE}:cluster-snapshot:nightly-*`,
    ]);
    // `${AWS::AccountId}` is the target account where its template is deployed (the sample account here).
    expect(arns(statements.OwnDestinationClusterSnapshots)).toEqual([
      `arn:aws:rds:eu-west-1:${SOURCE}:cluster-snapshot:nightly-*`,
      `arn:aws:rds:us-east-1:${SOURCE}:cluster-snapshot:nightly-*`,
    ]);
    expect(statements.CopyKeys!.Resource).toEqual([
      key('eu-west-1', TARGET, '4'),
      key('us-east-1', SOURCE, '3'),
      key('us-east-1', TARGET, '2'),
      key('us-east-1', TARGET, '5'),
    ]);
    // The copy without a share key copies a snapshot encrypted with its cluster's own key.
    expect(arns(statements.SourceSnapshotKeys)).toEqual([`arn:aws:kms:us-east-1:${SOURCE}:key/*`]);
    expect(statements.SharedSourceSnapshots).toBeUndefined();
    expect(statements.DestinationRoles).toBeUndefined();
  });
});
