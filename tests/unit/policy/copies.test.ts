// Seam: shared/policy's loader for disaster-recovery copies (schema.ts, copy-rules.ts through validate.ts,
// resolve.ts, compiled.ts) and the run-time helpers of copies.ts: policy text in, resolved `copies` and
// `reconcile.maxCopiesInFlight`, or every problem at file:line:column with what was expected and the fix.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePolicies } from '../../../shared/policy/compile.js';
import { readCompiledFile } from '../../../shared/policy/compiled.js';
import {
  copyAccess,
  copyDestinations,
  destinationKey,
  parseKeyArn,
  parseRoleArn,
  partitionOf,
} from '../../../shared/policy/copies.js';
import {
  PolicyValidationError,
  parsePolicyFile,
  type ResolvedPolicy,
  validatePolicyFile,
} from '../../../shared/policy/index.js';
import { tempFolder } from '../../support/temp-folders.js';

const FILE = 'config/policies.yml';
const NOW = new Date('2025-06-01T00:00:00Z');
/** The service's own account, as its key ARNs show it. */
const OWN = '111122223333';
/** The disaster-recovery account. */
const DR = '444455556666';
const UUID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const key = (region: string, account: string) => `arn:aws:kms:${region}:${account}:key/${UUID}`;
const ROLE = `arn:aws:iam::${DR}:role/docdb-backup-copier`;
const EXTERNAL = 'docdb-backup-7f3a9c';
/** A copy into DR: its role lines (column 9 for keys; roleArn's value at 18, externalId's at 21). */
const ACCESS = [`        roleArn: ${ROLE}`, `        externalId: ${EXTERNAL}`];

/** The file's lines joined; line N of the file is argument N. */
const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

interface FileOptions {
  /** The policy's Regions (line 5). Default `[us-east-1]`. */
  regions?: string;
  /** Line 7: the policy's retention, or `enabled: true` when false. Default `{ keepLast: 7 }`. */
  retention?: boolean;
  /** Lines after the copies (another policy, a reconcile block). */
  after?: string[];
}

/**
 * A policy file whose only policy, `nightly`, has `copies` from line 9: each copy starts with `      - `,
 * so its first key is at column 9, as are the keys under it (`        kmsKeyId: …`: value at column 19).
 */
function file(copies: readonly string[], options: FileOptions = {}): string {
  return yaml(
    'version: 1',
    'policies:',
    '  - name: nightly',
    '    schedule: cron(0 3 * * ? *)',
    `    regions: [${options.regions ?? 'us-east-1'}]`,
    '    clusters: { identifiers: [orders] }',
    options.retention === false ? '    enabled: true' : '    retention: { keepLast: 7 }',
    '    copies:',
    ...copies,
    ...(options.after ?? []),
  );
}

const check = (text: string) => validatePolicyFile(text, FILE, { now: NOW });
type Row = [number, number, string, string];
const rows = (text: string, severity: 'error' | 'warning'): Row[] =>
  check(text)
    .problems.filter((p) => p.severity === severity)
    .map((p) => [p.line, p.column, p.path, p.message]);
const errorsOf = (text: string) => rows(text, 'error');
const warningsOf = (text: string) => rows(text, 'warning');

/** The contract's example: one copy of each kind, every key used. */
const EXAMPLE = [
  '      - region: us-west-2',
  `        kmsKeyId: ${key('us-west-2', OWN)}`,
  '        retention: { keepLast: 14 }',
  `      - account: "${DR}"`,
  ...ACCESS,
  `        kmsKeyId: ${key('us-east-1', DR)}`,
  `        shareKmsKeyId: ${key('us-east-1', OWN)}`,
  `      - account: "${DR}"`,
  '        region: eu-west-1',
  ...ACCESS,
  `        kmsKeyId: ${key('eu-west-1', DR)}`,
  `        transitKmsKeyId: ${key('us-east-1', DR)}`,
];

