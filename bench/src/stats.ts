// Summary statistics of the bench: median and percentiles (nearest rank) of latency samples, and
// ratios of a figure to the best peer's in the same run.

/** Nearest-rank percentile (p in (0, 100]) of the samples; null when there are none. */
export function percentile(samples: readonly number[], p: number): number | null {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile p must be in (0, 100], got ${p}`);
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[rank - 1] ?? null;
}

/** The middle sample, or the mean of the two middle ones; null when there are none. */
export function median(samples: readonly number[]): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The best of the measured figures (lowest, or highest when higher is better); null if none was measured. */
export function best(values: ReadonlyArray<number | null>, lowerIsBetter: boolean): number | null {
  const measured = values.filter((value): value is number => value !== null && Number.isFinite(value));
  if (measured.length === 0) return null;
  return lowerIsBetter ? Math.min(...measured) : Math.max(...measured);
}

/** value / reference; null when either is missing or the reference is 0 (a ratio to nothing means nothing). */
export function ratio(value: number | null, reference: number | null): number | null {
  if (value === null || reference === null || reference === 0) return null;
  return value / reference;
}
