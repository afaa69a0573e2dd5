/**
 * Summary statistics of latency samples, and the ratio helpers the bench tables print.
 * @module
 */

/** Median, tail percentiles and spread of one set of samples (same unit as the samples). */
export interface Summary {
  n: number;
  median: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

/**
 * Nearest-rank percentile of already sorted samples.
 * @example
 * ```ts
 * percentile([1, 2, 3, 4], 50); // 2
 * ```
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/**
 * The {@link Summary} of `samples` (they need not be sorted).
 * @example
 * ```ts
 * summarize([3, 1, 2]).median; // 2
 * ```
 */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    median: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

/**
 * `value / baseline`, or `null` when there is no baseline to compare with.
 * @example
 * ```ts
 * ratio(6, 4); // 1.5
 * ```
 */
export function ratio(value: number, baseline: number | undefined | null): number | null {
  if (baseline === undefined || baseline === null || !Number.isFinite(baseline) || baseline <= 0) return null;
  return value / baseline;
}

/**
 * A number for a table cell: fixed decimals, `-` for a missing value.
 * @example
 * ```ts
 * fmt(1.23456, 2); // "1.23"
 * ```
 */
export function fmt(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "-" : value.toFixed(digits);
}

/**
 * A ratio for a table cell, e.g. `1.23×`.
 * @example
 * ```ts
 * fmtRatio(0.5); // "0.50×"
 * ```
 */
export function fmtRatio(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "-" : `${value.toFixed(2)}×`;
}
