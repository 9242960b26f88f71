/**
 * Bundles built exactly as `serverless package` builds the function: the esbuild options are read from
 * serverless.yml's `custom.esbuild` and completed the way serverless-esbuild completes them (its defaults,
 * the runtime's target, `exclude` → `external`, `outputFileExtension` → `outExtension`, plugin-only keys
 * dropped). `reproduceHandler` proves the reading right: it must give the packaged handler.mjs byte for byte.
 */
import { copyFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { parseDocument } from 'yaml';

/** Keys serverless-esbuild consumes itself and removes before calling esbuild (its bundle.ts). */
const PLUGIN_ONLY_KEYS = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
];

type Options = Record<string, unknown>;

function isPlainObject(value: unknown): value is Options {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** ramda's mergeDeepRight, which serverless-esbuild uses: objects merge, everything else (arrays too) is replaced. */
function mergeDeepRight(left: Options, right: Options): Options {
  const merged: Options = { ...left };
  for (const [key, value] of Object.entries(right)) {
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? mergeDeepRight(current, value) : value;
  }
  return merged;
}

/**
 * The esbuild options serverless-esbuild derives from a serverless.yml (entry points and outdir excluded).
 * @example esbuildOptionsFrom(readFileSync('serverless.yml', 'utf8')).format // 'esm'
 */
export function esbuildOptionsFrom(serverlessYml: string): BuildOptions {
  // `!Ref`/`!GetAtt` are CloudFormation tags the yaml library does not know: they stay strings, which is fine
  // because only provider.runtime and custom.esbuild are read.
  const config = parseDocument(serverlessYml).toJS() as {
    provider?: { runtime?: string };
    custom?: { esbuild?: Options };
  };
  const custom = config.custom?.esbuild ?? {};
  if (JSON.stringify(custom).includes('${'))
    throw new Error('custom.esbuild uses serverless variables: the bench cannot resolve them');
  if ('plugins' in custom || 'config' in custom)
    throw new Error('custom.esbuild uses plugins or a config file: the bench cannot reproduce the build');
  const runtime = /^nodejs(\d+)\.x$/.exec(config.provider?.runtime ?? '');
  const defaults: Options = {
    bundle: true,
    target: 'node18',
    external: [],
    exclude: ['aws-sdk'],
    platform: 'node',
    outputFileExtension: '.js',
  };
  const resolved = mergeDeepRight(
    mergeDeepRight(defaults, runtime ? { target: `node${runtime[1]}` } : {}),
    custom,
  );
  const exclude = (resolved.exclude as string[] | undefined) ?? [];
  const options: Options = { ...resolved };
  for (const key of PLUGIN_ONLY_KEYS) delete options[key];
  options.external = [...((resolved.external as string[]) ?? []), ...(exclude.includes('*') ? [] : exclude)];
  if (resolved.outputFileExtension !== '.js') options.outExtension = { '.js': resolved.outputFileExtension };
  return options as BuildOptions;
}

export interface Bundle {
  file: string;
  bytes: number;
  /** Bytes in the output per npm package (or first two path segments of own code). */
  byPackage: Record<string, number>;
}

function byPackage(metafile: Metafile): Record<string, number> {
  const output = Object.values(metafile.outputs)[0];
  const sizes: Record<string, number> = {};
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    const at = path.lastIndexOf('node_modules/');
    let key: string;
    if (at >= 0) {
      const parts = path.slice(at + 'node_modules/'.length).split('/');
      key = parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? path);
    } else {
      key = path.split('/').slice(0, 2).join('/');
    }
    sizes[key] = (sizes[key] ?? 0) + input.bytesInOutput;
  }
  return sizes;
}

/**
 * Bundles `entry` with the service's options into `<outDir>/<name>.mjs` (the extension the options give).
 * Builds from `serviceDir` so modules resolve exactly as for the packaged function. `extra` options win
 * (e.g. `{ sourcemap: 'external' }`, which writes a .map beside and leaves the bundle's bytes as they are).
 */
export async function bundle(
  serviceDir: string,
  entry: string,
  outDir: string,
  plugins: Plugin[] = [],
  extra: BuildOptions = {},
): Promise<Bundle> {
  const options = esbuildOptionsFrom(readFileSync(join(serviceDir, 'serverless.yml'), 'utf8'));
  const result = await build({
    ...options,
    ...extra,
    absWorkingDir: serviceDir,
    entryPoints: [entry],
    outdir: outDir,
    metafile: true,
    logLevel: 'silent',
    plugins,
  });
  const file = Object.keys(result.metafile.outputs).find((path) => !path.endsWith('.map'));
  if (!file) throw new Error(`esbuild wrote nothing for ${entry}`);
  const path = join(serviceDir, file);
  return { file: path, bytes: readFileSync(path).length, byPackage: byPackage(result.metafile) };
}

