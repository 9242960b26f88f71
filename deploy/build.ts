/**
 * The esbuild build of every function serverless.yml deploys, run before `serverless` so a build error
 * fails in seconds with esbuild's own message: serverless-esbuild hangs on one instead of failing. The
 * options are serverless.yml's `custom.esbuild` (read from the file, not restated) mapped the way
 * serverless-esbuild maps them; the entries are the functions' `handler`s. Nothing is written: the
 * bundles serverless-esbuild then builds and zips are the ones deployed (see docs/deploy.md).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BuildOptions, build, formatMessages, type Message } from 'esbuild';
import { parse } from 'yaml';

/** How long the build may take before it is reported as hung. */
export const BUILD_TIMEOUT_MS = 120_000;

/** The build failed (esbuild's formatted messages) or did not finish in time. */
export class BuildError extends Error {
  override readonly name = 'BuildError';
}

/** What serverless.yml says about the functions and their bundling. */
export interface ServiceBuild {
  /** `service:` of serverless.yml. */
  service: string;
  /** `provider.stage`'s default when no `--stage` is given (`${opt:stage, 'dev'}` → `dev`). */
  defaultStage: string;
  /** Function key → handler source file, relative to the service directory. */
  entries: Record<string, string>;
  /** serverless.yml's `custom.esbuild`, as esbuild options. */
  options: BuildOptions;
}

/** serverless-esbuild options that are not esbuild's, or that it maps itself. */
const PLUGIN_ONLY = new Set([
  'exclude',
  'outputFileExtension',
  'packager',
  'packagerOptions',
  'installExtraArgs',
  'watch',
  'keepOutputDirectory',
  'nativeZip',
  'outputWorkFolder',
  'outputBuildFolder',
  'concurrency',
  'zipConcurrency',
  'disableIncremental',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
]);

/**
 * Reads serverless.yml: the service name, the default stage, each function's handler source and the
 * esbuild options. CloudFormation tags (`!Ref`, `!GetAtt`) are read as plain values.
 * @example (await readServiceBuild('/work/main')).entries // { backup: 'functions/backup/handler.ts', reconcile: 'functions/reconcile/handler.ts' }
 */
export async function readServiceBuild(serviceDir: string): Promise<ServiceBuild> {
  const text = await readFile(join(serviceDir, 'serverless.yml'), 'utf8');
  const yml = parse(text, { logLevel: 'silent' }) as {
    service: string;
    provider?: { stage?: string };
    custom?: { esbuild?: Record<string, unknown> };
    functions?: Record<string, { handler?: string }>;
  };
  const entries: Record<string, string> = {};
  for (const [name, fn] of Object.entries(yml.functions ?? {})) {
    if (!fn.handler) continue;
    const base = fn.handler.slice(0, fn.handler.lastIndexOf('.'));
    const file = ['.ts', '.mts', '.js', '.mjs'].map((ext) => `${base}${ext}`);
    entries[name] = file.find((candidate) => existsSync(join(serviceDir, candidate))) ?? file[0]!;
  }
  const plugin = yml.custom?.esbuild ?? {};
  const options: BuildOptions = Object.fromEntries(
    Object.entries(plugin).filter(([key]) => !PLUGIN_ONLY.has(key)),
  );
  if (typeof plugin.outputFileExtension === 'string')
    options.outExtension = { '.js': plugin.outputFileExtension };
  if (Array.isArray(plugin.exclude) && plugin.exclude.length > 0)
    options.external = plugin.exclude as string[];
  const stage = /^\$\{opt:stage,\s*['"]?([^'"}]+)['"]?\}$/.exec(yml.provider?.stage ?? '')?.[1];
  return { service: yml.service, defaultStage: stage ?? yml.provider?.stage ?? 'dev', entries, options };
}

/**
 * Bundles every function as serverless-esbuild would, in memory, within `timeoutMs`. Throws a
 * `BuildError` with esbuild's messages (file:line:column, the code, a caret) or a timeout message.
 * @example await buildFunctions('/work/main') // { backup: 812345, reconcile: 790123 } (bytes per bundle)
 */
export async function buildFunctions(
  serviceDir: string,
  timeoutMs: number = BUILD_TIMEOUT_MS,
): Promise<Record<string, number>> {
  const service = await readServiceBuild(serviceDir);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new BuildError(
            `the esbuild build of ${Object.values(service.entries).join(', ')} did not finish in ${Math.round(timeoutMs / 1000)} s`,
          ),
        ),
      timeoutMs,
    );
  });
  const one = async (entry: string): Promise<number> => {
    try {
      const result = await build({
        ...service.options,
        absWorkingDir: serviceDir,
        entryPoints: [entry],
        outdir: join(serviceDir, '.esbuild-check'),
        write: false,
        logLevel: 'silent',
      });
      return result.outputFiles.reduce((sum, file) => sum + file.contents.length, 0);
    } catch (error) {
      const errors = (error as { errors?: Message[] }).errors;
      if (!errors?.length) throw error;
      const text = await formatMessages(errors, { kind: 'error', color: false });
      throw new BuildError(`esbuild could not build ${entry}:\n${text.join('').trimEnd()}`);
    }
  };
  try {
    const names = Object.keys(service.entries);
    const sizes = await Promise.race([
      Promise.all(names.map((name) => one(service.entries[name]!))),
      timeout,
    ]);
    return Object.fromEntries(names.map((name, i) => [name, sizes[i]!]));
  } finally {
    clearTimeout(timer);
  }
}
