// Seam: the module graph of shared/policy and shared/planning, read from the source text. Every relative
// `import` / `export … from` counts, `import type` included: a type-only cycle still ties the modules
// together, and it is how runtime cycles start.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const AREAS = ['shared/policy', 'shared/planning'];

/** `from './x.js'`, `import './x.js'` and `import('./x.js')`, across line breaks; comments are skipped. */
const RELATIVE_IMPORT =
  /^\s*(?:import|export)\b[^;]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]|^\s*import\s*['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/gm;

/** The relative modules `file` imports, as paths from the repository root (`.js` read as the `.ts` source). */
function importsOf(file: string, text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(RELATIVE_IMPORT)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    if (specifier === undefined) continue;
    const target = resolve(ROOT, dirname(file), specifier);
    const source = [target.replace(/\.js$/, '.ts'), join(target, 'index.ts'), target].find(
      (candidate) => existsSync(candidate) && candidate.endsWith('.ts'),
    );
    if (source) found.add(relative(ROOT, source));
  }
  return [...found];
}

/** Tarjan's strongly connected components; a component of two or more modules (or a self-import) is a cycle. */
function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.includes(node)) cycles.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles;
}

/** The import graph of every module under `AREAS`, followed into whatever else they import. */
function moduleGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const pending = AREAS.flatMap((area) =>
    readdirSync(join(ROOT, area), { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.ts'))
      .map((name) => join(area, name)),
  );
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (graph.has(file)) continue;
    const imports = importsOf(file, readFileSync(join(ROOT, file), 'utf8'));
    graph.set(file, imports);
    pending.push(...imports.filter((next) => !graph.has(next)));
  }
  return graph;
}

describe('import cycles: shared/policy and shared/planning', () => {
  it('reads multi-line, type-only, re-export and dynamic relative imports', () => {
    const text = [
      "import { z } from 'zod';",
      "import {\n  a,\n  b,\n} from './limits.js';",
      "import type { ResolvedPolicy } from './schema.js';",
      "export { quote } from './text.js';",
      "const later = () => import('./tags.js');",
      ' * import nothing from a comment',
    ].join('\n');

    expect(importsOf('shared/policy/example.ts', text).sort()).toEqual([
      'shared/policy/limits.ts',
      'shared/policy/schema.ts',
      'shared/policy/tags.ts',
      'shared/policy/text.ts',
    ]);
  });

  it('finds a cycle through three modules and none in a chain', () => {
    const cyclic = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    const chain = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', []],
    ]);

    expect(cyclesOf(cyclic)).toEqual([['a', 'b', 'c']]);
    expect(cyclesOf(chain)).toEqual([]);
  });

  it('has no module of shared/policy or shared/planning in an import cycle', () => {
    const graph = moduleGraph();

    expect(graph.has('shared/policy/limits.ts')).toBe(true);
    expect(graph.has('shared/planning/retention.ts')).toBe(true);
    expect(cyclesOf(graph)).toEqual([]);
  });
});
