/**
 * Small text helpers for messages: quoting what was found, counts with their nouns, "did you mean …?"
 * suggestions, and the offending line of a file with a caret under a column.
 */

/** How much of a value a message echoes: enough to recognise it, never a whole document. */
export const MAX_ECHO = 80;

/**
 * A value quoted for a message, shortened when long; control characters are escaped.
 * Example: `quote('Nightly_Prod')` → `'"Nightly_Prod"'`
 */
export function quote(text: string, max = MAX_ECHO): string {
  return escapeControls(JSON.stringify(text.length > max ? `${text.slice(0, max - 3)}...` : text));
}

/**
 * C0 and C1 controls (ESC, CSI, carriage return, NUL …), DEL, and invisible text-direction overrides.
 * Example: `isControl(0x1b)` → `true`
 */
export function isControl(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/**
 * Control characters written as `\uXXXX`, so text from a file or a flag cannot rewrite a terminal line
 * or forge a log line.
 * Example: `escapeControls('a\u001b[2Jb')` → `'a\\u001b[2Jb'`
 */
export function escapeControls(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    out += isControl(code) ? `\\u${code.toString(16).padStart(4, '0')}` : char;
  }
  return out;
}

/**
 * Text echoed unquoted in a message: control characters escaped, at most `max` characters (`…` marks
 * the cut).
 * Example: `clip('x'.repeat(100), 10)` → `'xxxxxxxxx…'`
 */
export function clip(text: string, max = MAX_ECHO): string {
  const chars = [...escapeControls(text)];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}

/**
 * A count with its noun, singular for one: the one helper for count phrases in policy messages.
 * Example: `counted(1, 'minute')` → `'1 minute'`; `counted(3, 'policy', 'policies')` → `'3 policies'`
 */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

/**
 * "every" with a count of units, the count left out for one.
 * Example: `every(1, 'minute')` → `'every minute'`; `every(15, 'minute')` → `'every 15 minutes'`
 */
export function every(count: number, singular: string, plural = `${singular}s`): string {
  return count === 1 ? `every ${singular}` : `every ${counted(count, singular, plural)}`;
}

/** Widest excerpt of a source line a message shows; a longer line is cut around the column. */
export const MAX_EXCERPT = 100;

/**
 * A line of a file with its number and a caret under `column` (1-based, in UTF-16 units as the `yaml`
 * package counts), control characters escaped, a long line cut around the column (`…` marks the cuts).
 * Example: `excerpt(5, '  regions: [us-east-1', 12)` →
 * `'    5 |   regions: [us-east-1\n      |            ^'`
 */
export function excerpt(line: number, text: string, column: number): string {
  // One piece per character as shown (a control character becomes its 6-character escape), so a piece's
  // width is its length in code points.
  const pieces: string[] = [];
  let caret = -1;
  let unit = 1;
  for (const char of text) {
    if (caret < 0 && unit + char.length > column) caret = pieces.length;
    const code = char.charCodeAt(0);
    pieces.push(isControl(code) ? `\\u${code.toString(16).padStart(4, '0')}` : char);
    unit += char.length;
  }
  if (caret < 0) caret = pieces.length;
  const widthOf = (piece: string) => (piece.length === 1 ? 1 : [...piece].length);
  let before = pieces.slice(0, caret);
  let after = pieces.slice(caret);
  let width = before.reduce((sum, piece) => sum + widthOf(piece), 0);
  const total = width + after.reduce((sum, piece) => sum + widthOf(piece), 0);
  if (total > MAX_EXCERPT) {
    const lead = MAX_EXCERPT * 0.4;
    if (width > lead) {
      while (width > lead) width -= widthOf(before.shift() ?? ' ');
      before = ['…', ...before];
      width += 1;
    }
    let room = MAX_EXCERPT - width;
    const kept: string[] = [];
    for (const piece of after) {
      if (widthOf(piece) > room - 1) break;
      kept.push(piece);
      room -= widthOf(piece);
    }
    if (kept.length < after.length) after = [...kept, '…'];
  }
  const number = String(line);
  return `    ${number} | ${[...before, ...after].join('')}\n    ${' '.repeat(number.length)} | ${' '.repeat(width)}^`;
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
