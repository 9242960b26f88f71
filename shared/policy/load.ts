/**
 * Reading a policy file: YAML (with positions) → structure (zod) → semantics → resolved policies.
 * Every problem of the file is collected before anything is thrown.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { PolicyFileReadError, type PolicyProblem, PolicyValidationError } from './errors.js';
import { resolvePolicies } from './resolve.js';
import type { ReconcileSettings, ResolvedPolicies } from './resolved.js';
import { PolicySource } from './source.js';
import { checkStructure } from './structure.js';
import { binaryEvidence, excerptAt, MAX_YAML_MESSAGE, yamlProblems } from './syntax.js';
import { clip, describeValue } from './text.js';
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
  const binary = binaryEvidence(text);
  if (binary !== undefined) {
    const message = `not a text file (it looks binary: ${binary}): point --file at the YAML policy file`;
    return { problems: [{ file, line: 0, column: 0, path: '', message, severity: 'error' }] };
  }
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
  const syntax = yamlProblems(source, text, [...doc.errors, ...doc.warnings]);
  if (syntax.length > 0) return { problems: syntax };
  if (toJsError)
    return { problems: [source.problem([], `YAML: ${clip(toJsError.message, MAX_YAML_MESSAGE)}`)] };
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const found = data === null || data === undefined ? 'an empty document' : describeValue(data);
    const problem = source.problem(
      [],
      `expected a mapping with version, defaults and policies, found ${found}`,
    );
    const shown = excerptAt(source, text, problem.line, problem.column);
    return { problems: [shown === undefined ? problem : { ...problem, excerpt: shown }] };
  }
  const structure = checkStructure(source);
  const problems = [...structure.problems, ...checkSemantics(source, structure.brokenPaths, options)];
  const failed = problems.some((p) => p.severity === 'error');
  return {
    policies: !failed && structure.file ? resolvePolicies(structure.file, { now: options.now }) : undefined,
    problems,
  };
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
