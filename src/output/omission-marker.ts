/**
 * The marker a head + tail snapshot puts where it left bytes out (docs/api.md §3.3). The agent tools cut around it
 * again, so it is defined once, here.
 * @module
 */

/**
 * The marker for `omitted` bytes left out.
 * @example
 * ```ts
 * omissionMarker(2); // "\n\n... [omitted 2 bytes] ...\n\n"
 * ```
 */
export function omissionMarker(omitted: number): string {
  return `\n\n... [omitted ${omitted} bytes] ...\n\n`;
}