describe('copies: valid files and resolution', () => {
  it('accepts a copy of each kind without a problem and resolves them, retention defaulting to the policy’s', () => {
    const result = check(file(EXAMPLE));

    expect(result.problems).toEqual([]);
    expect(result.policies?.[0]?.copies).toEqual([
      { region: 'us-west-2', kmsKeyId: key('us-west-2', OWN), retention: { keepLast: 14 } },
      {
        account: DR,
        roleArn: ROLE,
        externalId: EXTERNAL,
        kmsKeyId: key('us-east-1', DR),
        shareKmsKeyId: key('us-east-1', OWN),
        retention: { keepLast: 7 },
      },
      {
        region: 'eu-west-1',
        account: DR,
        roleArn: ROLE,
        externalId: EXTERNAL,
        kmsKeyId: key('eu-west-1', DR),
        transitKmsKeyId: key('us-east-1', DR),
        retention: { keepLast: 7 },
      },
    ]);
  });

  it('takes defaults.retention for copies of a policy without its own, and leaves retention out without either', () => {
    const inherited = yaml(
      'version: 1',
      'defaults: { retention: { daily: 3 } }',
      'policies:',
      '  - name: nightly',
      '    schedule: cron(0 3 * * ? *)',
      '    regions: [us-east-1]',
      '    clusters: { identifiers: [orders] }',
      '    copies: [{ region: us-west-2 }]',
    );

    expect(parsePolicyFile(inherited, FILE, { now: NOW })[0]?.copies).toEqual([
      { region: 'us-west-2', retention: { daily: 3 } },
    ]);
    expect(
      parsePolicyFile(file(['      - region: us-west-2'], { retention: false }), FILE, { now: NOW })[0]
        ?.copies,
    ).toEqual([{ region: 'us-west-2' }]);
  });

  it('resolves no copies as an empty list, and accepts copies on a disabled policy', () => {
    const none = yaml(
      'version: 1',
      'policies:',
      '  - name: nightly',
      '    schedule: cron(0 3 * * ? *)',
      '    regions: [us-east-1]',
      '    clusters: { identifiers: [orders] }',
    );
    const disabled = file(['      - region: us-west-2']).replace(
      '  - name: nightly\n',
      '  - name: nightly\n    enabled: false\n',
    );

    expect(parsePolicyFile(none, FILE, { now: NOW })[0]?.copies).toEqual([]);
    expect(parsePolicyFile(file([]).replace('copies:', 'copies: []'), FILE, { now: NOW })[0]?.copies).toEqual(
      [],
    );
    expect(errorsOf(disabled)).toEqual([]);
    expect(parsePolicyFile(disabled, FILE, { now: NOW })[0]).toMatchObject({
      enabled: false,
      copies: [{ region: 'us-west-2', retention: { keepLast: 7 } }],
    });
  });

  it('takes reconcile.maxCopiesInFlight from the file, else 5', () => {
    const own = file(['      - region: us-west-2'], { after: ['reconcile:', '  maxCopiesInFlight: 12'] });

    expect(parsePolicyFile(own, FILE, { now: NOW }).reconcile).toEqual({
      schedule: 'rate(10 minutes)',
      maxCopiesInFlight: 12,
    });
    expect(check(file(['      - region: us-west-2'])).reconcile).toEqual({
      schedule: 'rate(10 minutes)',
      maxCopiesInFlight: 5,
    });
  });
});

