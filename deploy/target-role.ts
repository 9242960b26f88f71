/**
 * The CloudFormation template of the role a disaster-recovery copy assumes in another account
 * (`copies[].roleArn`), printed by `docdb-backup target-role` and deployed in that account. Least
 * privilege: it trusts only this service's reconcile function role in the source account, and only with
 * the external id the policy file gives that account; it may make exactly the calls `TARGET_ROLE`
 * declares (deploy/functions.ts), narrowed to the destination Regions of that account, the policies'
 * snapshot prefixes and the keys the policies name (deploy/template.ts, `iamStatements` for a target).
 * Pure: policies and names in, a plain CloudFormation object out.
 */
import { copyAccess, parseRoleArn } from '../shared/policy/copies.js';
import type { ResolvedPolicy } from '../shared/policy/schema.js';
import { callsOf, TARGET_ROLE } from './functions.js';
import {
  type CfnValue,
  functionRoleName,
  type IamStatement,
  iamStatements,
  RECONCILE_FUNCTION_NAME,
} from './template.js';

/** The policy file and the names cannot make a target account's role; the message says what to change. */
export class TargetRoleError extends Error {
  override readonly name = 'TargetRoleError';
}

/** The logical id of the role in the printed template. */
export const TARGET_ROLE_ID = 'CopyRole';

export interface TargetRoleInput {
  policies: readonly ResolvedPolicy[];
  /** The account the service (its stack) runs in: the only one the role trusts. */
  sourceAccount: string;
  /** The account the role is for; optional when the policies copy to exactly one other account. */
  account?: string;
  /** serverless.yml's `service`, e.g. `docdb-backup`. */
  service: string;
  /** The stage of the service's stack, e.g. `prod`. */
  stage: string;
  /** The Region the service's stack is deployed in (part of the reconcile role's name). */
  sourceRegion: string;
}

/** A template and what it was made of, for the command's notes. */
export interface TargetRole {
  template: { [key: string]: CfnValue };
  /** The target account. */
  account: string;
  /** The role's ARN, as the policy file names it. */
  roleArn: string;
  /** The one principal the role trusts: the reconcile function's role. */
  trusted: string;
  /** The external id its trust requires. */
  externalId: string;
  /** The destination Regions of that account (where the copies land, and intermediate copies). */
  regions: string[];
}

/** The accounts the policies copy into, sorted. */
function targetAccounts(policies: readonly ResolvedPolicy[]): string[] {
  return [...copyAccess(policies).keys()].sort();
}

/**
 * Which account the role is for: `account` when the policies copy there, else the only one they copy to.
 * @example targetAccountOf(policies) // '444455556666'
 */
export function targetAccountOf(policies: readonly ResolvedPolicy[], account?: string): string {
  const accounts = targetAccounts(policies);
  if (accounts.length === 0)
    throw new TargetRoleError(
      'the policy file copies to no other account: add a copy with account, roleArn and externalId to a ' +
        "policy's copies first (docs/deploy.md, Disaster-recovery copies)",
    );
  if (account !== undefined) {
    if (accounts.includes(account)) return account;
    throw new TargetRoleError(
      `the policy file copies nothing to account ${account}; it copies to ${accounts.join(', ')}`,
    );
  }
  if (accounts.length > 1)
    throw new TargetRoleError(
      `the policy file copies to ${accounts.length} accounts (${accounts.join(', ')}): pass --account with ` +
        'the one to make the role for (one template per account)',
    );
  return accounts[0]!;
}

/** The Regions of an account's copies: the copy's `region`, else each source Region, and every source Region of a two-hop copy. */
function destinationRegions(policies: readonly ResolvedPolicy[], account: string): string[] {
  const regions = new Set<string>();
  for (const policy of policies)
    for (const copy of policy.copies)
      if (copy.account === account)
        for (const source of policy.regions) {
          regions.add(copy.region ?? source);
          if (copy.region !== undefined && copy.region !== source) regions.add(source);
        }
  return [...regions].sort();
}

/** The role's name and path from its ARN (`arn:aws:iam::444455556666:role/dr/copier` → `copier`, `/dr/`). */
function nameAndPath(roleArn: string): { name: string; path: string } {
  const parsed = parseRoleArn(roleArn);
  if (!parsed)
    throw new TargetRoleError(`"${roleArn}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
  const parts = parsed.name.split('/');
  const name = parts.pop()!;
  return { name, path: parts.length === 0 ? '/' : `/${parts.join('/')}/` };
}

/**
 * The template of the role a copy assumes in one target account.
 * @example targetRoleTemplate({ policies, sourceAccount: '111122223333', service: 'docdb-backup', stage: 'prod', sourceRegion: 'us-east-1' }).template
 */
export function targetRoleTemplate(input: TargetRoleInput): TargetRole {
  const account = targetAccountOf(input.policies, input.account);
  if (account === input.sourceAccount)
    throw new TargetRoleError(
      `account ${account} is the source account itself: copies into the service's own account need no role`,
    );
  const access = copyAccess(input.policies).get(account)!;
  const { name, path } = nameAndPath(access.roleArn);
  const reconcileRole = functionRoleName(
    input.service,
    input.stage,
    input.sourceRegion,
    RECONCILE_FUNCTION_NAME,
  );
  const partition = parseRoleArn(access.roleArn)?.partition ?? 'aws';
  const trustedIn = (part: string) => `arn:${part}:iam::${input.sourceAccount}:role/${reconcileRole}`;
  const statements: IamStatement[] = iamStatements(callsOf(TARGET_ROLE), input.policies, {
    role: 'target',
    account,
    sourceAccount: input.sourceAccount,
  });
  const stack = `${input.service}-${input.stage}`;
  const role = {
    Type: 'AWS::IAM::Role',
    Properties: {
      RoleName: name,
      Path: path,
      Description:
        `Assumed by the reconcile function of ${stack} (account ${input.sourceAccount}, ${input.sourceRegion}) ` +
        'to copy DocumentDB snapshots into this account and prune the copies it made (docdb-backup target-role)',
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'TrustTheReconcileFunctionOnly',
            Effect: 'Allow',
            Principal: { AWS: { 'Fn::Sub': trustedIn(`\${AWS::Partition}`) } },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'sts:ExternalId': access.externalId } },
          },
        ],
      },
      Policies: [
        {
          PolicyName: `${stack}-copies`,
          PolicyDocument: { Version: '2012-10-17', Statement: statements as unknown as CfnValue[] },
        },
      ],
    },
  };
  return {
    template: {
      AWSTemplateFormatVersion: '2010-09-09',
      Description: `docdb-backup: the role ${stack} (account ${input.sourceAccount}) assumes to copy snapshots into account ${account}`,
      Resources: { [TARGET_ROLE_ID]: role },
      Outputs: {
        RoleArn: {
          Description: 'copies[].roleArn of the policy file',
          Value: { 'Fn::GetAtt': [TARGET_ROLE_ID, 'Arn'] },
        },
      },
    },
    account,
    roleArn: access.roleArn,
    trusted: trustedIn(partition),
    externalId: access.externalId,
    regions: destinationRegions(input.policies, account),
  };
}
