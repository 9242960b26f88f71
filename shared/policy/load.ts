/**
 * Reading a policy file: YAML (with positions) → structure (zod) → semantics → resolved policies.
 * Every problem of the file is collected before anything is thrown.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { PolicyFileReadError, type PolicyProblem, PolicyValidationError } from './errors.js';
import { resolvePolicies } from './resolve.js';
import type { ReconcileSettings, ResolvedPolicies } from './resolved.js';
import { type PathSegment, PolicySource } from './source.js';
import { checkStructure } from './structure.js';
import { clip, describeValue, quote } from './text.js';
import { checkSemantics, type SemanticOptions } from './validate.js';

export type ValidateOptions = SemanticOptions;

export interface ValidationResult {
  /**
   * The resolved policies (carrying the file's reconcile settings as `.reconcile`), or `undefined` when
   * there is at least one error.
   */
  policies: ResolvedPolicies | undefined;
  /** The file's resolved reconcile settings, or `undefined` when there is at least one error. */
  reconcile?: ReconcileSettings | undefined;
  /** Every error and warning, in file order. */
  problems: PolicyProblem[];
}

/**
 * Validates a policy file's text and never throws: for the CLI's `validate`, which prints warnings too.
 * Example: `validatePolicyFile(text, 'config/policies.yml').problems.filter((p) => p.severity === 'error')`
 */
export function validatePolicyFile(
  text: string,
  file: string,
  options: ValidateOptions = {},
): ValidationResult {
  const problems = collectProblems(text, file, options);
  const sorted = problems.problems.sort((a, b) => a.line - b.line || a.column - b.column);
  const failed = sorted.some((p) => p.severity === 'error');
  const policies = failed ? undefined : problems.policies;
  return { policies, reconcile: policies?.reconcile, problems: sorted };
}

function collectProblems(
  text: string,
  file: string,
  options: ValidateOptions,
): { policies?: ResolvedPolicies; problems: PolicyProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  let data: unknown;
  let toJsError: Error | undefined;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    toJsError = error as Error;
  }
  const source = new PolicySource(file, doc, lineCounter, data);
  const yamlProblems = [...doc.errors, ...doc.warnings].map((error): PolicyProblem => {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const path = source.pathAt(error.pos[0]);
    const problem = source.problem(
      path,
      yamlMessage(error.code, path, text.slice(...error.pos), error.message),
    );
    return { ...problem, line, column: col };
  });
  if (yamlProblems.length > 0) return { problems: yamlProblems };
  if (toJsError)
    return { problems: [source.problem([], `YAML: ${clip(toJsError.message, MAX_YAML_MESSAGE)}`)] };
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const found = data === null || data === undefined ? 'an empty document' : describeValue(data);
    return {
      problems: [
        source.problem([], `expected a mapping with version, defaults and policies, found ${found}`),
      ],
    };
  }
  const structure = checkStructure(source);
  const problems = [...structure.problems, ...checkSemantics(source, structure.brokenPaths, options)];
  const failed = problems.some((p) => p.severity === 'error');
  return {
    policies: !failed && structure.file ? resolvePolicies(structure.file, { now: options.now }) : undefined,
    problems,
  };
}

/** The YAML parser's own messages can quote the source: long enough to say what is wrong, no more. */
const MAX_YAML_MESSAGE = 200;

function yamlMessage(code: string, path: PathSegment[], text: string, message: string): string {
  const firstLine = message.split('\n')[0] ?? message;
  switch (code) {
    case 'DUPLICATE_KEY':
      return `YAML: expected each key once in a mapping, found ${quote(String(path.at(-1) ?? text))} again`;
    case 'MULTIPLE_DOCS':
      return 'YAML: expected a single document, found a second one ("---")';
    case 'TAB_AS_INDENT':
      return 'YAML: expected spaces for indentation, found a tab';
    case 'TAG_RESOLVE_FAILED':
      return `YAML: unknown tag ${clip(text.trim())}; policy files use plain YAML values`;
    default:
      return `YAML: ${clip(firstLine, MAX_YAML_MESSAGE)}`;
  }
}

/**
 * Parses, validates and resolves a policy file; throws `PolicyValidationError` listing every error. The
 * list carries the file's reconcile settings as `.reconcile` (see `ResolvedPolicies`).
 * Example: `parsePolicyFile(await readFile(p, 'utf8'), p).map((policy) => policy.name)` → `['nightly-prod']`
 */
export function parsePolicyFile(text: string, file: string, options: ValidateOptions = {}): ResolvedPolicies {
  const { policies, problems } = validatePolicyFile(text, file, options);
  if (policies === undefined) {
    throw new PolicyValidationError(
      file,
      problems.filter((p) => p.severity === 'error'),
    );
  }
  return policies;
}

const READ_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/**
 * Reads and parses a policy file. A file that cannot be read throws `PolicyFileReadError` (a
 * `PolicyValidationError`) naming the path. The list carries the file's reconcile settings as
 * `.reconcile` (see `ResolvedPolicies`).
 * Example: `const policies = await loadPolicyFile('config/policies.yml'); policies.reconcile.schedule`
 */
export async function loadPolicyFile(path: string, options: ValidateOptions = {}): Promise<ResolvedPolicies> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const reason = READ_REASONS[code] ?? (error as Error).message;
    throw new PolicyFileReadError(path, code ? `${reason} (${code})` : reason, { cause: error });
  }
  return parsePolicyFile(text, path, options);
}