describe('copies: keys and values (the schema)', () => {
  it('refuses an unknown key, naming the closest known one', () => {
    expect(errorsOf(file(['      - region: us-west-2', '        kmsKeyID: x']))).toEqual([
      [
        10,
        9,
        'copies[0].kmsKeyID',
        'unknown key "kmsKeyID" (did you mean "kmsKeyId"?): expected one of region, account, roleArn, ' +
          'externalId, kmsKeyId, transitKmsKeyId, shareKmsKeyId, retention',
      ],
    ]);
  });

  it('refuses an unknown Region, suggesting the closest', () => {
    expect(errorsOf(file(['      - region: us-wst-2']))).toEqual([
      [
        9,
        17,
        'copies[0].region',
        'expected an AWS Region code such as us-east-1, found "us-wst-2" (did you mean "us-west-2"?)',
      ],
    ]);
  });

  it('asks for the account in quotes: a YAML number drops leading zeros', () => {
    const copy = (account: string) => [`      - account: ${account}`, ...ACCESS];

    expect(errorsOf(file(copy('444455556666')))).toEqual([
      [
        9,
        18,
        'copies[0].account',
        'expected the account id as quoted text, account: "444455556666" (unquoted, YAML reads it as a ' +
          'number, which drops leading zeros), found 444455556666',
      ],
    ]);
    expect(errorsOf(file(copy('012345678901')))).toEqual([
      [
        9,
        18,
        'copies[0].account',
        'expected the account id as quoted text, account: "012345678901" (unquoted, YAML read it as the ' +
          'number 12345678901 and dropped its leading zeros), found 12345678901',
      ],
    ]);
    expect(errorsOf(file(copy('"4444-5555-6666"')))[0]).toEqual([
      9,
      18,
      'copies[0].account',
      'expected a 12-digit AWS account id, digits only, found "4444-5555-6666"',
    ]);
    expect(errorsOf(file(copy('true')))[0]).toEqual([
      9,
      18,
      'copies[0].account',
      'expected a 12-digit AWS account id as quoted text, such as "444455556666", found true',
    ]);
  });

  it('refuses a role that is not a role ARN, and an external id AWS would refuse', () => {
    const text = file([
      `      - account: "${DR}"`,
      `        roleArn: arn:aws:iam::${DR}:user/copier`,
      '        externalId: "a b"',
      `      - account: "${DR}"`,
      '        region: eu-west-1',
      `        roleArn: ${ROLE}`,
      '        externalId: x',
    ]);

    expect(errorsOf(text)).toEqual([
      [
        10,
        18,
        'copies[0].roleArn',
        'expected an IAM role ARN, arn:<partition>:iam::<account>:role/<path/name>, found ' +
          `"arn:aws:iam::${DR}:user/copier"`,
      ],
      [
        11,
        21,
        'copies[0].externalId',
        'expected an external id of letters, digits and + = , . @ : / - only (" " is not allowed), found "a b"',
      ],
      [
        15,
        21,
        'copies[1].externalId',
        'expected an external id of 2 to 1224 characters, found "x" (1 character)',
      ],
    ]);
  });

  it('refuses a KMS alias, an alias ARN and a bare key id, saying IAM needs the key ARN and how to find it', () => {
    const why =
      "the function's role is granted kms:CreateGrant and kms:DescribeKey on key ARNs, and the key ARN " +
      'says which account and Region the key is in';
    const expected = 'expected the ARN of a KMS key, arn:<partition>:kms:<region>:<account>:key/<key id>';
    const aliasArn = `arn:aws:kms:us-west-2:${OWN}:alias/dr`;
    const text = file([
      '      - region: us-west-2',
      '        kmsKeyId: alias/dr',
      '      - region: eu-west-1',
      `        kmsKeyId: ${aliasArn}`,
      '      - region: eu-central-1',
      `        kmsKeyId: ${UUID}`,
      '      - region: ap-south-1',
      '        kmsKeyId: my key',
    ]);

    expect(errorsOf(text)).toEqual([
      [
        10,
        19,
        'copies[0].kmsKeyId',
        `${expected}, not an alias (${why}; an alias matches neither): give the ARN of the key it names ` +
          '(aws kms describe-key --key-id alias/dr --query KeyMetadata.Arn), found "alias/dr"',
      ],
      [
        12,
        19,
        'copies[1].kmsKeyId',
        `${expected}, not an alias (${why}; an alias matches neither): give the ARN of the key it names ` +
          `(aws kms describe-key --key-id ${aliasArn} --query KeyMetadata.Arn), found "${aliasArn}"`,
      ],
      [
        14,
        19,
        'copies[2].kmsKeyId',
        `${expected}, not a bare key id (${why}): give the key's ARN (aws kms describe-key --key-id ${UUID} ` +
          `--query KeyMetadata.Arn, in the key's account and Region), found "${UUID}"`,
      ],
      [16, 19, 'copies[3].kmsKeyId', `${expected} (${why}), found "my key"`],
    ]);
  });

  it('refuses maxCopiesInFlight outside 1 to 20 and fractions', () => {
    const reconcile = (value: string) =>
      errorsOf(
        file(['      - region: us-west-2'], { after: ['reconcile:', `  maxCopiesInFlight: ${value}`] }),
      );

    expect(reconcile('0')).toEqual([
      [11, 22, 'reconcile.maxCopiesInFlight', 'expected 1 to 20 copies, found 0'],
    ]);
    expect(reconcile('21')).toEqual([
      [11, 22, 'reconcile.maxCopiesInFlight', 'expected 1 to 20 copies, found 21'],
    ]);
    expect(reconcile('2.5')).toEqual([
      [11, 22, 'reconcile.maxCopiesInFlight', 'expected a whole number of copies, found 2.5'],
    ]);
    expect(reconcile('20')).toEqual([]);
  });
});

