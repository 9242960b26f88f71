/**
 * Typed errors of the policy area. A bad policy file is one `PolicyValidationError` carrying every problem
 * found, each naming the file, the line, the policy and the key path.
 */

/** `'error'` makes the file unusable; `'warning'` is printed by `validate` but never fails a load. */
export type ProblemSeverity = 'error' | 'warning';

/**
 * One thing wrong (or worth a look) in a policy file. `line` and `column` are 1-based; both are 0 when the
 * problem concerns the file as a whole (e.g. it cannot be read). `path` is relative to the policy when
 * `policy` is set (`snapshot.prefix`), otherwise from the top of the file (`defaults.retry.maxAttempts`).
 */
export interface PolicyProblem {
  file: string;
  line: number;
  column: number;
  policy?: string;
  path: string;
  message: string;
  severity: ProblemSeverity;
  /**
   * For problems with the file's YAML syntax: the offending line and a caret under the column, two lines
   * ready to print under the problem (see `excerpt` in text.ts).
   */
  excerpt?: string;
}

/**
 * Formats a problem as one line: `file:line:column  policy  key.path  message` (`-` for a missing part),
 * followed by its excerpt (the offending line and a caret) when it has one.
 * Example: `formatProblem(p)` → `config/policies.yml:12:13  nightly-prod  snapshot.prefix  expected …`
 */
export function formatProblem(problem: PolicyProblem): string {
  const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
  const line = `${where}  ${problem.policy ?? '-'}  ${problem.path || '-'}  ${problem.message}`;
  return problem.excerpt ? `${line}\n${problem.excerpt}` : line;
}

/**
 * The policy file cannot be used. `problems` holds every error found (warnings are not included);
 * `message` has one formatted line per problem (and a YAML syntax problem's excerpt under its line).
 * Example: `catch (e) { if (e instanceof PolicyValidationError) for (const p of e.problems) … }`
 */
export class PolicyValidationError extends Error {
  readonly file: string;
  readonly problems: PolicyProblem[];

  constructor(file: string, problems: PolicyProblem[], options?: { cause?: unknown }) {
    super(problems.map(formatProblem).join('\n'), options);
    this.name = 'PolicyValidationError';
    this.file = file;
    this.problems = problems;
  }
}

/**
 * The policy file could not be read at all (missing, a directory, no permission). It is a
 * `PolicyValidationError` with a single whole-file problem, so callers can handle both alike.
 * Example: `await loadPolicyFile('nope.yml')` → `nope.yml  -  -  cannot read the policy file: …`
 */
export class PolicyFileReadError extends PolicyValidationError {
  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super(
      file,
      [
        {
          file,
          line: 0,
          column: 0,
          path: '',
          message: `cannot read the policy file: ${reason}`,
          severity: 'error',
        },
      ],
      options,
    );
    this.name = 'PolicyFileReadError';
  }
}

/**
 * A schedule expression EventBridge would reject, or one that can never fire.
 * Example: `parseSchedule('cron(0 3 * * *)')` throws `ScheduleError: cron(...) needs 6 fields …`
 */
export class ScheduleError extends Error {
  readonly expression: string;

  constructor(expression: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ScheduleError';
    this.expression = expression;
  }
}

/**
 * A resolved policy does not have the shape the engine reads (resolved.ts): a bug in the resolver, not in
 * the file. Thrown when policies are compiled, so it fails the build.
 * Example: `config/policies.yml: policy "nightly-prod" resolved to a wrong shape at retry.maxAttempts: …`
 */
export class ResolvedPolicyError extends Error {
  override readonly name = 'ResolvedPolicyError';
  /** The policy whose resolved form is wrong. */
  readonly policy: string;
  /** Dotted path of the first bad field, e.g. `retry.maxAttempts`; `''` for the policy as a whole. */
  readonly path: string;

  constructor(policy: string, path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.policy = policy;
    this.path = path;
  }
}
