/**
 * A seeded pseudo-random source for tests, so a failure reproduces from its seed.
 * @module
 */

/**
 * mulberry32: a function giving integers in `[0, below)`.
 * @example
 * ```ts
 * const next = random(42);
 * next(10); // the same number on every run
 * ```
 */
export function random(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
}