describe('copies: destinations', () => {
  it('needs region, account or both', () => {
    expect(errorsOf(file([`      - kmsKeyId: ${key('us-west-2', OWN)}`]))).toEqual([
      [
        9,
        9,
        'copies[0]',
        "expected region, account or both, found neither: a copy in the service's own account needs another " +
          'Region (region), a copy into another account needs account, roleArn and externalId',
      ],
    ]);
  });

  it('refuses a copy in the own account to the policy’s own Region: the snapshot would be copied onto itself', () => {
    expect(errorsOf(file(['      - region: us-east-1']))).toEqual([
      [
        9,
        17,
        'copies[0].region',
        "expected a Region other than the policy's own (us-east-1) for a copy in the service's own account, " +
          'found "us-east-1": each snapshot would be copied onto itself (same id, same Region); name another ' +
          'Region, or add account to copy into another account',
      ],
    ]);
  });

  it('refuses a copy in the own account to one of the policy’s several Regions, saying to split the policy', () => {
    const text = file(['      - region: eu-west-1'], { regions: 'us-east-1, eu-west-1' });

    expect(errorsOf(text)).toEqual([
      [
        9,
        17,
        'copies[0].region',
        "expected a Region outside the policy's Regions (us-east-1 and eu-west-1) for a copy in the " +
          'service\'s own account, found "eu-west-1": the eu-west-1 snapshots would be copied onto ' +
          'themselves (same id, same Region); split the policy by Region (one policy per Region, each with ' +
          'its own copies)',
      ],
    ]);
    expect(
      errorsOf(
        file([`      - account: "${DR}"`, '        region: eu-west-1', ...ACCESS], {
          regions: 'us-east-1, eu-west-1',
        }),
      ),
    ).toEqual([]);
  });

  it('refuses a Region of another partition', () => {
    expect(errorsOf(file(['      - region: cn-north-1']))).toEqual([
      [
        9,
        17,
        'copies[0].region',
        'expected a Region in the partition of the policy\'s Regions (aws: us-east-1), found "cn-north-1" ' +
          '(aws-cn): snapshots cannot be copied between AWS partitions',
      ],
    ]);
  });

  it('warns when the snapshots of several Regions are all copied to one Region under their own ids', () => {
    const text = file(['      - region: us-west-2'], { regions: 'us-east-1, eu-west-1' });

    expect(errorsOf(text)).toEqual([]);
    expect(warningsOf(text)).toEqual([
      [
        9,
        17,
        'copies[0].region',
        'the snapshots of us-east-1 and eu-west-1 are all copied to us-west-2 under their own ids: a cluster ' +
          'id that exists in more than one of those Regions gives two copies of the same id in us-west-2, and ' +
          'they collide; split the policy by Region if cluster ids repeat across Regions',
      ],
    ]);
  });

  it('refuses the same destination twice in a policy, the own account and another alike', () => {
    const text = file([
      '      - region: us-west-2',
      `      - account: "${DR}"`,
      ...ACCESS,
      '      - region: us-west-2',
      `      - account: "${DR}"`,
      '        region: us-east-1',
      ...ACCESS,
    ]);

    expect(errorsOf(text)).toEqual([
      [
        13,
        17,
        'copies[2].region',
        "expected each destination once in a policy, found us-west-2 of the service's own account again " +
          '(the copy on line 9 goes there too): remove one, or merge them',
      ],
      [
        15,
        17,
        'copies[3].region',
        `expected each destination once in a policy, found account ${DR} in us-east-1 again (the copy on ` +
          'line 10 goes there too): remove one, or merge them',
      ],
    ]);
  });

  it('compares destinations per source Region: a copy without region lands in each snapshot’s own Region', () => {
    const text = file(
      [
        `      - account: "${DR}"`,
        ...ACCESS,
        `      - account: "${DR}"`,
        '        region: eu-west-1',
        ...ACCESS,
      ],
      { regions: 'us-east-1, eu-west-1' },
    );

    expect(errorsOf(text)).toEqual([
      [
        13,
        17,
        'copies[1].region',
        `expected each destination once in a policy, found account ${DR} in eu-west-1 again for the ` +
          'eu-west-1 snapshots (the copy on line 9 goes there too): remove one, or merge them',
      ],
    ]);
  });

  it('lets two policies copy to the same destination', () => {
    const text = file(['      - region: us-west-2'], {
      after: [
        '  - name: weekly',
        '    schedule: cron(0 4 ? * SUN *)',
        '    regions: [us-east-1]',
        '    clusters: { identifiers: [orders] }',
        '    retention: { keepLast: 4 }',
        '    copies: [{ region: us-west-2 }]',
      ],
    });

    expect(check(text).problems).toEqual([]);
  });
});