/**
 * Rebuilds functions/backup/handler.ts with the derived options; `identical` when it matches the artifact.
 * With `sourcemap`, an external source map is written beside it (`<file>.map`), for CPU profiles.
 */
export async function reproduceHandler(
  serviceDir: string,
  packagedHandler: string,
  options: { sourcemap?: boolean; dir?: string } = {},
): Promise<Bundle & { identical: boolean }> {
  const rebuilt = await bundle(
    serviceDir,
    'functions/backup/handler.ts',
    join(serviceDir, 'bench-builds', options.dir ?? 'repro', 'functions', 'backup'),
    [],
    options.sourcemap ? { sourcemap: 'external' } : {},
  );
  const identical = readFileSync(rebuilt.file).equals(readFileSync(packagedHandler));
  return { ...rebuilt, identical };
}

function isZodSchema(value: unknown): boolean {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

function isJsonData(value: unknown): boolean {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true;
  if (Array.isArray(value)) return value.every(isJsonData);
  if (isPlainObject(value) && Object.getPrototypeOf(value) === Object.prototype)
    return Object.values(value).every(isJsonData);
  return false;
}

/**
 * A zod-free stand-in for a module: its constants and zod-free functions, copied from the loaded module.
 * Schemas are left out, so a build that still needs one fails (and the what-if is reported as not built).
 */
function stubModule(loaded: Record<string, unknown>): string {
  const schemaNames = Object.keys(loaded).filter((name) => isZodSchema(loaded[name]));
  const lines: string[] = [];
  for (const [name, value] of Object.entries(loaded)) {
    if (isZodSchema(value)) continue;
    if (typeof value === 'function') {
      const source = value.toString();
      if (schemaNames.some((schema) => new RegExp(`\\b${schema}\\b`).test(source)) || /\bz\./.test(source))
        continue;
      lines.push(`export const ${name} = ${source};`);
    } else if (value instanceof RegExp) {
      lines.push(`export const ${name} = ${value.toString()};`);
    } else if (isJsonData(value)) {
      lines.push(`export const ${name} = ${JSON.stringify(value)};`);
    }
  }
  return lines.join('\n');
}

/** Where the what-if build reads its precompiled policies: next to the YAML file the function is given. */
export const PRECOMPILED_SUFFIX = '.resolved.json';

/**
 * What-if only (the product is unchanged): the handler as it would be if the policies were validated at
 * package time and shipped as resolved JSON. The policy modules the handler reaches are replaced by
 * zod-free stand-ins: `loadPolicyFile(path)` reads `<path>.resolved.json`; schema.ts and tags.ts keep
 * their constants and plain functions. Measures what precompiling would save in size and start time.
 */
export async function bundlePrecompiledWhatIf(
  serviceDir: string,
  outDir: string,
  modules: { schema: Record<string, unknown>; tags: Record<string, unknown> },
): Promise<Bundle> {
  const policyDir = join(serviceDir, 'shared', 'policy');
  const stubs: Record<string, string> = {
    'index.ts': [
      "import { readFile } from 'node:fs/promises';",
      `export async function loadPolicyFile(path) { return JSON.parse(await readFile(path + ${JSON.stringify(PRECOMPILED_SUFFIX)}, 'utf8')); }`,
    ].join('\n'),
    'schema.ts': stubModule(modules.schema),
    'tags.ts': stubModule(modules.tags),
  };
  const plugin: Plugin = {
    name: 'bench-precompiled-policies',
    setup(esbuild) {
      esbuild.onLoad({ filter: /[\\/]shared[\\/]policy[\\/][a-z]+\.ts$/ }, (args) => {
        const contents = stubs[basename(args.path)];
        if (dirname(args.path) !== policyDir || contents === undefined) return undefined;
        return { contents, loader: 'js', resolveDir: policyDir };
      });
    },
  };
  return bundle(serviceDir, 'functions/backup/handler.ts', outDir, [plugin]);
}

/**
 * A task root for a what-if bundle: a copy of a packaged task root with the bundle as its handler and the
 * resolved policies as JSON next to the policy file the function is given (`policiesFile`, relative).
 */
export function whatIfTaskRoot(
  taskRoot: string,
  bundleFile: string,
  policiesFile: string,
  resolved: unknown,
): { root: string; handlerFile: string } {
  const root = `${taskRoot}-precompiled`;
  cpSync(taskRoot, root, { recursive: true });
  const handlerFile = join(root, 'functions', 'backup', 'handler.mjs');
  copyFileSync(bundleFile, handlerFile);
  writeFileSync(join(root, `${policiesFile}${PRECOMPILED_SUFFIX}`), JSON.stringify(resolved));
  return { root, handlerFile };
}
