/**
 * The one rule for an explicit cluster identifier found in no Region: the backup run fails it once (as a
 * policy-wide result), and the CLI's `plan`, dry run and `status` show it, all through this function.
 */

/** What one Region's selection found. */
export interface RegionSelection {
  /** The clusters selected in the Region. */
  found: readonly string[];
  /** Explicit identifiers with no DocumentDB cluster in the Region; undefined when it could not be read. */
  missing?: readonly string[];
}

/**
 * Explicit identifiers found in none of the policy's Regions, sorted. Decided only when every Region
 * could be read (an unreadable one might hold the cluster); a cluster found in some Region is missing
 * nowhere.
 * @example missingEverywhere([{ found: [], missing: ['a', 'b'] }, { found: ['b'], missing: ['a'] }]) // ['a']
 * @example missingEverywhere([{ found: [], missing: ['a'] }, { found: [] }]) // [] (the second Region was unreadable)
 */
export function missingEverywhere(regions: readonly RegionSelection[]): string[] {
  if (regions.length === 0 || regions.some((r) => r.missing === undefined)) return [];
  const found = new Set(regions.flatMap((r) => r.found));
  const candidates = new Set(regions.flatMap((r) => r.missing ?? []));
  return [...candidates]
    .filter((id) => !found.has(id) && regions.every((r) => r.missing?.includes(id)))
    .sort();
}

/**
 * What on-call reads for an identifier found in no Region.
 * @example notFoundMessage('orders', ['us-east-1', 'eu-west-1']) // 'no DocumentDB cluster "orders" in us-east-1, eu-west-1 (named in clusters.identifiers)'
 */
export function notFoundMessage(id: string, regions: readonly string[]): string {
  return `no DocumentDB cluster "${id}" in ${regions.join(', ')} (named in clusters.identifiers)`;
}