describe('copies: the role in another account', () => {
  it('requires roleArn and externalId with account, at the copy', () => {
    expect(errorsOf(file([`      - account: "${DR}"`, `        kmsKeyId: ${key('us-east-1', DR)}`]))).toEqual(
      [
        [
          9,
          9,
          'copies[0].roleArn',
          `missing required key "roleArn": a copy into another account (${DR}) is made by a role the function ` +
            `assumes there; give its ARN, e.g. arn:aws:iam::${DR}:role/docdb-backup-copier`,
        ],
        [
          9,
          9,
          'copies[0].externalId',
          `missing required key "externalId": the role in account ${DR} trusts the function only with the ` +
            'external id its trust policy names; give it (2-1224 letters, digits and +=,.@:/-)',
        ],
      ],
    );
  });

  it('refuses roleArn and externalId without account, at their keys', () => {
    expect(errorsOf(file(['      - region: us-west-2', ...ACCESS]))).toEqual([
      [
        10,
        9,
        'copies[0].roleArn',
        'unexpected roleArn: only a copy into another account (account) assumes a role; a copy in the ' +
          "service's own account needs none; remove roleArn, or add account",
      ],
      [
        11,
        9,
        'copies[0].externalId',
        'unexpected externalId: only a copy into another account (account) assumes a role; a copy in the ' +
          "service's own account needs none; remove externalId, or add account",
      ],
    ]);
  });

  it('refuses a role of another account than the copy’s', () => {
    const text = file([
      `      - account: "${DR}"`,
      `        roleArn: arn:aws:iam::${OWN}:role/dr/copier`,
      ACCESS[1] as string,
    ]);

    expect(errorsOf(text)).toEqual([
      [
        10,
        18,
        'copies[0].roleArn',
        `expected a role of account ${DR} (the copy's account), found a role of account ${OWN}: the function ` +
          `assumes this role to copy into account ${DR}; use the role made for docdb-backup in that account`,
      ],
    ]);
  });

  it('refuses a role of another partition than the destination’s', () => {
    const text = file([
      `      - account: "${DR}"`,
      `        roleArn: arn:aws-cn:iam::${DR}:role/copier`,
      ACCESS[1] as string,
    ]);

    expect(errorsOf(text)).toEqual([
      [
        10,
        18,
        'copies[0].roleArn',
        'expected a role ARN of partition aws (that of us-east-1), found aws-cn: roles cannot be assumed ' +
          'across AWS partitions',
      ],
    ]);
  });

  it('requires one role and one external id per account across the file', () => {
    const text = file([`      - account: "${DR}"`, ...ACCESS], {
      after: [
        '  - name: weekly',
        '    schedule: cron(0 4 ? * SUN *)',
        '    regions: [eu-west-1]',
        '    clusters: { identifiers: [orders] }',
        '    retention: { keepLast: 4 }',
        '    copies:',
        `      - account: "${DR}"`,
        `        roleArn: arn:aws:iam::${DR}:role/other`,
        '        externalId: another-id',
      ],
    });

    expect(errorsOf(text)).toEqual([
      [
        19,
        18,
        'copies[0].roleArn',
        `expected the roleArn account ${DR} has on line 10 (${ROLE}), found another: the function uses one ` +
          `role per account; give every copy into account ${DR} the same roleArn and externalId`,
      ],
      [
        20,
        21,
        'copies[0].externalId',
        `expected the externalId account ${DR} has on line 11, found another: the function uses one role per ` +
          `account; give every copy into account ${DR} the same roleArn and externalId`,
      ],
    ]);
    expect(check(text).problems[0]).toMatchObject({ policy: 'weekly' });
  });
});

describe('copies: KMS keys', () => {
  it('wants the key of an own-account copy in the destination Region', () => {
    expect(
      errorsOf(file(['      - region: us-west-2', `        kmsKeyId: ${key('us-east-1', OWN)}`])),
    ).toEqual([
      [
        10,
        19,
        'copies[0].kmsKeyId',
        "expected a key in us-west-2 (the copy's Region), found a key in us-east-1: KMS keys are regional; " +
          'use a key of us-west-2',
      ],
    ]);
  });

  it('wants the key of a copy into another account of that account, in the source Region without region', () => {
    const text = file([`      - account: "${DR}"`, ...ACCESS, `        kmsKeyId: ${key('us-west-2', OWN)}`]);

    expect(errorsOf(text)).toEqual([
      [
        12,
        19,
        'copies[0].kmsKeyId',
        "expected a key in us-east-1 (the policy's Region, where a copy without region stays), found a key " +
          'in us-west-2: KMS keys are regional; use a key of us-east-1',
      ],
      [
        12,
        19,
        'copies[0].kmsKeyId',
        `expected a key of account ${DR} (the copy's account: the copy is made and encrypted there), found a ` +
          `key of account ${OWN}`,
      ],
    ]);
  });

  it('refuses a kmsKeyId without region on a policy of several Regions: one key cannot serve each', () => {
    const text = file([`      - account: "${DR}"`, ...ACCESS, `        kmsKeyId: ${key('us-east-1', DR)}`], {
      regions: 'us-east-1, eu-west-1',
    });

    expect(errorsOf(text)).toEqual([
      [
        12,
        19,
        'copies[0].kmsKeyId',
        'expected region beside kmsKeyId on a policy of several Regions (us-east-1 and eu-west-1), found ' +
          `none: each snapshot is copied within its own Region into account ${DR}, and one key, of one ` +
          'Region, cannot encrypt the copies in each; give region (one destination Region for all), or split ' +
          'the policy by Region',
      ],
    ]);
  });

  it('refuses an own-account key of an account the file copies into', () => {
    const text = file([
      '      - region: us-west-2',
      `        kmsKeyId: ${key('us-west-2', DR)}`,
      `      - account: "${DR}"`,
      ...ACCESS,
    ]);

    expect(errorsOf(text)).toEqual([
      [
        10,
        19,
        'copies[0].kmsKeyId',
        "expected a key of the service's own account (a copy without account stays in it), found a key of " +
          `account ${DR}, which line 11 names as an account to copy into: the service's own account is never ` +
          "one of those; use a key of the service's own account",
      ],
    ]);
  });

  it('wants every own-account key of the file to name the same account', () => {
    const text = file(
      [
        '      - region: us-west-2',
        `        kmsKeyId: ${key('us-west-2', OWN)}`,
        `      - account: "${DR}"`,
        ...ACCESS,
        `        shareKmsKeyId: ${key('us-east-1', '999988887777')}`,
      ],
      {
        after: [
          '  - name: weekly',
          '    schedule: cron(0 4 ? * SUN *)',
          '    regions: [eu-west-1]',
          '    clusters: { identifiers: [orders] }',
          '    retention: { keepLast: 4 }',
          '    copies:',
          '      - region: eu-central-1',
          `        kmsKeyId: ${key('eu-central-1', '999988887777')}`,
        ],
      },
    );
    const message = (why: string) =>
      `expected a key of the service's own account (${why}), which the key on line 10 says is ${OWN}, found ` +
      'a key of account 999988887777: the kmsKeyId of copies without account and every shareKmsKeyId are ' +
      "keys of the service's own account, so they all name the same account";

    expect(errorsOf(text)).toEqual([
      [14, 24, 'copies[1].shareKmsKeyId', message('each snapshot is re-encrypted in it before it is shared')],
      [22, 19, 'copies[0].kmsKeyId', message('a copy without account stays in it')],
    ]);
  });

  it('refuses a key ARN whose partition is not its Region’s', () => {
    const text = file(
      ['      - region: cn-north-1', `        kmsKeyId: arn:aws:kms:cn-north-1:${OWN}:key/${UUID}`],
      {
        regions: 'cn-northwest-1',
      },
    );

    expect(errorsOf(text)).toEqual([
      [
        10,
        19,
        'copies[0].kmsKeyId',
        'expected partition aws-cn in the ARN of a key in cn-north-1, found aws',
      ],
    ]);
  });
});

