/**
 * What is wrong with a policy file's text before its meaning is looked at: a file that is not text at
 * all, and YAML syntax errors placed where the problem is (the `[` never closed, the key indented wrongly,
 * the tab, the missing `:`…) rather than where the parser gave up, each with the offending line and a
 * caret under the column.
 */
import { type CST, Parser, type YAMLError } from 'yaml';
import type { PolicyProblem } from './errors.js';
import { formatPath, MAX_PATH_KEY, type PathSegment, type PolicySource } from './source.js';
import { clip, counted, excerpt, quote } from './text.js';

/** A file is binary when at least this share of its characters are control characters or not UTF-8. */
const BINARY_SHARE = 0.1;

/** How common binary formats start (as decoded from UTF-8: bytes that are not UTF-8 become U+FFFD). */
const MAGIC: readonly (readonly [string, string])[] = [
  ['\u001f\ufffd', 'gzip data'],
  ['\ufffdPNG\r\n\u001a\n', 'a PNG image'],
  ['PK\u0003\u0004', 'a ZIP archive'],
  ['\u007fELF', 'an executable'],
  ['%PDF-', 'a PDF document'],
];

/**
 * Why `text` looks like a binary file rather than YAML (NUL bytes, text that was not UTF-8, many control
 * characters, the start of a known binary format), or `undefined` for text.
 * Example: `binaryEvidence('\u001f\ufffd\b\u0000…')` → `'it starts like gzip data, 3 NUL bytes, …'`
 */
export function binaryEvidence(text: string): string | undefined {
  let nul = 0;
  let invalid = 0;
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0) nul++;
    else if (code === 0xfffd) invalid++;
    else if (
      (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
      (code >= 0x7f && code <= 0x9f)
    )
      control++;
  }
  const magic = MAGIC.find(([start]) => text.startsWith(start))?.[1];
  const share = (nul + invalid + control) / Math.max(1, text.length);
  if (magic === undefined && nul === 0 && share < BINARY_SHARE) return undefined;
  const signs = [
    magic && `it starts like ${magic}`,
    nul > 0 && counted(nul, 'NUL byte'),
    invalid > 0 && counted(invalid, 'invalid UTF-8 sequence'),
    control > 0 && counted(control, 'control character'),
  ].filter((sign): sign is string => typeof sign === 'string');
  return signs.join(', ');
}

/** The `yaml` package's error codes that concern the document, not the syntax: each stands alone. */
const DOCUMENT_CODES = new Set(['DUPLICATE_KEY', 'MULTIPLE_DOCS', 'TAG_RESOLVE_FAILED']);

/** The YAML parser's own messages can quote the source: long enough to say what is wrong, no more. */
export const MAX_YAML_MESSAGE = 200;

/** A problem found in the text: where the caret goes, where its key path is looked up, what to say. */
interface Located {
  offset: number;
  /** The key path to name; by default the path of the node at `offset`. */
  path?: PathSegment[];
  message: string;
}

/**
 * The file's YAML errors and warnings as problems, each at the place a person must edit, with a message
 * saying what is wrong and what to do, and the line with a caret. An error that only follows from an
 * earlier one (the rest of a file after a stray `]`) is left out.
 * Example: `yamlProblems(source, text, [...doc.errors, ...doc.warnings])`
 */
export function yamlProblems(
  source: PolicySource,
  text: string,
  errors: readonly YAMLError[],
): PolicyProblem[] {
  const lines = new SourceLines(text, source.lineCounter.lineStarts);
  let tokens: Unclosed | undefined;
  const unclosed = () => {
    tokens ??= findUnclosed(text);
    return tokens;
  };
  const located: Located[] = [];
  let syntaxSeen = false;
  for (const error of errors) {
    const syntax = !DOCUMENT_CODES.has(error.code) && !(error.name === 'YAMLWarning');
    if (syntax && syntaxSeen && error.code === 'UNEXPECTED_TOKEN') continue;
    located.push(...locate(error, source, text, lines, unclosed));
    syntaxSeen ||= syntax;
  }
  const seen = new Set<string>();
  return located.flatMap((at): PolicyProblem[] => {
    const key = `${at.offset} ${at.message}`;
    if (seen.has(key)) return [];
    seen.add(key);
    const { line, col } = source.lineCounter.linePos(at.offset);
    const path = at.path ?? source.pathAt(at.offset);
    // A policy is named by its name, unless the problem is in the name (an unclosed quote there swallows
    // the lines after it into the name).
    const inName = path[0] === 'policies' && path[2] === 'name';
    const problem = source.problem(inName ? [] : path, `YAML: ${at.message}`);
    const shown = lines.text(line);
    return [
      {
        ...problem,
        ...(inName ? { path: formatPath(path, MAX_PATH_KEY) } : {}),
        line,
        column: col,
        ...(shown.trim() === '' ? {} : { excerpt: excerpt(line, shown, col) }),
      },
    ];
  });
}

