/**
 * The semantic rules of disaster-recovery copies (`copies[]` of each policy), run by validate.ts after the
 * structural pass: a copy has a destination other than its source, a role exactly when it names another
 * account, and every role and KMS key ARN agrees with the account and Region it is used in. Rules across
 * the file (one role per account, the service's own account the same in every key that names it) are
 * checked once all copies are read. Every problem is reported, each at its key or value.
 */
import { type KeyArn, parseKeyArn, parseRoleArn, partitionOf } from './copies.js';
import { isKnownRegion } from './regions.js';
import type { PathSegment } from './source.js';
import { quote } from './text.js';

/** What the copy rules need of validate.ts's checker (its `Checker` class fits). */
export interface CopyChecker {
  readonly source: { valueAt(path: readonly PathSegment[]): unknown };
  ok(path: readonly PathSegment[]): boolean;
  string(path: readonly PathSegment[]): string | undefined;
  error(path: readonly PathSegment[], message: string, target?: 'key' | 'value' | 'parent'): void;
  warn(path: readonly PathSegment[], message: string): void;
  line(path: readonly PathSegment[]): number;
}

export interface CopyRuleOptions {
  /** Checks a retention block (as validate.ts checks a policy's): called for each copy's `retention`. */
  retention(path: PathSegment[]): void;
}

/** One copy as the rules see it: what is given, and what of it is well-formed. */
interface Copy {
  at: PathSegment[];
  /** The policy's Regions, when they are all known Region codes. */
  sources: readonly string[] | undefined;
  /** The policy (or defaults) has a retention block. */
  policyRetention: boolean;
  hasRegion: boolean;
  region: string | undefined;
  hasAccount: boolean;
  account: string | undefined;
}

/** Everything the file-wide rules need, gathered while each copy is checked. */
interface FileState {
  /** Accounts named by `account` anywhere in the file, with where first. */
  accounts: Map<string, PathSegment[]>;
  /** Per account: its first roleArn and externalId. */
  roles: Map<string, { roleArn?: PathSegment[]; externalId?: PathSegment[] }>;
  /** KMS keys that must be the service's own account's: the first sets which account that is. */
  ownKey: { account: string; path: PathSegment[] } | undefined;
}

type Data = Record<string, unknown>;