describe('copies: transitKmsKeyId (another account, another Region)', () => {
  const transit = (value: string) => `        transitKmsKeyId: ${value}`;

  it('requires it with kmsKeyId, saying why', () => {
    const text = file([
      `      - account: "${DR}"`,
      '        region: eu-west-1',
      ...ACCESS,
      `        kmsKeyId: ${key('eu-west-1', DR)}`,
    ]);

    expect(errorsOf(text)).toEqual([
      [
        9,
        9,
        'copies[0].transitKmsKeyId',
        `missing required key "transitKmsKeyId": an encrypted copy (kmsKeyId) into account ${DR} in eu-west-1 ` +
          'is first copied within us-east-1 in that account (DocumentDB copies a shared snapshot only within ' +
          "its Region), encrypted with a key of that account in us-east-1; give that key's ARN",
      ],
    ]);
    expect(errorsOf(text.replace(/ {8}kmsKeyId:.*\n/, ''))).toEqual([]);
  });

  it('wants a key of the copy’s account in the source Region', () => {
    const text = file([
      `      - account: "${DR}"`,
      '        region: eu-west-1',
      ...ACCESS,
      `        kmsKeyId: ${key('eu-west-1', DR)}`,
      transit(key('eu-west-1', OWN)),
    ]);

    expect(errorsOf(text)).toEqual([
      [
        14,
        26,
        'copies[0].transitKmsKeyId',
        'expected a key in us-east-1 (the source Region: the intermediate copy is made there before it is ' +
          'copied on to eu-west-1), found a key in eu-west-1: KMS keys are regional; use a key of us-east-1',
      ],
      [
        14,
        26,
        'copies[0].transitKmsKeyId',
        `expected a key of account ${DR} (the copy's account: the intermediate copy is made there), found a ` +
          `key of account ${OWN}`,
      ],
    ]);
  });

  it('refuses it where there is no intermediate copy', () => {
    const text = file([
      '      - region: us-west-2',
      transit(key('us-east-1', OWN)),
      `      - account: "${DR}"`,
      ...ACCESS,
      transit(key('us-east-1', DR)),
      `      - account: "${DR}"`,
      '        region: us-east-1',
      ...ACCESS,
      transit(key('us-east-1', DR)),
    ]);

    expect(errorsOf(text)).toEqual([
      [
        10,
        9,
        'copies[0].transitKmsKeyId',
        'unexpected transitKmsKeyId: it encrypts the intermediate copy in another account (account) on the ' +
          "way to another Region; a copy in the service's own account goes straight to its Region, encrypted " +
          'with kmsKeyId; remove it',
      ],
      [
        14,
        9,
        'copies[1].transitKmsKeyId',
        `unexpected transitKmsKeyId: a copy into account ${DR} without region stays in each snapshot's own ` +
          'Region, with no intermediate copy (kmsKeyId encrypts the copy); remove it, or give region',
      ],
      // copies[1] (no region) already lands in us-east-1 of the account: the same destination.
      [
        16,
        17,
        'copies[2].region',
        `expected each destination once in a policy, found account ${DR} in us-east-1 again (the copy on line ` +
          '11 goes there too): remove one, or merge them',
      ],
      [
        19,
        9,
        'copies[2].transitKmsKeyId',
        `unexpected transitKmsKeyId: the copy into account ${DR} stays in us-east-1, the policy's Region, so ` +
          'there is no intermediate copy (kmsKeyId encrypts the copy); remove it',
      ],
    ]);
  });

  it('refuses an encrypted copy into another account and Region on a policy of several Regions', () => {
    const copy = [
      `      - account: "${DR}"`,
      '        region: us-west-2',
      ...ACCESS,
      `        kmsKeyId: ${key('us-west-2', DR)}`,
    ];
    const why =
      `an encrypted copy into account ${DR} in us-west-2 is first copied within each snapshot's own Region ` +
      '(us-east-1 and eu-west-1) in that account, with a key of that Region (transitKmsKeyId), and one key ' +
      'cannot serve each; split the policy by Region (one policy per Region, each with its transitKmsKeyId)';
    const regions = 'us-east-1, eu-west-1';

    expect(errorsOf(file(copy, { regions }))).toEqual([
      [
        9,
        9,
        'copies[0].transitKmsKeyId',
        'expected a policy of one Region for kmsKeyId on a copy into another account and another Region, ' +
          `found 2 Regions: ${why}`,
      ],
    ]);
    expect(errorsOf(file([...copy, transit(key('us-east-1', DR))], { regions }))).toEqual([
      [
        14,
        9,
        'copies[0].transitKmsKeyId',
        `expected transitKmsKeyId only on a policy of one Region, found 2 Regions: ${why}`,
      ],
    ]);
  });
});

