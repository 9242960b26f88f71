// Seam: the destination accounts' role credentials (shared/aws/sts.ts) over an aws-sdk-client-mock'ed STS
// client: which role is assumed and how, how long credentials are kept, one AssumeRole for concurrent
// callers, and how a refusal is told apart from a transient fault.
import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CredentialsForAccount } from '../../../shared/aws/clients.js';
import { AccountRoles, accountCredentials } from '../../../shared/aws/sts.js';
import { CopyRefusedError } from '../../../shared/backup/errors.js';

const DR = '444455556666';
const ROLE = `arn:aws:iam::${DR}:role/docdb-backup-copier`;
const EXTERNAL_ID = 'docdb-backup-7f3a9c';
const accounts = new Map([[DR, { roleArn: ROLE, externalId: EXTERNAL_ID }]]);
const T0 = Date.parse('2026-11-28T03:00:00Z');
const MINUTE = 60_000;

const client = new STSClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 't' },
});
const sts = mockClient(client);
beforeEach(() => sts.reset());

function issued(n: number, expiresAt = T0 + 60 * MINUTE) {
  return {
    Credentials: {
      AccessKeyId: `ASIA${n}`,
      SecretAccessKey: `secret-${n}`,
      SessionToken: `token-${n}`,
      Expiration: new Date(expiresAt),
    },
  };
}

function awsError(name: string, fault: 'client' | 'server', message = `${name} from STS`) {
  return new STSServiceException({ name, $fault: fault, message, $metadata: { httpStatusCode: 403 } });
}

/** The pool's credentials for an account: a provider function (or, in the SDK's type, fixed credentials). */
async function provide(credentials: ReturnType<CredentialsForAccount>) {
  return typeof credentials === 'function' ? credentials() : credentials;
}

function clockAt(start: number) {
  let t = start;
  return {
    now: () => t,
    set: (ms: number) => {
      t = ms;
    },
  };
}

