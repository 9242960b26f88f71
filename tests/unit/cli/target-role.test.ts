// Seam: `docdb-backup target-role` in-process (cli/commands/target-role.ts → deploy/target-role.ts): a
// policy file with copies in, the CloudFormation template of the destination account's role on stdout
// (parsed back here), what to do with it on stderr; every unusable invocation is exit 2 with what to change.

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { callsOf, TARGET_ROLE } from '../../../deploy/functions.js';
import { arnText } from '../../deploy/cfn.js';
import { run, tempDir } from './support.js';

const SOURCE = '111122223333';
const TARGET = '444455556666';
const OTHER = '777788889999';
const key = (region: string, account: string, id: string) =>
  `arn:aws:kms:${region}:${account}:key/${id}234abcd-12ab-34cd-56ef-1234567890ab`;

/** The policy of docs/deploy.md: another Region, another account (re-encrypted to share), both. */
const COPIES = `
    copies:
      - region: us-west-2
        kmsKeyId: ${key('us-west-2', SOURCE, '1')}
        retention: { keepLast: 14 }
      - account: "${TARGET}"
        roleArn: arn:aws:iam::${TARGET}:role/dr/docdb-backup-copier
        externalId: docdb-backup-7f3a9c
        kmsKeyId: ${key('us-east-1', TARGET, '2')}
        shareKmsKeyId: ${key('us-east-1', SOURCE, '3')}
      - account: "${TARGET}"
        region: eu-west-1
        roleArn: arn:aws:iam::${TARGET}:role/dr/docdb-backup-copier
        externalId: docdb-backup-7f3a9c
        kmsKeyId: ${key('eu-west-1', TARGET, '4')}
        transitKmsKeyId: ${key('us-east-1', TARGET, '5')}
`;
const TO_ANOTHER = `
      - account: "${OTHER}"
        roleArn: arn:aws:iam::${OTHER}:role/copier
        externalId: other-external-id
        kmsKeyId: ${key('us-east-1', OTHER, '6')}
`;

function policyFile(copies: string): string {
  return `version: 1
policies:
  - name: nightly-prod
    schedule: cron(0 3 * * ? *)
    regions: [us-east-1]
    clusters:
      tags: { backup: nightly }
    retention: { keepLast: 7 }
${copies}`;
}

const dir = tempDir({
  'copies.yml': policyFile(COPIES),
  'two-accounts.yml': policyFile(COPIES + TO_ANOTHER),
  'own-account.yml': policyFile(COPIES.split('      - account')[0]!),
  'none.yml': policyFile(''),
});

const targetRole = (...args: string[]) => run(['target-role', ...args], { cwd: dir });

interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown[];
  Principal?: { AWS: unknown };
  Condition?: Record<string, Record<string, unknown>>;
}

/** The role of a printed template, and its statements. */
function roleOf(template: {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}) {
  const [role, ...others] = Object.values(template.Resources);
  expect(others).toEqual([]);
  expect(role!.Type).toBe('AWS::IAM::Role');
  const properties = role!.Properties as {
    RoleName: string;
    Path: string;
    AssumeRolePolicyDocument: { Statement: Statement[] };
    Policies: { PolicyDocument: { Version: string; Statement: Statement[] } }[];
  };
  return { properties, statements: properties.Policies.flatMap((p) => p.PolicyDocument.Statement) };
}