describe('copies: shareKmsKeyId (re-encrypt before sharing)', () => {
  const share = (value: string) => `        shareKmsKeyId: ${value}`;

  it('refuses it without account', () => {
    expect(errorsOf(file(['      - region: us-west-2', share(key('us-east-1', OWN))]))).toEqual([
      [
        10,
        9,
        'copies[0].shareKmsKeyId',
        'unexpected shareKmsKeyId: only a copy into another account (account) shares the snapshot; a copy in ' +
          "the service's own account is never shared; remove it",
      ],
    ]);
  });

  it('wants a key of the own account in the source Region', () => {
    const text = file([
      `      - account: "${DR}"`,
      ...ACCESS,
      share(key('eu-west-1', OWN)),
      `      - account: "${DR}"`,
      '        region: eu-west-1',
      ...ACCESS,
      share(key('us-east-1', DR)),
    ]);

    expect(errorsOf(text)).toEqual([
      [
        12,
        24,
        'copies[0].shareKmsKeyId',
        'expected a key in us-east-1 (the source Region: each snapshot is re-encrypted there before it is ' +
          'shared), found a key in eu-west-1: KMS keys are regional; use a key of us-east-1',
      ],
      [
        17,
        24,
        'copies[1].shareKmsKeyId',
        "expected a key of the service's own account (each snapshot is re-encrypted before it leaves the " +
          `account), found a key of account ${DR}, the copy's account: give a customer managed key of the ` +
          `service's own account whose key policy lets account ${DR} use it`,
      ],
    ]);
  });

  it('refuses it on a policy of several Regions', () => {
    const text = file([`      - account: "${DR}"`, ...ACCESS, share(key('us-east-1', OWN))], {
      regions: 'us-east-1, eu-west-1',
    });

    expect(errorsOf(text)).toEqual([
      [
        12,
        24,
        'copies[0].shareKmsKeyId',
        'expected shareKmsKeyId only on a policy of one Region, found 2 Regions (us-east-1 and eu-west-1): ' +
          'each snapshot is re-encrypted in its own Region before it is shared, and one key, of one Region, ' +
          'cannot serve each; split the policy by Region',
      ],
    ]);
  });
});

