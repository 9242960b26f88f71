// The operator CLI's esbuild bundle (dist/cli/): building it and telling whether it is current. Plain
// JavaScript, so `npm ci` (its `prepare` script) and bin/docdb-backup.js run it without tsx.
//
//   node bin/cli-bundle.js      builds dist/cli/docdb-backup.mjs (npm run build:cli, npm ci's prepare)
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Where the bundle lives: the entry, its chunks (loaded when a command runs) and the list of its sources. */
export const BUNDLE_DIR = join(ROOT, 'dist', 'cli');
export const BUNDLE_ENTRY = join(BUNDLE_DIR, 'docdb-backup.mjs');
const INPUTS_FILE = join(BUNDLE_DIR, 'inputs.json');

/**
 * Whether the bundle can stand in for the sources: `missing`, `stale` (a source file it was built from,
 * package.json or package-lock.json changed since), or `fresh`.
 * Example: `bundleState()` → `'fresh'`
 */
export function bundleState() {
  let built;
  let inputs;
  try {
    built = statSync(BUNDLE_ENTRY).mtimeMs;
    inputs = JSON.parse(readFileSync(INPUTS_FILE, 'utf8'));
  } catch {
    return 'missing';
  }
  for (const file of [...inputs, 'package.json', 'package-lock.json']) {
    try {
      if (statSync(join(ROOT, file)).mtimeMs > built) return 'stale';
    } catch {
      return 'stale';
    }
  }
  return 'fresh';
}

/**
 * Bundles cli/bin.ts with esbuild: ESM for Node 20, the AWS SDK and every dependency included, split so
 * that `--help` loads only the entry (each command's code is a chunk loaded when it runs). Written to a
 * temporary directory and swapped into place, so a CLI started meanwhile sees the old or the new build.
 * Example: `await buildCli()` → `{ entry: '/…/dist/cli/docdb-backup.mjs', bytes: 1250000, ms: 900 }`
 */
export async function buildCli() {
  const started = performance.now();
  const { build } = await import('esbuild');
  const temp = join(ROOT, 'dist', `.cli-build-${process.pid}-${Date.now()}`);
  mkdirSync(temp, { recursive: true });
  try {
    const result = await build({
      entryPoints: { 'docdb-backup': join(ROOT, 'cli', 'bin.ts') },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      mainFields: ['module', 'main'],
      minify: true,
      keepNames: true,
      outdir: temp,
      outExtension: { '.js': '.mjs' },
      chunkNames: 'chunks/[name]-[hash]',
      // The SDK's CommonJS parts call require(): ESM has none unless the bundle makes one.
      banner: {
        js: "import { createRequire } from 'node:module';const require = createRequire(import.meta.url);",
      },
      metafile: true,
      logLevel: 'warning',
    });
    const sources = Object.keys(result.metafile.inputs)
      .map((file) => relative(ROOT, join(ROOT, file)))
      .filter((file) => !file.startsWith('node_modules') && !file.startsWith('..'));
    writeFileSync(join(temp, 'inputs.json'), `${JSON.stringify(sources.sort(), null, 1)}\n`);
    const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
    const old = `${temp}-old`;
    if (existsSync(BUNDLE_DIR)) renameSync(BUNDLE_DIR, old);
    try {
      renameSync(temp, BUNDLE_DIR);
    } catch (error) {
      // Another build swapped its own in first: it is built from the same sources.
      if (!existsSync(BUNDLE_DIR)) throw error;
    }
    rmSync(old, { recursive: true, force: true });
    return { entry: BUNDLE_ENTRY, bytes, ms: performance.now() - started };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const { bytes, ms } = await buildCli();
    console.log(
      `built ${relative(process.cwd(), BUNDLE_ENTRY)} (${(bytes / 1024).toFixed(0)} KiB with its chunks) in ${(ms / 1000).toFixed(1)} s`,
    );
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND') {
      // `npm ci --omit=dev`: no esbuild, and no tsx either; nothing to build with.
      console.warn('docdb-backup: esbuild is not installed (dev dependency): the CLI bundle was not built');
    } else {
      console.error(error);
      process.exitCode = 1;
    }
  }
}