describe('docdb-backup target-role', () => {
  it('prints a CloudFormation template of the role, trusting only the reconcile function’s role, with the external id', async () => {
    const out = await targetRole('--source-account', SOURCE, '--policies', 'copies.yml', '--stage', 'prod');

    expect(out.code).toBe(0);
    const template = parse(out.stdout);
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(out.stdout).toContain('AWSTemplateFormatVersion: "2010-09-09"');
    const { properties } = roleOf(template);
    expect(properties.RoleName).toBe('docdb-backup-copier');
    expect(properties.Path).toBe('/dr/');
    const trust = properties.AssumeRolePolicyDocument.Statement;
    expect(trust).toHaveLength(1);
    expect(trust[0]).toMatchObject({ Effect: 'Allow', Action: 'sts:AssumeRole' });
    expect(arnText(trust[0]!.Principal!.AWS)).toBe(
      `arn:aws:iam::${SOURCE}:role/docdb-backup-prod-us-east-1-reconcile`,
    );
    expect(trust[0]!.Condition).toEqual({ StringEquals: { 'sts:ExternalId': 'docdb-backup-7f3a9c' } });
    expect(template.Outputs.RoleArn.Value).toEqual({ 'Fn::GetAtt': ['CopyRole', 'Arn'] });
  });

  it('grants only the calls the target role declares, none on `*`, narrowed to that account’s destinations', async () => {
    const out = await targetRole('--source-account', SOURCE, '--policies', 'copies.yml', '--stage', 'prod');
    const { statements } = roleOf(parse(out.stdout));
    const declared = new Set(callsOf(TARGET_ROLE).flatMap((call) => call.actions));

    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      for (const action of [statement.Action].flat()) expect(declared).toContain(action);
      expect(statement.Resource).not.toContain('*');
    }
    const resources = statements.flatMap((s) => s.Resource.map(arnText));
    // `${AWS::AccountId}` is where the template is deployed: the target account (123456789012 in cfn.ts).
    expect(resources.filter((arn) => arn.startsWith('arn:aws:rds:')).sort()).toEqual([
      'arn:aws:rds:eu-west-1:123456789012:cluster-snapshot:*',
      'arn:aws:rds:eu-west-1:123456789012:cluster-snapshot:nightly-prod-*',
      'arn:aws:rds:eu-west-1:123456789012:cluster-snapshot:nightly-prod-*',
      // Listing a destination's snapshots: DescribeDBClusterSnapshots takes the cluster type too.
      'arn:aws:rds:eu-west-1:123456789012:cluster:*',
      'arn:aws:rds:us-east-1:111122223333:cluster-snapshot:nightly-prod-*',
      'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:*',
      'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:nightly-prod-*',
      'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:nightly-prod-*',
      'arn:aws:rds:us-east-1:123456789012:cluster:*',
    ]);
    expect(resources.filter((arn) => arn.includes('us-west-2'))).toEqual([]); // the source account's own copy
  });

  it('uses the named keys through RDS only, and deletes only what carries our tags', async () => {
    const out = await targetRole('--source-account', SOURCE, '--policies', 'copies.yml');
    const { statements } = roleOf(parse(out.stdout));
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));

    expect(bySid.CopyKeys!.Resource).toEqual([
      key('eu-west-1', TARGET, '4'),
      key('us-east-1', SOURCE, '3'),
      key('us-east-1', TARGET, '2'),
      key('us-east-1', TARGET, '5'),
    ]);
    expect(bySid.CopyKeys!.Condition).toEqual({
      StringEquals: { 'kms:ViaService': ['rds.eu-west-1.amazonaws.com', 'rds.us-east-1.amazonaws.com'] },
    });
    expect(bySid.DeleteOwnClusterSnapshotsNightlyProd!.Condition).toEqual({
      StringEquals: {
        'aws:ResourceTag/docdb-backup:managed-by': 'docdb-backup',
        'aws:ResourceTag/docdb-backup:policy': 'nightly-prod',
      },
    });
  });

  it('prints JSON with --format json, the same template', async () => {
    const yaml = await targetRole('--source-account', SOURCE, '--policies', 'copies.yml');
    const json = await targetRole('--source-account', SOURCE, '--policies', 'copies.yml', '--format', 'json');

    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(parse(yaml.stdout));
  });

  it('says on stderr what it trusts, which defaults it took and how to deploy the template', async () => {
    const out = await targetRole('--source-account', SOURCE, '--file', 'copies.yml');

    expect(out.stderr).toContain(
      'note: --stage not given: the role trusts the reconcile function of stage dev',
    );
    expect(out.stderr).toContain(
      `trusts only arn:aws:iam::${SOURCE}:role/docdb-backup-dev-us-east-1-reconcile (with external id docdb-backup-7f3a9c)`,
    );
    expect(out.stderr).toContain(`copies into eu-west-1, us-east-1 of account ${TARGET}`);
    expect(out.stderr).toContain('aws cloudformation deploy --template-file docdb-backup-target-role.yml');
    expect(out.stderr).toContain('--capabilities CAPABILITY_NAMED_IAM');
  });

  it('makes the role of the account --account names when the file copies to several, and refuses to guess', async () => {
    const other = await targetRole(
      '--source-account',
      SOURCE,
      '--policies',
      'two-accounts.yml',
      '--account',
      OTHER,
    );
    const guess = await targetRole('--source-account', SOURCE, '--policies', 'two-accounts.yml');

    expect(other.code).toBe(0);
    const trust = roleOf(parse(other.stdout)).properties.AssumeRolePolicyDocument.Statement[0]!;
    expect(trust.Condition).toEqual({ StringEquals: { 'sts:ExternalId': 'other-external-id' } });
    expect(guess).toMatchObject({ code: 2, stdout: '' });
    expect(guess.stderr).toContain(
      `two-accounts.yml: the policy file copies to 2 accounts (${TARGET}, ${OTHER}): pass --account`,
    );
  });

  it('refuses a file that copies to no other account, or not to --account, saying what to do', async () => {
    const own = await targetRole('--source-account', SOURCE, '--policies', 'own-account.yml');
    const none = await targetRole('--source-account', SOURCE, '--policies', 'none.yml');
    const elsewhere = await targetRole(
      '--source-account',
      SOURCE,
      '--policies',
      'copies.yml',
      '--account',
      OTHER,
    );

    for (const out of [own, none]) {
      expect(out).toMatchObject({ code: 2, stdout: '' });
      expect(out.stderr).toContain(
        'the policy file copies to no other account: add a copy with account, roleArn',
      );
    }
    expect(elsewhere.stderr).toContain(`copies nothing to account ${OTHER}; it copies to ${TARGET}`);
    expect(elsewhere.code).toBe(2);
  });

  it.each([
    [[], '--source-account is required: the 12-digit account the service (its stack) is deployed in'],
    [['--source-account', '1234'], '--source-account "1234" is not an account id: expected 12 digits'],
    [
      ['--source-account', SOURCE, '--account', 'abc'],
      '--account "abc" is not an account id: expected 12 digits',
    ],
    [['--source-account', SOURCE, '--format', 'xml'], '--format "xml" is not known: expected yaml or json'],
    [['--source-account', SOURCE, '--stage', 'prod stage'], '--stage "prod stage" is not a stage name'],
    [['--source-account', SOURCE, '--source-region', 'east'], '--source-region "east" is not a Region'],
    [['--source-account', SOURCE, '--policies', 'a.yml', '--file', 'b.yml'], 'two policy files given'],
    [['--source-account', SOURCE, '--acount', TARGET], 'unknown option --acount: did you mean --account?'],
    [['--source-account', SOURCE, '--stage', 'a'.repeat(50)], "longer than IAM's 64 characters"],
  ])('refuses %j: exit 2, what is wrong and what is expected', async (args, message) => {
    const out = await targetRole(
      ...args,
      ...(args.includes('--policies') ? [] : ['--policies', 'copies.yml']),
    );

    expect(out).toMatchObject({ code: 2, stdout: '' });
    expect(out.stderr).toContain(message);
    expect(out.stderr).toContain('Run "docdb-backup target-role --help" for usage.');
  });

  it('refuses to make a role for the source account itself', async () => {
    const out = await targetRole('--source-account', TARGET, '--policies', 'copies.yml');

    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`account ${TARGET} is the source account itself`);
  });
});