describe('copies: retention in the destination', () => {
  it('checks a copy’s retention like a policy’s', () => {
    expect(errorsOf(file(['      - region: us-west-2', '        retention: {}']))).toEqual([
      [
        10,
        9,
        'copies[0].retention',
        'expected at least one rule (keepLast, maxAgeDays, daily, weekly or monthly), found none; remove the ' +
          'block to never delete',
      ],
    ]);
    expect(errorsOf(file(['      - region: us-west-2', '        retention: { keepLast: 0 }']))).toEqual([
      [10, 32, 'copies[0].retention.keepLast', 'expected 1 to 1000 snapshots, found 0'],
    ]);
  });

  it('warns once per policy when copies have no retention and the policy none either', () => {
    const text = file(
      [
        '      - region: us-west-2',
        '      - region: eu-west-1',
        '        retention: { keepLast: 3 }',
        '      - region: eu-central-1',
      ],
      { retention: false },
    );

    expect(errorsOf(text)).toEqual([]);
    expect(warningsOf(text)).toEqual([
      [
        9,
        7,
        'copies',
        'the copies on lines 9 and 12 have no retention and neither has the policy: those copies are never ' +
          "deleted and fill their destination's snapshot quota; give the copy (or the policy, whose " +
          'retention copies inherit) a retention block',
      ],
    ]);
  });
});

describe('copies: reporting', () => {
  it('reports every problem at once, the first naming file:line:column', () => {
    const text = file([
      '      - region: us-east-1',
      '        kmsKeyId: alias/dr',
      '      - account: 444455556666',
      '        externalId: docdb',
    ]);

    let thrown: unknown;
    try {
      parsePolicyFile(text, FILE, { now: NOW });
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(PolicyValidationError);
    const lines = (thrown as PolicyValidationError).message.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      /^config\/policies\.yml:9:17 {2}nightly {2}copies\[0\]\.region {2}expected a Region other/,
    );
    expect(lines.map((line) => line.split('  ').slice(0, 3).join('  '))).toEqual([
      'config/policies.yml:9:17  nightly  copies[0].region',
      'config/policies.yml:10:19  nightly  copies[0].kmsKeyId',
      'config/policies.yml:11:9  nightly  copies[1].roleArn',
      'config/policies.yml:11:18  nightly  copies[1].account',
    ]);
  });
});

describe('copies: compiled', () => {
  it('carries copies and maxCopiesInFlight through the compiled file unchanged', async () => {
    const text = file(EXAMPLE, { after: ['reconcile:', '  maxCopiesInFlight: 3'] });
    const policies = parsePolicyFile(text, FILE, { now: NOW });
    const path = join(tempFolder('copies'), 'policies.compiled.json');
    await writeFile(path, compilePolicies(policies, FILE));

    const read = await readCompiledFile(path);

    expect(read.policies).toEqual([...policies]);
    expect(read.policies[0]?.copies).toHaveLength(3);
    expect(read.reconcile).toEqual({ schedule: 'rate(10 minutes)', maxCopiesInFlight: 3 });
  });
});

describe('copies: helpers for the functions and the deploy', () => {
  const policies = (): ResolvedPolicy[] => parsePolicyFile(file(EXAMPLE), FILE, { now: NOW });

  it('gives the role of each account copied into', () => {
    expect(copyAccess(policies())).toEqual(new Map([[DR, { roleArn: ROLE, externalId: EXTERNAL }]]));
    expect(copyAccess([{ copies: [{ region: 'us-west-2' }] }])).toEqual(new Map());
  });

  it('gives the destinations of a source Region, a copy without region staying in it', () => {
    const [policy] = policies();
    const destinations = copyDestinations(policy as ResolvedPolicy, 'us-east-1');

    expect(destinations.map(({ copy: _, ...rest }) => rest)).toEqual([
      { region: 'us-west-2', route: 'region' },
      { region: 'us-east-1', account: DR, route: 'account' },
      { region: 'eu-west-1', account: DR, route: 'account-region' },
    ]);
    expect(destinations.map((d) => d.copy)).toEqual(policy?.copies);
    expect(copyDestinations({ copies: [{ region: 'us-west-2' }] }, 'us-west-2')).toEqual([]);
    expect(destinations.map(destinationKey)).toEqual([
      'self/us-west-2',
      `${DR}/us-east-1`,
      `${DR}/eu-west-1`,
    ]);
  });

  it('reads key and role ARNs and the partition of a Region', () => {
    expect(parseKeyArn(key('eu-west-1', DR))).toEqual({
      partition: 'aws',
      region: 'eu-west-1',
      account: DR,
      keyId: UUID,
    });
    expect(parseKeyArn(`arn:aws:kms:eu-west-1:${DR}:alias/dr`)).toBeUndefined();
    expect(parseRoleArn(`arn:aws-us-gov:iam::${DR}:role/dr/copier`)).toEqual({
      partition: 'aws-us-gov',
      account: DR,
      name: 'dr/copier',
    });
    expect([partitionOf('eu-west-1'), partitionOf('cn-north-1'), partitionOf('us-gov-west-1')]).toEqual([
      'aws',
      'aws-cn',
      'aws-us-gov',
    ]);
  });
});
