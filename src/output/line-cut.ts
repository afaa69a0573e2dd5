/**
 * Cutting of over-long lines in output snapshots (docs/api.md §3.3): one minified bundle or progress bar must
 * not eat an agent's whole context.
 * @module
 */

import { isSurrogatePair, utf8ByteLength } from "./utf8.ts";

/** The default longest line of a snapshot, in UTF-8 bytes; also the part of a line `until=match` looks at. */
export const MAX_LINE_BYTES = 2048;

/** What replaces the end of a line that was cut. */
export const LINE_CUT_SUFFIX = " ... [truncated]";

/** UTF-8 byte length of {@link LINE_CUT_SUFFIX}. */
export const LINE_CUT_SUFFIX_BYTES = 16;

/**
 * Cuts every `\n`-separated line longer than `maxLineBytes` UTF-8 bytes to at most `maxLineBytes` bytes,
 * the last 16 of them {@link LINE_CUT_SUFFIX}. Never splits a character; newlines are kept.
 * @example
 * ```ts
 * cutLongLines("ok\n" + "x".repeat(3000), 2048); // "ok\n" + "x".repeat(2032) + " ... [truncated]"
 * ```
 */
export function cutLongLines(text: string, maxLineBytes: number): string {
  // A UTF-16 unit never takes more than 3 UTF-8 bytes, so short text needs no counting.
  if (text.length * 3 <= maxLineBytes) return text;
  let result = "";
  let copiedUpTo = 0;
  let cut = false;
  let lineStart = 0;
  while (lineStart <= text.length) {
    const newline = text.indexOf("\n", lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    if ((lineEnd - lineStart) * 3 > maxLineBytes) {
      const line = text.slice(lineStart, lineEnd);
      if (utf8ByteLength(line) > maxLineBytes) {
        result += text.slice(copiedUpTo, lineStart) + cutLine(line, maxLineBytes);
        copiedUpTo = lineEnd;
        cut = true;
      }
    }
    if (newline === -1) break;
    lineStart = newline + 1;
  }
  return cut ? result + text.slice(copiedUpTo) : text;
}

function cutLine(line: string, maxLineBytes: number): string {
  const keep = Math.max(0, maxLineBytes - LINE_CUT_SUFFIX_BYTES);
  let bytes = 0;
  let index = 0;
  while (index < line.length) {
    const unit = line.charCodeAt(index);
    const pair = isSurrogatePair(line, index);
    const width = unit < 0x80 ? 1 : unit < 0x800 ? 2 : pair ? 4 : 3;
    if (bytes + width > keep) break;
    bytes += width;
    index += pair ? 2 : 1;
  }
  return line.slice(0, index) + LINE_CUT_SUFFIX;
}
