/** What bench/probe.mjs writes (see the comment at its top). */
export interface TracedRequest {
  /** Signing name from the credential scope: `rds`, `dynamodb`, `events`, `sns`. */
  service: string;
  region: string;
  /** performance.now() of the child (ms since its process started). */
  start: number;
  end: number;
  status: number;
}

export interface ProbeOut {
  importMs: number;
  startToImportEndMs: number;
  parseMs?: number;
  policies?: number;
  invokeStart?: number;
  invokeMs?: number;
  /** The invocation's start and end on the monotonic clock of CPU profiles (process.hrtime, µs). */
  invokeStartUs?: number;
  invokeEndUs?: number;
  /** CPU time (user + system) the process spent during the invocation. */
  invokeCpuMs?: number;
  // biome-ignore lint/suspicious/noExplicitAny: the handler's JSON result, checked where it is read
  result?: any;
  error?: { name: string; message: string };
  maxRssKb: number;
  requests: TracedRequest[];
}

/** The most requests in flight at once, overall or for the given services. */
export function peakInFlight(requests: readonly TracedRequest[], services?: readonly string[]): number {
  const edges: [number, number][] = [];
  for (const r of requests) {
    if (services && !services.includes(r.service)) continue;
    edges.push([r.start, 1], [Number.isNaN(r.end) ? Number.POSITIVE_INFINITY : r.end, -1]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let peak = 0;
  for (const [, delta] of edges) {
    current += delta;
    peak = Math.max(peak, current);
  }
  return peak;
}

/** First start and last end of a service's requests, relative to `origin`; undefined when it made none. */
export function span(
  requests: readonly TracedRequest[],
  services: readonly string[],
  origin: number,
): { from: number; to: number } | undefined {
  const mine = requests.filter((r) => services.includes(r.service));
  if (mine.length === 0) return undefined;
  return {
    from: Math.min(...mine.map((r) => r.start)) - origin,
    to: Math.max(...mine.map((r) => r.end)) - origin,
  };
}

/** Time between the first request's start and the last one's end with no request in flight at all. */
export function idleTime(requests: readonly TracedRequest[]): number {
  const sorted = requests
    .filter((r) => !Number.isNaN(r.end))
    .map((r) => [r.start, r.end] as const)
    .sort((a, b) => a[0] - b[0]);
  let idle = 0;
  let reach = sorted[0]?.[1] ?? 0;
  for (const [start, end] of sorted) {
    if (start > reach) idle += start - reach;
    reach = Math.max(reach, end);
  }
  return idle;
}