function isRecord(value: unknown): value is Data {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `"us-east-1"`, `us-east-1 and eu-west-1`, `us-east-1, eu-west-1 and us-west-2`. */
function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * Checks the `copies` of every policy of the file, and the rules across them.
 * Example: `checkCopies(checker, { retention: (path) => checkRetention(checker, path) })`
 */
export function checkCopies(check: CopyChecker, options: CopyRuleOptions): void {
  const copies = collectCopies(check);
  const state: FileState = { accounts: new Map(), roles: new Map(), ownKey: undefined };
  for (const copy of copies) {
    if (copy.account !== undefined && !state.accounts.has(copy.account)) {
      state.accounts.set(copy.account, [...copy.at, 'account']);
    }
  }
  const byPolicy = new Map<PathSegment | undefined, Copy[]>();
  for (const copy of copies) {
    const policy = byPolicy.get(copy.at[1]);
    if (policy) policy.push(copy);
    else byPolicy.set(copy.at[1], [copy]);
  }
  for (const policy of byPolicy.values()) {
    const destinations = new Map<string, PathSegment[]>();
    for (const copy of policy) {
      checkDestination(check, copy);
      checkAccess(check, copy, state);
      checkKmsKey(check, copy, state);
      checkTransitKey(check, copy);
      checkShareKey(check, copy, state);
      checkDuplicate(check, copy, destinations);
      options.retention([...copy.at, 'retention']);
    }
    checkRetentionGiven(check, policy);
  }
}

/** The policy's Regions (its own, else `defaults.regions`) when every one is a known Region code. */
function sourceRegions(check: CopyChecker, policy: PathSegment[]): string[] | undefined {
  const own = [...policy, 'regions'];
  const path = check.source.valueAt(own) !== undefined ? own : ['defaults', 'regions'];
  const list = check.source.valueAt(path);
  if (!check.ok(path) || !Array.isArray(list) || list.length === 0) return undefined;
  if (!list.every((r) => typeof r === 'string' && isKnownRegion(r))) return undefined;
  return [...new Set(list as string[])];
}

function collectCopies(check: CopyChecker): Copy[] {
  const policies = check.source.valueAt(['policies']);
  if (!check.ok(['policies']) || !Array.isArray(policies)) return [];
  const copies: Copy[] = [];
  const defaultRetention = check.source.valueAt(['defaults', 'retention']) !== undefined;
  for (const [index, policy] of policies.entries()) {
    const list = isRecord(policy) ? policy.copies : undefined;
    const listPath: PathSegment[] = ['policies', index, 'copies'];
    if (!Array.isArray(list) || list.length === 0 || !check.ok(listPath)) continue;
    const sources = sourceRegions(check, ['policies', index]);
    const policyRetention = defaultRetention || (isRecord(policy) && policy.retention !== undefined);
    for (const [item, copy] of list.entries()) {
      const at = [...listPath, item];
      if (!check.ok(at) || !isRecord(copy)) continue;
      copies.push({
        at,
        sources,
        policyRetention,
        hasRegion: copy.region !== undefined,
        region: check.string([...at, 'region']),
        hasAccount: copy.account !== undefined,
        account: check.string([...at, 'account']),
      });
    }
  }
  return copies;
}

/** The Region a copy lands in: its `region`, else the policy's single Region (unknown with several). */
function destinationRegion(copy: Copy): string | undefined {
  if (copy.hasRegion) return copy.region;
  return copy.sources?.length === 1 ? copy.sources[0] : undefined;
}

function accountText(copy: Copy): string {
  return copy.account === undefined ? 'the other account' : `account ${copy.account}`;
}

/**
 * A copy needs another Region or another account; in the service's own account its Region must not be
 * one of the policy's (the copy would have the snapshot's own id in the snapshot's own Region), nor in
 * another partition. Several source Regions copying to one Region are worth a warning: ids can repeat.
 */
function checkDestination(check: CopyChecker, copy: Copy): void {
  if (!copy.hasRegion && !copy.hasAccount) {
    check.error(
      copy.at,
      "expected region, account or both, found neither: a copy in the service's own account needs " +
        'another Region (region), a copy into another account needs account, roleArn and externalId',
    );
    return;
  }
  const { region, sources } = copy;
  if (region === undefined || sources === undefined) return;
  const at = [...copy.at, 'region'];
  const foreign = sources.filter((s) => partitionOf(s) !== partitionOf(region));
  if (foreign.length > 0) {
    check.error(
      at,
      `expected a Region in the partition of the policy's Regions (${partitionOf(foreign[0] as string)}: ` +
        `${listed(foreign)}), found ${quote(region)} (${partitionOf(region)}): snapshots cannot be copied ` +
        'between AWS partitions',
    );
    return;
  }
  if (!copy.hasAccount && sources.includes(region)) {
    check.error(at, ownRegionMessage(region, sources));
    return;
  }
  if (sources.length > 1) {
    check.warn(
      at,
      `the snapshots of ${listed(sources)} are all copied to ${region} under their own ids: a cluster id ` +
        `that exists in more than one of those Regions gives two copies of the same id in ${region}, and ` +
        'they collide; split the policy by Region if cluster ids repeat across Regions',
    );
  }
}

function ownRegionMessage(region: string, sources: readonly string[]): string {
  if (sources.length === 1) {
    return (
      `expected a Region other than the policy's own (${region}) for a copy in the service's own account, ` +
      `found ${quote(region)}: each snapshot would be copied onto itself (same id, same Region); name ` +
      'another Region, or add account to copy into another account'
    );
  }
  return (
    `expected a Region outside the policy's Regions (${listed(sources)}) for a copy in the service's own ` +
    `account, found ${quote(region)}: the ${region} snapshots would be copied onto themselves (same id, ` +
    `same Region); split the policy by Region (one policy per Region, each with its own copies)`
  );
}

/** roleArn and externalId exactly when account is given; the role of that account; one role per account. */
function checkAccess(check: CopyChecker, copy: Copy, state: FileState): void {
  for (const key of ['roleArn', 'externalId'] as const) {
    const path = [...copy.at, key];
    const given = check.source.valueAt(path) !== undefined;
    if (copy.hasAccount && !given) check.error(path, missingAccessMessage(key, copy), 'parent');
    if (!copy.hasAccount && given) {
      check.error(
        path,
        `unexpected ${key}: only a copy into another account (account) assumes a role; a copy in the ` +
          `service's own account needs none; remove ${key}, or add account`,
        'key',
      );
    }
  }
  const roleArn = check.string([...copy.at, 'roleArn']);
  const role = roleArn === undefined ? undefined : parseRoleArn(roleArn);
  if (role && copy.account !== undefined && role.account !== copy.account) {
    check.error(
      [...copy.at, 'roleArn'],
      `expected a role of account ${copy.account} (the copy's account), found a role of account ` +
        `${role.account}: the function assumes this role to copy into account ${copy.account}; use the ` +
        'role made for docdb-backup in that account',
    );
  }
  const destination = destinationRegion(copy);
  if (role && destination !== undefined && role.partition !== partitionOf(destination)) {
    check.error(
      [...copy.at, 'roleArn'],
      `expected a role ARN of partition ${partitionOf(destination)} (that of ${destination}), found ` +
        `${role.partition}: roles cannot be assumed across AWS partitions`,
    );
  }
  if (copy.account !== undefined) checkOneRole(check, copy, copy.account, state);
}

function missingAccessMessage(key: 'roleArn' | 'externalId', copy: Copy): string {
  const account = copy.account ?? '<account>';
  if (key === 'roleArn') {
    return (
      `missing required key "roleArn": a copy into another account (${account}) is made by a role the ` +
      `function assumes there; give its ARN, e.g. arn:aws:iam::${account}:role/docdb-backup-copier`
    );
  }
  return (
    `missing required key "externalId": the role in ${accountText(copy)} trusts the function only with ` +
    'the external id its trust policy names; give it (2-1224 letters, digits and +=,.@:/-)'
  );
}

/** The same account carries the same roleArn and externalId in every copy of the file. */
function checkOneRole(check: CopyChecker, copy: Copy, account: string, state: FileState): void {
  const first = state.roles.get(account) ?? {};
  state.roles.set(account, first);
  for (const key of ['roleArn', 'externalId'] as const) {
    const path = [...copy.at, key];
    const value = check.string(path);
    if (value === undefined) continue;
    const earlier = first[key];
    if (earlier === undefined) {
      first[key] = path;
      continue;
    }
    if (check.source.valueAt(earlier) === value) continue;
    const shown = key === 'roleArn' ? ` (${check.source.valueAt(earlier)})` : '';
    check.error(
      path,
      `expected the ${key} account ${account} has on line ${check.line(earlier)}${shown}, found another: ` +
        `the function uses one role per account; give every copy into account ${account} the same ` +
        'roleArn and externalId',
    );
  }
}

interface Key {
  arn: KeyArn;
  path: PathSegment[];
}

/** The key ARN at `key` of the copy, when it is well-formed and its partition is its Region's. */
function keyAt(check: CopyChecker, copy: Copy, key: string): Key | undefined {
  const path = [...copy.at, key];
  const text = check.string(path);
  const arn = text === undefined ? undefined : parseKeyArn(text);
  if (!arn) return undefined;
  if (arn.partition !== partitionOf(arn.region)) {
    check.error(
      path,
      `expected partition ${partitionOf(arn.region)} in the ARN of a key in ${arn.region}, found ${arn.partition}`,
    );
    return undefined;
  }
  return { arn, path };
}

/** "found a key in eu-west-1" messages' common tail: the Region a key must be in, and why. */
function keyRegionError(check: CopyChecker, key: Key, region: string, why: string): void {
  if (key.arn.region === region) return;
  check.error(
    key.path,
    `expected a key in ${region} (${why}), found a key in ${key.arn.region}: KMS keys are regional; use a ` +
      `key of ${region}`,
  );
}

/** A key of another account must be the copy's account's. */
function keyAccountError(check: CopyChecker, key: Key, account: string, why: string): void {
  if (key.arn.account === account) return;
  check.error(
    key.path,
    `expected a key of account ${account} (${why}), found a key of account ${key.arn.account}`,
  );
}

/**
 * kmsKeyId: of the destination account and in the destination Region. Without region on a policy of
 * several Regions, the copies land in each of them, and one key cannot serve each.
 */
function checkKmsKey(check: CopyChecker, copy: Copy, state: FileState): void {
  const key = keyAt(check, copy, 'kmsKeyId');
  if (!key || (!copy.hasRegion && !copy.hasAccount)) return;
  const sources = copy.sources ?? [];
  if (copy.hasAccount && !copy.hasRegion && sources.length > 1) {
    check.error(
      key.path,
      `expected region beside kmsKeyId on a policy of several Regions (${listed(sources)}), found none: ` +
        `each snapshot is copied within its own Region into ${accountText(copy)}, and one key, of one ` +
        'Region, cannot encrypt the copies in each; give region (one destination Region for all), or ' +
        'split the policy by Region',
    );
  } else {
    const destination = destinationRegion(copy);
    const why = copy.hasRegion
      ? "the copy's Region"
      : "the policy's Region, where a copy without region stays";
    if (destination !== undefined) keyRegionError(check, key, destination, why);
  }
  if (!copy.hasAccount) {
    checkOwnKey(check, key, state, 'a copy without account stays in it');
  } else if (copy.account !== undefined) {
    keyAccountError(check, key, copy.account, "the copy's account: the copy is made and encrypted there");
  }
}

/**
 * A key that must be the service's own account's (kmsKeyId without account, shareKmsKeyId): not an account
 * the file copies into, and the same account as every other such key.
 */
function checkOwnKey(check: CopyChecker, key: Key, state: FileState, why: string): void {
  const account = key.arn.account;
  const named = state.accounts.get(account);
  if (named) {
    check.error(
      key.path,
      `expected a key of the service's own account (${why}), found a key of account ${account}, which ` +
        `line ${check.line(named)} names as an account to copy into: the service's own account is never ` +
        "one of those; use a key of the service's own account",
    );
    return;
  }
  if (!state.ownKey) {
    state.ownKey = { account, path: key.path };
    return;
  }
  if (state.ownKey.account === account) return;
  check.error(
    key.path,
    `expected a key of the service's own account (${why}), which the key on line ` +
      `${check.line(state.ownKey.path)} says is ${state.ownKey.account}, found a key of account ${account}: ` +
      "the kmsKeyId of copies without account and every shareKmsKeyId are keys of the service's own account, " +
      'so they all name the same account',
  );
}

/**
 * transitKmsKeyId: only for another account in another Region, where it is required with kmsKeyId; a key
 * of that account in the (single) source Region.
 */
function checkTransitKey(check: CopyChecker, copy: Copy): void {
  const path = [...copy.at, 'transitKmsKeyId'];
  const given = check.source.valueAt(path) !== undefined;
  const misplaced = transitMisplaced(copy);
  if (misplaced !== undefined) {
    if (given) check.error(path, `unexpected transitKmsKeyId: ${misplaced}`, 'key');
    return;
  }
  const { region, sources } = copy;
  if (region === undefined || sources === undefined) return;
  const encrypted = check.source.valueAt([...copy.at, 'kmsKeyId']) !== undefined;
  if (sources.length > 1) {
    if (given || encrypted)
      check.error(path, transitSeveralMessage(copy, region, sources, given), given ? 'key' : 'parent');
    return;
  }
  const source = sources[0] as string;
  if (!given) {
    if (!encrypted) return;
    check.error(
      path,
      `missing required key "transitKmsKeyId": an encrypted copy (kmsKeyId) into ${accountText(copy)} in ` +
        `${region} is first copied within ${source} in that account (DocumentDB copies a shared snapshot only ` +
        `within its Region), encrypted with a key of that account in ${source}; give that key's ARN`,
      'parent',
    );
    return;
  }
  const key = keyAt(check, copy, 'transitKmsKeyId');
  if (!key) return;
  const why = `the source Region: the intermediate copy is made there before it is copied on to ${region}`;
  keyRegionError(check, key, source, why);
  if (copy.account !== undefined) {
    keyAccountError(check, key, copy.account, "the copy's account: the intermediate copy is made there");
  }
}

/**
 * Why a copy has no intermediate copy (so no transitKmsKeyId) and what to do, or `undefined` when it may
 * have one.
 */
function transitMisplaced(copy: Copy): string | undefined {
  if (!copy.hasAccount) {
    return (
      'it encrypts the intermediate copy in another account (account) on the way to another Region; a copy ' +
      "in the service's own account goes straight to its Region, encrypted with kmsKeyId; remove it"
    );
  }
  if (!copy.hasRegion) {
    return (
      `a copy into ${accountText(copy)} without region stays in each snapshot's own Region, with no ` +
      'intermediate copy (kmsKeyId encrypts the copy); remove it, or give region'
    );
  }
  const only = copy.sources?.length === 1 ? copy.sources[0] : undefined;
  if (only !== undefined && only === copy.region) {
    return (
      `the copy into ${accountText(copy)} stays in ${only}, the policy's Region, so there is no ` +
      'intermediate copy (kmsKeyId encrypts the copy); remove it'
    );
  }
  return undefined;
}

function transitSeveralMessage(
  copy: Copy,
  region: string,
  sources: readonly string[],
  given: boolean,
): string {
  const why =
    `an encrypted copy into ${accountText(copy)} in ${region} is first copied within each snapshot's own ` +
    `Region (${listed(sources)}) in that account, with a key of that Region (transitKmsKeyId), and one key ` +
    'cannot serve each; split the policy by Region (one policy per Region, each with its transitKmsKeyId)';
  return given
    ? `expected transitKmsKeyId only on a policy of one Region, found ${sources.length} Regions: ${why}`
    : `expected a policy of one Region for kmsKeyId on a copy into another account and another Region, found ${sources.length} Regions: ${why}`;
}

/**
 * shareKmsKeyId: only with account; a key of the service's own account in the (single) source Region,
 * where each snapshot is re-encrypted before it is shared.
 */
function checkShareKey(check: CopyChecker, copy: Copy, state: FileState): void {
  const path = [...copy.at, 'shareKmsKeyId'];
  if (check.source.valueAt(path) === undefined) return;
  if (!copy.hasAccount) {
    check.error(
      path,
      'unexpected shareKmsKeyId: only a copy into another account (account) shares the snapshot; a copy ' +
        "in the service's own account is never shared; remove it",
      'key',
    );
    return;
  }
  const sources = copy.sources;
  if (sources !== undefined && sources.length > 1) {
    check.error(
      path,
      `expected shareKmsKeyId only on a policy of one Region, found ${sources.length} Regions ` +
        `(${listed(sources)}): each snapshot is re-encrypted in its own Region before it is shared, and one ` +
        'key, of one Region, cannot serve each; split the policy by Region',
    );
    return;
  }
  const key = keyAt(check, copy, 'shareKmsKeyId');
  if (!key) return;
  const source = sources?.[0];
  const why = 'the source Region: each snapshot is re-encrypted there before it is shared';
  if (source !== undefined) keyRegionError(check, key, source, why);
  if (copy.account !== undefined && key.arn.account === copy.account) {
    check.error(
      key.path,
      "expected a key of the service's own account (each snapshot is re-encrypted before it leaves the " +
        `account), found a key of account ${copy.account}, the copy's account: give a customer managed key ` +
        `of the service's own account whose key policy lets account ${copy.account} use it`,
    );
    return;
  }
  checkOwnKey(check, key, state, 'each snapshot is re-encrypted in it before it is shared');
}

/** Who and where a destination is, for messages. */
function destinationText(copy: Copy): string {
  if (copy.account === undefined) return `${copy.region} of the service's own account`;
  return copy.region === undefined
    ? `account ${copy.account} in each snapshot's own Region`
    : `account ${copy.account} in ${copy.region}`;
}

/**
 * Each destination (account and Region; no account: the service's own) once per policy, compared per
 * source Region: without region, a copy lands in each snapshot's own Region.
 */
function checkDuplicate(check: CopyChecker, copy: Copy, seen: Map<string, PathSegment[]>): void {
  if (copy.hasAccount && copy.account === undefined) return;
  if (copy.hasRegion ? copy.region === undefined : !copy.hasAccount) return;
  const who = copy.account ?? 'self';
  const sources = copy.sources ?? ['*'];
  const keys = sources
    .map((source) => ({ source, region: copy.region ?? source }))
    .filter((d) => copy.account !== undefined || d.region !== d.source)
    .map((d) => ({ ...d, key: `${d.source}>${who}/${d.region}` }));
  const clash = keys.find((d) => seen.has(d.key));
  if (clash) {
    const first = seen.get(clash.key) as PathSegment[];
    const which = (copy.sources?.length ?? 0) > 1 ? ` for the ${clash.source} snapshots` : '';
    check.error(
      [...copy.at, copy.hasRegion ? 'region' : 'account'],
      `expected each destination once in a policy, found ${destinationText(copy)} again${which} (the copy ` +
        `on line ${check.line(first)} goes there too): remove one, or merge them`,
    );
    return;
  }
  for (const d of keys) seen.set(d.key, copy.at);
}

/**
 * Copies without retention of a policy without one (its own or defaults.retention): they are never
 * deleted. One warning per policy, at its `copies` key.
 */
function checkRetentionGiven(check: CopyChecker, copies: readonly Copy[]): void {
  const kept = copies.filter(
    (copy) => !copy.policyRetention && check.source.valueAt([...copy.at, 'retention']) === undefined,
  );
  const first = kept[0];
  if (first === undefined) return;
  const which =
    kept.length === 1
      ? `the copy on line ${check.line(first.at)} has`
      : `the copies on lines ${listed(kept.map((copy) => String(check.line(copy.at))))} have`;
  check.warn(
    first.at.slice(0, -1),
    `${which} no retention and neither has the policy: those copies are never deleted and fill their ` +
      "destination's snapshot quota; give the copy (or the policy, whose retention copies inherit) a " +
      'retention block',
  );
}