describe('AccountRoles', () => {
  it('assumes the named role with its external id, a session name and an hour', async () => {
    sts.on(AssumeRoleCommand).resolves(issued(1));
    const roles = new AccountRoles(client, accounts, 'docdb-backup-test');

    const credentials = await roles.credentialsFor(DR)?.();

    expect(credentials).toEqual({
      accessKeyId: 'ASIA1',
      secretAccessKey: 'secret-1',
      sessionToken: 'token-1',
      expiration: new Date(T0 + 60 * MINUTE),
    });
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      { RoleArn: ROLE, RoleSessionName: 'docdb-backup-test', ExternalId: EXTERNAL_ID, DurationSeconds: 3600 },
    ]);
  });

  it('keeps credentials until five minutes before they expire, then assumes the role again', async () => {
    sts
      .on(AssumeRoleCommand)
      .resolvesOnce(issued(1))
      .resolves(issued(2, T0 + 120 * MINUTE));
    const clock = clockAt(T0);
    const provider = new AccountRoles(client, accounts, 's', clock.now).credentialsFor(DR);

    expect((await provider?.())?.accessKeyId).toBe('ASIA1');
    clock.set(T0 + 55 * MINUTE - 1);
    expect((await provider?.())?.accessKeyId).toBe('ASIA1');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);

    clock.set(T0 + 55 * MINUTE);
    expect((await provider?.())?.accessKeyId).toBe('ASIA2');
    clock.set(T0 + 110 * MINUTE - 1);
    expect((await provider?.())?.accessKeyId).toBe('ASIA2');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('gives one provider per account, so clients of the account share its credentials', () => {
    const roles = new AccountRoles(client, accounts, 's');
    expect(roles.credentialsFor(DR)).toBe(roles.credentialsFor(DR));
  });

  it('makes one AssumeRole for concurrent callers', async () => {
    let release: (value: ReturnType<typeof issued>) => void = () => undefined;
    sts.on(AssumeRoleCommand).callsFake(
      () =>
        new Promise((resolve) => {
          release = resolve;
        }),
    );
    const provider = new AccountRoles(client, accounts, 's', () => T0).credentialsFor(DR);

    const callers = [provider?.(), provider?.(), provider?.()];
    await new Promise((resolve) => setImmediate(resolve));
    release(issued(7));
    const answers = await Promise.all(callers);

    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(answers.map((a) => a?.accessKeyId)).toEqual(['ASIA7', 'ASIA7', 'ASIA7']);
  });

  it('refuses with destination-unreachable, naming the role and the account, when access is denied', async () => {
    const denied = awsError('AccessDenied', 'client', 'User is not authorized to perform: sts:AssumeRole');
    sts.on(AssumeRoleCommand).rejects(denied);
    const provider = new AccountRoles(client, accounts, 's').credentialsFor(DR);

    const error = await provider?.().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CopyRefusedError);
    expect(error).toMatchObject({
      code: 'destination-unreachable',
      message: `cannot assume ${ROLE} in account ${DR}: AccessDenied: User is not authorized to perform: sts:AssumeRole`,
    });
    expect((error as Error).cause).toBe(denied);
    expect((error as Error).message).not.toContain(EXTERNAL_ID);
  });

  it('tries again on the next call after a refusal', async () => {
    sts.on(AssumeRoleCommand).rejectsOnce(awsError('AccessDenied', 'client')).resolves(issued(3));
    const provider = new AccountRoles(client, accounts, 's', () => T0).credentialsFor(DR);

    await expect(provider?.()).rejects.toBeInstanceOf(CopyRefusedError);
    expect((await provider?.())?.accessKeyId).toBe('ASIA3');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it.each([
    ['Throttling', 'client'],
    ['RequestLimitExceeded', 'client'],
    ['InternalFailure', 'server'],
    ['ServiceUnavailable', 'server'],
  ] as const)('lets %s (a %s fault) through unchanged', async (name, fault) => {
    const transient = awsError(name, fault);
    sts.on(AssumeRoleCommand).rejects(transient);
    const provider = new AccountRoles(client, accounts, 's').credentialsFor(DR);

    await expect(provider?.()).rejects.toBe(transient);
  });

  it('refuses when STS answers without credentials', async () => {
    sts.on(AssumeRoleCommand).resolves({});
    const provider = new AccountRoles(client, accounts, 's').credentialsFor(DR);

    await expect(provider?.()).rejects.toMatchObject({
      name: 'CopyRefusedError',
      code: 'destination-unreachable',
      message: expect.stringContaining(`AssumeRole of ${ROLE} returned no credentials`),
    });
  });

  it('has no provider for an account no policy copies to', () => {
    expect(new AccountRoles(client, accounts, 's').credentialsFor('999988887777')).toBeUndefined();
  });
});

describe('accountCredentials', () => {
  it("gives the pool the account's provider, assuming the role under the session name given", async () => {
    sts.on(AssumeRoleCommand).resolves(issued(4));
    const credentialsFor = accountCredentials(accounts, { sts: client, sessionName: 'docdb-backup-prod' });

    expect(await provide(credentialsFor(DR))).toMatchObject({ accessKeyId: 'ASIA4' });
    expect(credentialsFor('999988887777')).toBeUndefined();
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toMatchObject({
      RoleArn: ROLE,
      ExternalId: EXTERNAL_ID,
      RoleSessionName: 'docdb-backup-prod',
    });
  });

  it("names the session 'docdb-backup' by default", async () => {
    sts.on(AssumeRoleCommand).resolves(issued(5));
    await provide(accountCredentials(accounts, { sts: client })(DR));
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input.RoleSessionName).toBe('docdb-backup');
  });

  it('knows no account, and calls nothing, when no policy copies to another account', () => {
    expect(accountCredentials(new Map(), { sts: client })(DR)).toBeUndefined();
    expect(sts.calls()).toHaveLength(0);
  });
});
