/**
 * STS (Query protocol, signing name `sts`, Version 2011-06-15): AssumeRole into a seeded role and
 * GetCallerIdentity. AssumeRole hands out fresh credentials whose access key id the emulator maps to the
 * role's account, so calls signed with them land in that account's stores. Trust is seeded per role
 * (`roles` in the seed): the accounts it trusts and the external id it demands. Expired credentials are
 * not refused (the emulator's clock runs ahead of the caller's: see README).
 */
import { randomBytes } from 'node:crypto';
import { parseArn, stableId } from './aws-ids.js';
import type { CallContext, QueryHandler } from './context.js';
import { AwsApiError } from './errors.js';
import type { QueryParams } from './query.js';
import type { AssumedSession, RoleRecord } from './world.js';
import { el, wrap } from './xml.js';

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
export const STS_VERSION = '2011-06-15';

/** The session length when DurationSeconds is not given, and the bounds AWS allows. */
const DEFAULT_DURATION_SECONDS = 3600;
const MIN_DURATION_SECONDS = 900;

/**
 * STS's `ValidationError` (400) in the words of its constraint checks, e.g.
 * `1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: …`
 * (AssumeRole, STS API reference: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
 */
function validation(value: string, member: string, constraint: string): AwsApiError {
  return new AwsApiError(
    'ValidationError',
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`,
    400,
  );
}

interface AssumeRoleInput {
  roleArn: string;
  sessionName: string;
  externalId?: string;
  durationSeconds: number;
}

/** Checks AssumeRole's parameters against the constraints of the API reference. */
function readInput(params: QueryParams): AssumeRoleInput {
  const roleArn = params.required('RoleArn');
  const sessionName = params.required('RoleSessionName');
  if (roleArn.length < 20 || roleArn.length > 2048)
    throw validation(roleArn, 'roleArn', 'Member must have length greater than or equal to 20');
  if (sessionName.length < 2 || sessionName.length > 64)
    throw validation(sessionName, 'roleSessionName', 'Member must have length between 2 and 64');
  if (!/^[\w+=,.@-]*$/.test(sessionName))
    throw validation(
      sessionName,
      'roleSessionName',
      'Member must satisfy regular expression pattern: [\\w+=,.@-]*',
    );
  const externalId = params.string('ExternalId');
  if (externalId !== undefined && (externalId.length < 2 || externalId.length > 1224))
    throw validation(externalId, 'externalId', 'Member must have length between 2 and 1224');
  const durationSeconds = params.int('DurationSeconds') ?? DEFAULT_DURATION_SECONDS;
  if (durationSeconds < MIN_DURATION_SECONDS || durationSeconds > 43_200)
    throw validation(
      String(durationSeconds),
      'durationSeconds',
      'Member must have value between 900 and 43200',
    );
  return { roleArn, sessionName, ...(externalId === undefined ? {} : { externalId }), durationSeconds };
}

/**
 * Whether the role's trust policy lets the caller's account in with this external id. A role that
 * demands no external id ignores one given (github.com/aws/aws-sdk-js/issues/3869).
 */
function trusts(role: RoleRecord, callerAccount: string, externalId: string | undefined): boolean {
  const accounts = role.trustedAccounts.length > 0 ? role.trustedAccounts : [role.accountId];
  if (!accounts.includes(callerAccount)) return false;
  return role.externalId === undefined || role.externalId === externalId;
}

/**
 * AssumeRole. An unknown role, an untrusted account and a wrong or missing external id all answer the
 * same 403 `AccessDenied` (AWS does not tell them apart), e.g. `User: arn:aws:iam::111122223333:user/emulator
 * is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::444455556666:role/copier`
 * (as users quote it: github.com/aws/aws-msk-iam-auth/issues/108, github.com/aws/aws-cli/issues/7216).
 */
function assumeRole(ctx: CallContext, params: QueryParams): string {
  const input = readInput(params);
  const caller = ctx.world.principalFor(ctx.accessKeyId);
  const role = ctx.world.roles.get(input.roleArn);
  if (!role || !trusts(role, caller.accountId, input.externalId)) {
    throw new AwsApiError(
      'AccessDenied',
      `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${input.roleArn}`,
      403,
    );
  }
  if (input.durationSeconds > role.maxSessionDurationSeconds) {
    throw new AwsApiError(
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      400,
    );
  }
  const session = newSession(ctx, role, input);
  ctx.world.sessions.set(session.accessKeyId, session);
  ctx.world.accessKeys.set(session.accessKeyId, role.accountId);
  const secret = randomBytes(30).toString('base64');
  const token = randomBytes(96).toString('base64');
  return (
    wrap(
      'Credentials',
      el('AccessKeyId', session.accessKeyId) +
        el('SecretAccessKey', secret) +
        el('SessionToken', token) +
        el('Expiration', session.expiration),
    ) + wrap('AssumedRoleUser', el('AssumedRoleId', session.userId) + el('Arn', session.arn))
  );
}

function newSession(ctx: CallContext, role: RoleRecord, input: AssumeRoleInput): AssumedSession {
  const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
  const roleId = `AROA${stableId(17, role.arn)}`;
  const session: AssumedSession = {
    accessKeyId,
    accountId: role.accountId,
    arn: `arn:aws:sts::${role.accountId}:assumed-role/${role.name}/${input.sessionName}`,
    userId: `${roleId}:${input.sessionName}`,
    roleArn: role.arn,
    sessionName: input.sessionName,
    expiration: new Date(ctx.nowMs + input.durationSeconds * 1000).toISOString(),
  };
  if (input.externalId !== undefined) session.externalId = input.externalId;
  return session;
}

/** GetCallerIdentity: the account, ARN and user id of whoever signed the call. */
function getCallerIdentity(ctx: CallContext): string {
  const caller = ctx.world.principalFor(ctx.accessKeyId);
  return el('UserId', caller.userId) + el('Account', caller.accountId) + el('Arn', caller.arn);
}

/** `arn:aws:iam::<account>:role/<path/>name` → the role's account and name, or undefined. */
export function parseRoleArn(arn: string): { accountId: string; name: string } | undefined {
  const parsed = parseArn(arn);
  if (parsed?.service !== 'iam' || !parsed.resource.startsWith('role/')) return undefined;
  const name = parsed.resource.slice(parsed.resource.lastIndexOf('/') + 1);
  return name ? { accountId: parsed.accountId, name } : undefined;
}

export const STS_ACTIONS: Readonly<Record<string, QueryHandler>> = {
  AssumeRole: assumeRole,
  GetCallerIdentity: getCallerIdentity,
};