/**
 * The excerpt for a problem about the file as a whole that sits at a line (a document that is not a
 * mapping): the line and a caret, or `undefined` when the line is blank.
 */
export function excerptAt(
  source: PolicySource,
  text: string,
  line: number,
  column: number,
): string | undefined {
  const shown = new SourceLines(text, source.lineCounter.lineStarts).text(line);
  return shown.trim() === '' ? undefined : excerpt(line, shown, column);
}

function locate(
  error: YAMLError,
  source: PolicySource,
  text: string,
  lines: SourceLines,
  unclosed: () => Unclosed,
): Located[] {
  const [start, end] = error.pos;
  const firstLine = error.message.split('\n')[0] ?? error.message;
  switch (error.code) {
    case 'DUPLICATE_KEY':
      return [{ offset: start, message: duplicateMessage(source, start, text.slice(start, end)) }];
    case 'MULTIPLE_DOCS':
      return [{ offset: start, message: 'expected a single document, found a second one ("---")' }];
    case 'TAG_RESOLVE_FAILED':
      return [
        {
          offset: start,
          message: `unknown tag ${clip(text.slice(start, end).trim())}; policy files use plain YAML values`,
        },
      ];
    case 'TAB_AS_INDENT':
      return [tabAt(start)];
  }
  if (/^Flow (sequence|map|mapping)\b.*must .*end with a [\]}]$/.test(firstLine)) return unclosed().flows;
  if (/^Missing closing ["']quote$/.test(firstLine)) {
    const quote = unclosed().quotes.find((q) => q.offset < start && start <= q.end);
    if (quote) return [quote];
  }
  if (error.code === 'UNEXPECTED_TOKEN') {
    const char = text[start];
    if (end - start === 1 && (char === ']' || char === '}')) {
      const opener = char === ']' ? '[' : '{';
      return [
        {
          offset: start,
          message: `the \`${char}\` at ${lines.where(start)} closes nothing (no \`${opener}\` is open there): remove it`,
        },
      ];
    }
  }
  if (
    error.code === 'BAD_INDENT' ||
    (error.code === 'MISSING_CHAR' && firstLine === 'Sequence item without - indicator')
  ) {
    // The parser may point at a comment line above the misplaced key.
    let line = lines.lineOf(start);
    while (line < lines.lastLine && /^\s*(#.*)?$/.test(lines.text(line))) line++;
    const tab = lines.indentTab(line);
    if (tab !== undefined) return [tabAt(tab)];
    const indented = indentation(source, lines, line);
    if (indented) return [indented];
  }
  if (
    error.code === 'MULTILINE_IMPLICIT_KEY' ||
    error.code === 'BLOCK_AS_IMPLICIT_KEY' ||
    (error.code === 'MISSING_CHAR' && firstLine === 'Implicit map keys need to be followed by map values')
  ) {
    const found = implicitKey(source, lines, start, end);
    if (found) return [found];
  }
  if (/^Missing , (or : )?between flow/.test(firstLine)) {
    const fix = firstLine.includes(' or : ') ? '`:` after the key or `,` before the next item' : '`,`';
    return [{ offset: start, message: `expected ${fix} here, between two items of a \`[…]\` or \`{…}\`` }];
  }
  return [{ offset: start, message: clip(firstLine, MAX_YAML_MESSAGE) }];
}

function tabAt(offset: number): Located {
  return { offset, message: 'expected spaces for indentation, found a tab: indent with spaces only' };
}

/** `expected each key once …, found "schedule" again (first on line 6): remove one of them`. */
function duplicateMessage(source: PolicySource, offset: number, text: string): string {
  const path = source.pathAt(offset);
  const key = path.at(-1);
  const found = `expected each key once in a mapping, found ${quote(String(key ?? text))} again`;
  if (key === undefined) return found;
  const first = source.position(path, 'key');
  const { line } = source.lineCounter.linePos(offset);
  return first.line < line ? `${found} (first on line ${first.line}): remove one of them` : found;
}

/** Flow collections and quoted values that the text opens and never closes. */
interface Unclosed {
  flows: Located[];
  quotes: (Located & { end: number })[];
}

/**
 * Walks the `yaml` package's concrete syntax tree for `[`/`{` without their closing bracket (or closed by
 * the other kind) and quoted values without their closing quote. A bracket left open only because an
 * unclosed quote or a wrong closer inside it swallowed its own closer is not reported.
 */
function findUnclosed(text: string): Unclosed {
  const lines = new SourceLines(text, lineStartsOf(text));
  const flows: { token: CST.FlowCollection; ancestors: CST.FlowCollection[]; closer?: CST.SourceToken }[] =
    [];
  const quotes: { token: CST.FlowScalar; ancestors: CST.FlowCollection[] }[] = [];
  const walk = (token: CST.Token | null | undefined, ancestors: CST.FlowCollection[]): void => {
    if (!token) return;
    switch (token.type) {
      case 'document':
        walk(token.value, ancestors);
        return;
      case 'block-map':
      case 'block-seq':
        for (const item of token.items) {
          walk('key' in item ? item.key : undefined, ancestors);
          walk(item.value, ancestors);
        }
        return;
      case 'flow-collection': {
        const closer = token.end[0];
        const want = token.start.source === '[' ? ']' : '}';
        if (closer?.source !== want) {
          const wrong = closer?.source === ']' || closer?.source === '}' ? closer : undefined;
          flows.push({ token, ancestors, ...(wrong ? { closer: wrong } : {}) });
        }
        for (const item of token.items) {
          walk(item.key, [...ancestors, token]);
          walk(item.value, [...ancestors, token]);
        }
        return;
      }
      case 'double-quoted-scalar':
      case 'single-quoted-scalar':
        if (!isClosedQuote(token.source)) quotes.push({ token, ancestors });
        return;
      default:
        return;
    }
  };
  for (const token of new Parser().parse(text)) walk(token, []);
  const swallowed = new Set<CST.FlowCollection>([
    ...quotes.flatMap((q) => q.ancestors),
    ...flows.filter((f) => f.closer).flatMap((f) => f.ancestors),
  ]);
  return {
    flows: flows
      .filter((f) => !swallowed.has(f.token))
      .map(({ token, closer }) => {
        const open = token.start.source;
        const close = open === '[' ? ']' : '}';
        const what = open === '[' ? 'list' : 'mapping';
        const where = lines.where(token.offset);
        const fix = closer
          ? `add \`${close}\` before the \`${closer.source}\` at ${lines.where(closer.offset)}`
          : `add \`${close}\` at the end of the ${what}`;
        return {
          offset: token.offset,
          message: `the \`${open}\` opened at ${where} is never closed: ${fix}`,
        };
      }),
    quotes: quotes.map(({ token }) => {
      const mark = token.source[0] ?? '"';
      return {
        offset: token.offset,
        end: token.offset + token.source.length,
        message: `the \`${mark}\` opened at ${lines.where(token.offset)} is never closed: add \`${mark}\` at the end of the value`,
      };
    }),
  };
}

/** Whether a quoted scalar's source ends with its closing quote (not an escaped `\"` or a doubled `''`). */
function isClosedQuote(source: string): boolean {
  const mark = source[0];
  let i = 1;
  while (i < source.length) {
    const char = source[i];
    if (mark === '"' && char === '\\') i += 2;
    else if (mark === "'" && char === "'" && source[i + 1] === "'") i += 2;
    else if (char === mark) return i === source.length - 1;
    else i++;
  }
  return false;
}

/** Start offsets of the lines of `text`, as `LineCounter.lineStarts` has them. */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The file's lines, looked up by number (1-based) or offset. */
class SourceLines {
  constructor(
    private readonly source: string,
    private readonly starts: readonly number[],
  ) {}

  /** Number of the last line. */
  get lastLine(): number {
    return this.starts.length;
  }

  /** The text of line `line` without its line break; `''` past the end. */
  text(line: number): string {
    const start = this.starts[line - 1];
    if (start === undefined) return '';
    const next = this.starts[line];
    return this.source.slice(start, next === undefined ? this.source.length : next).replace(/\r?\n$/, '');
  }

  /** The 1-based line holding `offset`. */
  lineOf(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  }

  /** Offset of line `line`'s first character. */
  startOf(line: number): number {
    return this.starts[line - 1] ?? this.source.length;
  }

  /** `5:12` for an offset. */
  where(offset: number): string {
    const line = this.lineOf(offset);
    return `${line}:${offset - this.startOf(line) + 1}`;
  }

  /** Offset of a tab in line `line`'s leading white space (before any `- ` indicators), if any. */
  indentTab(line: number): number | undefined {
    const lead = /^[ \t-]*/.exec(this.text(line))?.[0] ?? '';
    const tab = lead.indexOf('\t');
    return tab < 0 ? undefined : this.startOf(line) + tab;
  }
}

/** A line's first item: the column (1-based) and text of its key or `-`, and whether it is a `-`. */
interface LineItem {
  line: number;
  column: number;
  name: string;
  dash: boolean;
}

/**
 * The items a line starts: `  - name: a` → the `-` at 3 and the key `name` at 5; none for blank and
 * comment lines and for lines that go on with a value (`    eu-west-1]`).
 */
function itemsOf(lines: SourceLines, line: number): LineItem[] {
  const text = lines.text(line);
  const items: LineItem[] = [];
  const pattern = /(-)(?=\s|$)|([^\s#][^:#]*?)(?=:(\s|$))/y;
  let at = /^ */.exec(text)?.[0].length ?? 0;
  while (at < text.length && text[at] !== '#') {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (!match) break;
    const dash = match[1] !== undefined;
    items.push({ line, column: at + 1, name: match[2] ?? match[1] ?? '', dash });
    if (!dash) break;
    at = pattern.lastIndex;
    while (text[at] === ' ') at++;
  }
  return items;
}

/**
 * The keys and `-` indicators enclosing line `line`, innermost first: the nearest line's items, then each
 * earlier item that starts further left.
 */
function enclosing(lines: SourceLines, line: number): LineItem[] {
  const found: LineItem[] = [];
  let leftmost = Number.POSITIVE_INFINITY;
  for (let l = line - 1; l >= 1 && leftmost > 1; l--) {
    for (const item of itemsOf(lines, l).reverse()) {
      if (item.column < leftmost) {
        found.push(item);
        leftmost = item.column;
      }
    }
  }
  return found;
}

/** How a line item is named in a message: `the key "retry"`, `the list item`. */
function itemName(item: LineItem): string {
  return item.dash ? 'the list item' : `the key ${quote(item.name)}`;
}

/** `"regions"`, or `the \`-\`` for a list item's indicator. */
function label(item: LineItem): string {
  return item.dash ? 'the `-`' : quote(item.name);
}

/** `"regions" on line 3 (column 3)`. */
function sibling(item: LineItem): string {
  return `${label(item)} on line ${item.line} (column ${item.column})`;
}

/**
 * A key or `-` at a column that lines up with nothing above it: what it should line up with. A key
 * indented under a key that already has a value is named as that key's sibling.
 */
function indentation(source: PolicySource, lines: SourceLines, line: number): Located | undefined {
  const item = itemsOf(lines, line)[0];
  if (!item) return undefined;
  const offset = lines.startOf(line) + item.column - 1;
  const candidates = enclosing(lines, line).filter((c) => c.dash === item.dash);
  const deeper = candidates.filter((c) => c.column > item.column).at(-1);
  const shallower = candidates.find((c) => c.column < item.column);
  const options = [deeper, shallower].filter((c): c is LineItem => c !== undefined);
  if (options.length === 0) return undefined;
  if (!deeper && shallower && candidates[0] === shallower) {
    const parent = source.pathAt(lines.startOf(shallower.line) + shallower.column - 1).slice(0, -1);
    return {
      offset,
      ...(item.dash ? {} : { path: [...parent, item.name] }),
      message:
        `${itemName(item)} at column ${item.column} is indented deeper than ${label(shallower)} on line ` +
        `${shallower.line}, which already has a value: line it up with ${label(shallower)} (column ${shallower.column})`,
    };
  }
  return {
    offset,
    message:
      `${itemName(item)} at column ${item.column} lines up with nothing above it: line it up with ` +
      options.map(sibling).join(', or with '),
  };
}

/**
 * A key that the parser read across several lines: a key missing its `:` (it swallowed the next line),
 * or a key indented deeper than the key before it (it became part of that key's value).
 */
function implicitKey(
  source: PolicySource,
  lines: SourceLines,
  start: number,
  end: number,
): Located | undefined {
  const line = lines.lineOf(start);
  const text = lines.text(line);
  const column = start - lines.startOf(line);
  if (/^[ \t]*(-[ \t]+)*$/.test(text.slice(0, column))) {
    const word = /^[^\s:#]+/.exec(text.slice(column))?.[0];
    if (!word) return undefined;
    const rest = text
      .slice(column + word.length)
      .replace(/\s+#.*$/, '')
      .trim();
    const fix = rest ? `${word}: ${rest}` : `${word}:`;
    return {
      offset: start + word.length,
      path: [...source.pathAt(start).slice(0, -1), word],
      message: `the key ${quote(word)} has no \`:\` after it: write \`${clip(fix)}\``,
    };
  }
  let next = lines.lineOf(Math.max(start, end - 1));
  if (next === line) {
    next = line + 1;
    while (next <= lines.lastLine && itemsOf(lines, next).length === 0) next++;
    if (next > lines.lastLine) return undefined;
  }
  return indentation(source, lines, next);
}
