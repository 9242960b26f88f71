// Seam: what the backup function loads of the policy area, as esbuild bundles it (metafile inputs). The
// function reads compiled policies (compiled.ts) and planning's pure rules; zod and the YAML parser stay
// build-time only, out of its cold start.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The source files esbuild puts in a bundle of `entry`, relative to the repository root. */
async function bundledInputs(entry: string): Promise<string[]> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    metafile: true,
    outfile: 'bundle.mjs',
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

const parsers = (inputs: readonly string[]) =>
  inputs.filter((input) => /(^|\/)node_modules\/(zod|yaml)\//.test(input));

describe('runtime bundle: no zod, no YAML parser', () => {
  it('reads compiled policies and plans without them', async () => {
    const inputs = await bundledInputs('shared/policy/compiled.ts');
    const planning = await bundledInputs('shared/planning/index.ts');

    expect(inputs).toContain('shared/policy/compiled.ts');
    expect(parsers([...inputs, ...planning])).toEqual([]);
    expect(
      [...inputs, ...planning].filter((input) => /shared\/policy\/(resolved|schema)\.ts$/.test(input)),
    ).toEqual([]);
  });

  it('keeps them out of the backup function handler', async () => {
    const inputs = await bundledInputs('functions/backup/handler.ts');

    expect(inputs).toContain('shared/policy/compiled.ts');
    expect(parsers(inputs)).toEqual([]);
  });
});
