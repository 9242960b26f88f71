/**
 * Where a cluster or a snapshot lives: a Region of an account. Every DocumentDB call, client, limit and
 * result names one. Only the service's own account is used for now (`account` absent); copies to other
 * accounts name theirs, and the client pool then needs credentials for it (shared/aws/clients.ts).
 */

export interface Location {
  region: string;
  /** A 12-digit account id; absent for the account the service runs in. */
  account?: string;
}

/**
 * The own account's location in a Region.
 * @example inOwnAccount('eu-west-1') // { region: 'eu-west-1' }
 */
export function inOwnAccount(region: string): Location {
  return { region };
}

/**
 * A stable key for maps of clients, limits and rates: the Region alone for the own account (so results and
 * table keys of the own account read as they always did), `<account>/<region>` for another.
 * @example locationKey({ account: '210987654321', region: 'eu-west-1' }) // '210987654321/eu-west-1'
 */
export function locationKey(at: Location): string {
  return at.account === undefined ? at.region : `${at.account}/${at.region}`;
}

/**
 * How logs and messages name a location.
 * @example describeLocation({ account: '210987654321', region: 'eu-west-1' }) // 'eu-west-1 of account 210987654321'
 */
export function describeLocation(at: Location): string {
  return at.account === undefined ? at.region : `${at.region} of account ${at.account}`;
}

/** The location fields of a result: the Region, and the account only when it is another one. */
export function locationFields(at: Location): { region: string; account?: string } {
  return at.account === undefined ? { region: at.region } : { region: at.region, account: at.account };
}

/**
 * Where a result, a deletion or a job is.
 * @example locationOf({ region: 'us-east-1', clusterId: 'orders' }) // { region: 'us-east-1' }
 */
export function locationOf(item: { region: string; account?: string }): Location {
  return item.account === undefined
    ? { region: item.region }
    : { region: item.region, account: item.account };
}
