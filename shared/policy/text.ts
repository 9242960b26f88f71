/** Small text helpers for messages: quoting what was found, "did you mean …?" suggestions. */

/**
 * A value quoted for a message, shortened when long.
 * Example: `quote('Nightly_Prod')` → `'"Nightly_Prod"'`
 */
export function quote(text: string, max = 80): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max - 3)}...` : text);
}

/**
 * Says what a YAML value is, for "expected …, found …" messages.
 * Example: `describeValue(null)` → `'an empty value'`; `describeValue([1])` → `'a list'`
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

/**
 * Edit distance (insertions, deletions, substitutions) between two strings.
 * Example: `editDistance('retenton', 'retention')` → `1`
 */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The candidate closest to `value` (case-insensitive), if it is close enough to be a likely typo.
 * Example: `closest('retrys', ['retry', 'regions'])` → `'retry'`
 */
export function closest(value: string, candidates: readonly string[]): string | undefined {
  const wanted = value.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (best === undefined || distance < best.distance) best = { candidate, distance };
  }
  if (best === undefined) return undefined;
  const allowed = Math.max(2, Math.floor(Math.max(wanted.length, best.candidate.length) / 4));
  return best.distance <= allowed ? best.candidate : undefined;
}
