/** Marker/NextToken paging over a sorted list, with opaque tokens that survive deletions between pages. */
import { invalidParameterValue } from './errors.js';

export interface Page<T> {
  items: T[];
  /** Token for the next page; undefined on the last page. */
  marker?: string;
}

/**
 * One page of `items` (already sorted by `keyOf`, ascending) after the position in `marker`.
 * Example: `paginate(clusters, (c) => c.id, 100, params.string('Marker'))`
 */
export function paginate<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  size: number,
  marker?: string,
): Page<T> {
  const after = marker === undefined || marker === '' ? undefined : decodeMarker(marker);
  const start = after === undefined ? 0 : items.findIndex((item) => keyOf(item) > after);
  const rest = start < 0 ? [] : items.slice(start);
  const pageItems = rest.slice(0, size);
  const last = pageItems.at(-1);
  return rest.length > size && last !== undefined
    ? { items: pageItems, marker: encodeMarker(keyOf(last)) }
    : { items: pageItems };
}

function encodeMarker(key: string): string {
  return Buffer.from(`v1|${key}`).toString('base64url');
}

function decodeMarker(marker: string): string {
  const text = Buffer.from(marker, 'base64url').toString('utf8');
  if (!text.startsWith('v1|')) throw invalidParameterValue(`Invalid marker: ${marker}`);
  return text.slice(3);
}

/** Checks `MaxRecords` (20–100, default 100) as DocumentDB does. */
export function maxRecords(value: number | undefined): number {
  if (value === undefined) return 100;
  if (value < 20 || value > 100) {
    throw invalidParameterValue(`Invalid value ${value} for MaxRecords. Must be between 20 and 100`);
  }
  return value;
}
