/**
 * Where things are in a policy file: maps a key path (`['policies', 0, 'snapshot', 'prefix']`) to the line
 * and column of its YAML node, and builds problems that name the policy and a path relative to it.
 */
import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  visit,
} from 'yaml';
import type { PolicyProblem, ProblemSeverity } from './errors.js';
import { clip, escapeControls, quote } from './text.js';

export type PathSegment = string | number;

/** Keys in a problem's path are shown whole up to this length (tag keys go up to 128), shortened beyond. */
export const MAX_PATH_KEY = 200;

/** `key` points at a map key (unknown or duplicate keys), `value` at its value, `parent` at the enclosing map. */
export type Target = 'key' | 'value' | 'parent';

export interface ProblemOptions {
  target?: Target;
  severity?: ProblemSeverity;
}

/**
 * Formats a key path for people: `policies[0].snapshot.prefix`, `snapshot.tags["cost:center"]`. With
 * `max`, a key longer than that is shown shortened (for messages; without it the path is exact).
 * Example: `formatPath(['clusters', 'exclude', 2])` → `'clusters.exclude[2]'`
 */
export function formatPath(path: readonly PathSegment[], max?: number): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment) && (max === undefined || segment.length <= max))
      text += text === '' ? segment : `.${segment}`;
    else text += `[${max === undefined ? JSON.stringify(segment) : quote(segment, max)}]`;
  }
  return text;
}

/**
 * The parsed file: its YAML document (for positions) and its plain data (for checks). Checks read the
 * plain data; a position is looked up only for a problem that is reported, so a valid file of thousands of
 * policies costs no position lookups at all.
 */
export class PolicySource {
  /** What each alias points at, from one walk of the document the first time an alias is met. */
  private aliasTargets: Map<Alias, Node | undefined> | undefined;

  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lineCounter: LineCounter,
    readonly data: unknown,
  ) {}

  /** The plain value at `path`, or `undefined` when there is none. */
  valueAt(path: readonly PathSegment[]): unknown {
    let value: unknown = this.data;
    for (const segment of path) {
      if (value === null || typeof value !== 'object') return undefined;
      value = (value as Record<PathSegment, unknown>)[segment];
    }
    return value;
  }

  /** 1-based line and column of the node at `path` (of its key with `target: 'key'`; of the nearest existing parent when missing). */
  position(path: readonly PathSegment[], target: Target = 'value'): { line: number; column: number } {
    const offset = this.offsetOf(target === 'parent' ? path.slice(0, -1) : path, target === 'key');
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  /** The line of the node at `path`, for messages such as "already used on line 12". */
  lineOf(path: readonly PathSegment[], target: Target = 'value'): number {
    return this.position(path, target).line;
  }

  /**
   * A problem at `path` (absolute), named by policy when the path is inside `policies[i]`. What it echoes
   * from the file (keys in the path, the policy's name, the message) has control characters escaped and
   * long keys and names shortened.
   */
  problem(path: readonly PathSegment[], message: string, options: ProblemOptions = {}): PolicyProblem {
    const { line, column } = this.position(path, options.target);
    const problem: PolicyProblem = {
      file: this.file,
      line,
      column,
      path: formatPath(path, MAX_PATH_KEY),
      message: escapeControls(message),
      severity: options.severity ?? 'error',
    };
    const [top, index] = path;
    if (top === 'policies' && typeof index === 'number') {
      const name = this.valueAt(['policies', index, 'name']);
      if (typeof name === 'string' && name !== '') {
        problem.policy = clip(name);
        problem.path = formatPath(path.slice(2), MAX_PATH_KEY);
      }
    }
    return problem;
  }

  /** Key path of the innermost node containing `offset`, e.g. for a YAML syntax error. */
  pathAt(offset: number): PathSegment[] {
    const path: PathSegment[] = [];
    let node = this.resolve(this.doc.contents);
    const contains = (n: Node | null | undefined) => {
      const range = n?.range;
      return range != null && range[0] <= offset && offset < Math.max(range[2], range[0] + 1);
    };
    while (node) {
      let next: Node | undefined;
      if (isMap(node)) {
        for (const pair of node.items) {
          const key = isScalar(pair.key) ? pair.key : undefined;
          const value = this.resolve(pair.value as Node | null);
          const start = key?.range?.[0] ?? Number.POSITIVE_INFINITY;
          const end = value?.range?.[2] ?? key?.range?.[2] ?? start;
          if (key && start <= offset && offset < Math.max(end, start + 1)) {
            path.push(String(key.value));
            next = contains(value) ? value : undefined;
            break;
          }
        }
      } else if (isSeq(node)) {
        const index = node.items.findIndex((item) => contains(this.resolve(item as Node | null)));
        if (index >= 0) {
          path.push(index);
          next = this.resolve(node.items[index] as Node | null);
        }
      }
      node = next;
    }
    return path;
  }

  private resolve(node: Node | null | undefined): Node | undefined {
    if (isAlias(node)) return this.targetOf(node);
    return node ?? undefined;
  }

  /**
   * The node an alias points at: the last node anchored with its name before it, YAML's rule (and the
   * `yaml` package's `Alias.resolve`, which walks the whole document on every call: one walk here).
   */
  private targetOf(alias: Alias): Node | undefined {
    if (!this.aliasTargets) {
      const targets = new Map<Alias, Node | undefined>();
      const anchored = new Map<string, Node>();
      visit(this.doc, {
        Node: (_key, node) => {
          if (isAlias(node)) targets.set(node, anchored.get(node.source));
          else if (node.anchor) anchored.set(node.anchor, node);
        },
      });
      this.aliasTargets = targets;
    }
    return this.aliasTargets.get(alias);
  }

  private offsetOf(path: readonly PathSegment[], wantKey: boolean): number {
    let node = this.resolve(this.doc.contents);
    let offset = node?.range?.[0] ?? 0;
    for (const [i, segment] of path.entries()) {
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) return offset;
        const keyOffset = isScalar(pair.key) ? (pair.key.range?.[0] ?? offset) : offset;
        const value = this.resolve(pair.value as Node | null);
        const empty =
          !value || (isScalar(value) && value.value === null && value.range?.[0] === value.range?.[1]);
        if (last && (wantKey || empty)) return keyOffset;
        node = value;
        offset = empty ? keyOffset : (value?.range?.[0] ?? keyOffset);
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = this.resolve(node.items[segment] as Node | null);
        if (!item) return offset;
        node = item;
        offset = item.range?.[0] ?? offset;
      } else {
        return offset;
      }
    }
    return offset;
  }
}
