/**
 * What a process spends its CPU on, from a V8 CPU profile (`node --cpu-prof`, or the inspector's Profiler
 * for the bench's own process): self time per function and per package, located in the original sources
 * through a source map where there is one (the minified handler.mjs), and which of it is our own code.
 */
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { SourceMap } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

/** The parts of V8's `Profiler.Profile` this reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  /** Function name (from the source map where it has one). */
  name: string;
  /** Original source and line, e.g. `node_modules/@smithy/signature-v4/dist-es/SignatureV4.js:120`. */
  location: string;
  /** Package or area, e.g. `@smithy/signature-v4`, `shared/backup`, `node: crypto`, `(garbage collector)`. */
  group: string;
  ours: boolean;
  ms: number;
  /** Share of the busy (non-idle) time. */
  share: number;
}

export interface ProfileSummary {
  /** Sampled time in the window, idle included. */
  sampledMs: number;
  /** Sampled time not idle. */
  busyMs: number;
  top: ProfileEntry[];
  groups: { group: string; ours: boolean; ms: number; share: number }[];
  oursMs: number;
  /** 1-based rank of our best function among all functions, undefined when none of ours was sampled. */
  oursBestRank?: number;
  oursBest?: ProfileEntry;
  /** False when the window did not fall inside the profile and the whole profile was used instead. */
  windowed: boolean;
}

/** Where our code lives, for each profile: the product (functions/, shared/) or the emulator (local/). */
export type OursTest = (source: string) => boolean;
export const PRODUCT_CODE: OursTest = (source) => /^(functions|shared)\//.test(source);
export const EMULATOR_CODE: OursTest = (source) => /^local\//.test(source);

const SPECIAL = new Set(['(garbage collector)', '(program)', '(idle)', '(root)']);

function groupOf(source: string): string {
  const at = source.lastIndexOf('node_modules/');
  if (at >= 0) {
    const parts = source.slice(at + 'node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? source);
  }
  if (source.startsWith('node:')) {
    const path = source.slice('node:'.length).replace(/^internal\//, '');
    return `node: ${path.split('/')[0]}`;
  }
  // Our own files group by directory: shared/backup/engine.ts → shared/backup, local/xml.ts → local.
  const slash = source.lastIndexOf('/');
  return slash > 0 ? source.slice(0, slash) : source;
}

/**
 * Maps generated positions to original sources: a source map for `bundleUrl` (the minified handler),
 * paths relative to `root` for everything else.
 */
export function locator(
  root: string,
  bundle?: { url: string; mapFile: string },
): (frame: CallFrame) => { source: string; line: number; name?: string } {
  const map = bundle
    ? new SourceMap(
        JSON.parse(readFileSync(bundle.mapFile, 'utf8')) as ConstructorParameters<typeof SourceMap>[0],
      )
    : undefined;
  return (frame) => {
    if (map && bundle && frame.url === bundle.url) {
      const entry = map.findEntry(frame.lineNumber, frame.columnNumber) as {
        originalSource?: string;
        originalLine?: number;
        name?: string;
      };
      if (entry.originalSource) {
        const source = entry.originalSource
          .replace(/^(\.\.\/)+/, '')
          .replace(/^.*?node_modules\//, 'node_modules/');
        return { source, line: (entry.originalLine ?? 0) + 1, name: entry.name };
      }
      return { source: 'handler.mjs (unmapped)', line: frame.lineNumber + 1 };
    }
    if (frame.url.startsWith('file://')) {
      const path = relative(root, fileURLToPath(frame.url));
      return { source: path.replace(/^.*?node_modules\//, 'node_modules/'), line: frame.lineNumber + 1 };
    }
    // Built-ins without a script (writev, runMicrotasks, …) are the runtime's own work.
    return { source: frame.url || '(native)', line: frame.url ? frame.lineNumber + 1 : 0 };
  };
}

/**
 * Self time per function and per group within `windowUs` (profile clock, µs), ranked.
 * @example summarizeProfile(profile, { locate: locator(ROOT), ours: PRODUCT_CODE, top: 12 }).top[0].name
 */
export function summarizeProfile(
  profile: CpuProfile,
  options: {
    locate: ReturnType<typeof locator>;
    ours: OursTest;
    top: number;
    windowUs?: [number, number];
  },
): ProfileSummary {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const window = options.windowUs;
  const windowed =
    window !== undefined && window[0] >= profile.startTime && window[1] <= profile.endTime + 1000;
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    const duration = profile.timeDeltas[i + 1] ?? 0;
    if (windowed && window && (at < window[0] || at > window[1])) continue;
    const id = profile.samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + duration);
  }
  const byFunction = new Map<string, Omit<ProfileEntry, 'share'>>();
  let sampledUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    sampledUs += us;
    const frame = frames.get(id) as CallFrame;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const special = SPECIAL.has(frame.functionName) && !frame.url;
    const where = special ? { source: frame.functionName, line: 0 } : options.locate(frame);
    const name = special ? frame.functionName : where.name || frame.functionName || '(anonymous)';
    // A line of 1 or less is no line (native frames; tsx's transformed modules report none).
    const location = special ? '' : where.line > 1 ? `${where.source}:${where.line}` : where.source;
    const key = `${name}@${location}`;
    const entry = byFunction.get(key) ?? {
      name,
      location,
      group: special ? frame.functionName : groupOf(where.source),
      ours: !special && options.ours(where.source),
      ms: 0,
    };
    entry.ms += us / 1000;
    byFunction.set(key, entry);
  }
  const busyMs = (sampledUs - idleUs) / 1000;
  const share = (ms: number) => (busyMs > 0 ? ms / busyMs : 0);
  const ranked = [...byFunction.values()]
    .sort((a, b) => b.ms - a.ms)
    .map((entry) => ({ ...entry, share: share(entry.ms) }));
  const groups = new Map<string, { group: string; ours: boolean; ms: number }>();
  for (const entry of ranked) {
    const group = groups.get(entry.group) ?? { group: entry.group, ours: entry.ours, ms: 0 };
    group.ms += entry.ms;
    groups.set(entry.group, group);
  }
  const oursIndex = ranked.findIndex((entry) => entry.ours);
  return {
    sampledMs: sampledUs / 1000,
    busyMs,
    top: ranked.slice(0, options.top),
    groups: [...groups.values()].sort((a, b) => b.ms - a.ms).map((g) => ({ ...g, share: share(g.ms) })),
    oursMs: ranked.filter((entry) => entry.ours).reduce((sum, entry) => sum + entry.ms, 0),
    oursBestRank: oursIndex >= 0 ? oursIndex + 1 : undefined,
    oursBest: oursIndex >= 0 ? ranked[oursIndex] : undefined,
    windowed,
  };
}

/**
 * Profiles this process (the emulator answering a child) while `work` runs.
 * @example const { value, profile } = await profileThisProcess(() => fleetRun(...))
 */
export async function profileThisProcess<T>(
  work: () => Promise<T>,
): Promise<{ value: T; profile: CpuProfile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 1000 });
    await session.post('Profiler.start');
    const outcome = await work().then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    if (!outcome.ok) throw outcome.error;
    return { value: outcome.value, profile };
  } finally {
    session.disconnect();
  }
}
