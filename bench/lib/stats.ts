/**
 * Small statistics for noisy measurements: median and spread of a sample, never a single run.
 * @example summarize([3, 1, 2]) // { n: 3, median: 2, min: 1, max: 3, p10: 1.2, p90: 2.8 }
 */
export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  p10: number;
  p90: number;
}

/** The q-quantile (0–1) of sorted values, linearly interpolated. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const a = sorted[low] as number;
  const b = sorted[high] as number;
  return a + (b - a) * (position - low);
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
    p10: quantile(sorted, 0.1),
    p90: quantile(sorted, 0.9),
  };
}

/** `median [min–max]` for a few runs, `median [p10–p90]` from 20 runs on. */
export function spread(summary: Summary, format: (value: number) => string): string {
  if (summary.n >= 20) return `p10–p90 ${format(summary.p10)}–${format(summary.p90)}`;
  return `min–max ${format(summary.min)}–${format(summary.max)}`;
}

export const ms = (value: number): string => `${value.toFixed(value < 100 ? 1 : 0)} ms`;
export const seconds = (value: number): string => `${(value / 1000).toFixed(2)} s`;
export const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
export const mib = (kilobytes: number): string => `${(kilobytes / 1024).toFixed(1)} MiB`;
export const ratio = (value: number): string => `${value.toFixed(2)}x`;
