/**
 * The structural pass: runs the strict zod schema over the file's plain data and turns every issue into a
 * problem that says what was expected and what was found, at the offending YAML node.
 */
import { z } from 'zod';
import type { PolicyProblem } from './errors.js';
import { CLUSTER_ID_PATTERN, LOWERCASE_NAME_PATTERN, PolicyFileSchema } from './schema.js';
import { formatPath, type PathSegment, type PolicySource, type Target } from './source.js';
import { disallowedCharacter, TAG_CHARACTERS } from './tags.js';
import { closest, counted, describeValue, quote } from './text.js';

export interface StructureResult {
  /** The typed file when there was no structural problem. */
  file?: z.infer<typeof PolicyFileSchema>;
  problems: PolicyProblem[];
  /** Absolute paths (formatted) that have a structural problem; later checks skip them and what is below. */
  brokenPaths: string[];
}

/**
 * Validates the structure and single values of the file with `PolicyFileSchema`.
 * Example: `checkStructure(source).problems[0].message` → `'unknown key "retenton": expected one of …'`
 */
export function checkStructure(source: PolicySource): StructureResult {
  const parsed = PolicyFileSchema.safeParse(source.data);
  if (parsed.success) return { file: parsed.data, problems: [], brokenPaths: [] };
  const problems: PolicyProblem[] = [];
  const brokenPaths: string[] = [];
  const seen = new Set<string>();
  const add = (path: PathSegment[], message: string, target: Target) => {
    const id = `${formatPath(path)}#${target}`;
    if (seen.has(id)) return;
    seen.add(id);
    brokenPaths.push(formatPath(path));
    problems.push(source.problem(path, message, { target }));
  };
  for (const issue of parsed.error.issues) {
    const path = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(path);
      for (const key of issue.keys) {
        const guess = closest(key, known);
        const hint = guess ? ` (did you mean "${guess}"?)` : '';
        add([...path, key], `unknown key ${quote(key)}${hint}: expected one of ${known.join(', ')}`, 'key');
      }
      continue;
    }
    const value = source.valueAt(path);
    if (issue.code === 'invalid_key') {
      const key = String(path.at(-1));
      const inner = issue.issues[0];
      const expected = inner?.message.startsWith('expected') ? inner.message : 'expected a valid key';
      add(
        path,
        `${expected}, found key ${quote(key)}${lengthNote(inner, key)}${patternHint(inner, key)}`,
        'key',
      );
      continue;
    }
    if (value === undefined && isMissingKey(source, path)) {
      add(path, `missing required key ${quote(String(path.at(-1)))}`, 'parent');
      continue;
    }
    add(path, messageFor(issue, value), 'value');
  }
  return { problems, brokenPaths };
}

function isMissingKey(source: PolicySource, path: PathSegment[]): boolean {
  const parent = source.valueAt(path.slice(0, -1));
  return (
    parent !== null &&
    typeof parent === 'object' &&
    !Array.isArray(parent) &&
    !(String(path.at(-1)) in parent)
  );
}

function messageFor(issue: z.core.$ZodIssue, value: unknown): string {
  const found = `found ${describeValue(value)}${lengthNote(issue, value)}${patternHint(issue, value)}`;
  if (issue.code === 'invalid_type') {
    const expected = issue.message.startsWith('expected')
      ? issue.message
      : `expected ${typeName(issue.expected)}`;
    const quoteHint =
      issue.expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')
        ? ` (quote it to make it text: "${String(value)}")`
        : issue.expected === 'string' && value === null
          ? ' (use "" for an empty text)'
          : '';
    return `${expected}, ${found}${quoteHint}`;
  }
  if (issue.code === 'invalid_value') {
    const expected = issue.message.startsWith('expected')
      ? issue.message
      : `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    const candidates = issue.values.filter((v): v is string => typeof v === 'string');
    const guess = typeof value === 'string' ? closest(value, candidates) : undefined;
    return `${expected}, ${found}${guess ? ` (did you mean "${guess}"?)` : ''}`;
  }
  const expected = issue.message.startsWith('expected')
    ? issue.message
    : `expected a valid value (${issue.message})`;
  return `${expected}, ${found}`;
}

function typeName(expected: string): string {
  const names: Record<string, string> = {
    string: 'text',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
    object: 'a mapping (key: value)',
    record: 'a mapping (key: value)',
    array: 'a list',
  };
  return names[expected] ?? expected;
}

/** ` (41 characters)` for length issues on text. */
function lengthNote(issue: z.core.$ZodIssue | undefined, value: unknown): string {
  if (!issue || typeof value !== 'string') return '';
  return issue.code === 'too_big' || issue.code === 'too_small'
    ? ` (${counted([...value].length, 'character')})`
    : '';
}

/** Says which part of a value breaks an identifier or tag pattern. */
function patternHint(issue: z.core.$ZodIssue | undefined, value: unknown): string {
  if (issue?.code !== 'invalid_format' || issue.format !== 'regex' || typeof value !== 'string') return '';
  const pattern = 'pattern' in issue ? String(issue.pattern) : '';
  if (pattern === String(LOWERCASE_NAME_PATTERN)) return identifierHint(value, true);
  if (pattern === String(CLUSTER_ID_PATTERN)) return identifierHint(value, false);
  if (pattern === String(TAG_CHARACTERS)) {
    const bad = disallowedCharacter(value);
    return bad === undefined ? '' : ` (${quote(bad)} is not allowed)`;
  }
  return '';
}

function identifierHint(value: string, lowercase: boolean): string {
  const notes: string[] = [];
  if (lowercase && /[A-Z]/.test(value)) notes.push('has uppercase letters');
  if (value !== '' && !/^[A-Za-z]/.test(value)) notes.push('does not start with a letter');
  const bad = [...value].find((c) => !/[A-Za-z0-9-]/.test(c));
  if (bad !== undefined) notes.push(`has ${quote(bad)}`);
  if (value.includes('--')) notes.push('has "--"');
  if (value.endsWith('-')) notes.push('ends with "-"');
  return notes.length ? ` (${notes.join(', ')})` : '';
}

/** Keys the schema allows at `path`, for "unknown key" messages. */
function knownKeysAt(path: readonly PathSegment[]): string[] {
  let schema: z.core.$ZodType = PolicyFileSchema;
  for (const segment of [...path, undefined]) {
    for (;;) {
      if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) schema = schema.unwrap();
      else break;
    }
    if (segment === undefined) break;
    if (schema instanceof z.ZodObject) schema = schema.shape[segment] ?? schema;
    else if (schema instanceof z.ZodArray) schema = schema.element;
    else if (schema instanceof z.ZodRecord) schema = schema.valueType;
  }
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}
