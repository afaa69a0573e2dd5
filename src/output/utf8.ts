/**
 * UTF-8 boundary arithmetic on absolute byte offsets, matching the WHATWG decoder's idea of where one
 * character (or one U+FFFD for a bad sequence) ends and the next begins. Cutting only at these boundaries
 * makes pieces decoded separately concatenate to exactly what decoding the whole would give.
 * @module
 */

/** Reads the byte at an absolute offset; callers only ask for offsets they retain. */
export type ByteAt = (offset: number) => number;

// `ignoreBOM` keeps a leading U+FEFF: the bytes are the process's, not a file we are opening.
const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

/**
 * Decodes bytes to a string, turning every byte that is not part of a valid character into U+FFFD.
 * @example
 * ```ts
 * decodeUtf8(new Uint8Array([0x68, 0xff])); // "h\uFFFD"
 * ```
 */
export function decodeUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/**
 * Whether `byte` is a UTF-8 continuation byte (`10xxxxxx`).
 * @example
 * ```ts
 * isContinuation(0xa9); // true
 * ```
 */
export function isContinuation(byte: number): boolean {
  return (byte & 0xc0) === 0x80;
}

/**
 * Length of the sequence `lead` starts; 1 for ASCII and for bytes that can never start a character.
 * @example
 * ```ts
 * sequenceLength(0xe2); // 3
 * ```
 */
export function sequenceLength(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 1;
}

// The second byte's narrower ranges exclude overlongs, surrogates and code points past U+10FFFF.
function continues(lead: number, index: number, byte: number): boolean {
  if (index === 1) {
    if (lead === 0xe0) return byte >= 0xa0 && byte <= 0xbf;
    if (lead === 0xed) return byte >= 0x80 && byte <= 0x9f;
    if (lead === 0xf0) return byte >= 0x90 && byte <= 0xbf;
    if (lead === 0xf4) return byte >= 0x80 && byte <= 0x8f;
  }
  return isContinuation(byte);
}

/**
 * End of the unit that starts at boundary `start`: a whole character, or the bytes the decoder turns into
 * one U+FFFD. Never looks at `limit` or beyond.
 * @example
 * ```ts
 * const bytes = new TextEncoder().encode("€!");
 * unitEnd((i) => bytes[i]!, 0, bytes.length); // 3
 * ```
 */
export function unitEnd(at: ByteAt, start: number, limit: number): number {
  const lead = at(start);
  const length = sequenceLength(lead);
  let end = start + 1;
  while (end < start + length && end < limit && continues(lead, end - start, at(end))) end++;
  return end;
}

/**
 * Length (0 to 3) of a valid but unfinished sequence at the end of `[lo, end)`: bytes a later chunk may
 * complete, so a reader should not decode them yet.
 * @example
 * ```ts
 * const bytes = new Uint8Array([0x61, 0xe2, 0x82]); // "a" and two bytes of "€"
 * incompleteSuffixLength((i) => bytes[i]!, 0, 3); // 2
 * ```
 */
export function incompleteSuffixLength(at: ByteAt, lo: number, end: number): number {
  for (let back = 1; back <= 3; back++) {
    const start = end - back;
    if (start < lo) return 0;
    const byte = at(start);
    if (isContinuation(byte)) continue;
    return sequenceLength(byte) > back && unitEnd(at, start, end) === end ? back : 0;
  }
  return 0;
}

/**
 * Moves `offset` back to the start of the unit it falls inside, or keeps it when it is a boundary.
 * Bytes before `lo` are not looked at; bytes from `limit` on count as absent.
 * @example
 * ```ts
 * const bytes = new TextEncoder().encode("a€");
 * boundaryAtOrBefore((i) => bytes[i]!, 2, 0, bytes.length); // 1
 * ```
 */
export function boundaryAtOrBefore(at: ByteAt, offset: number, lo: number, limit: number): number {
  for (let back = 1; back <= 3; back++) {
    const start = offset - back;
    if (start < lo) return offset;
    const byte = at(start);
    if (isContinuation(byte)) continue;
    return sequenceLength(byte) > back && unitEnd(at, start, limit) > offset ? start : offset;
  }
  return offset;
}

/**
 * Moves `offset` forward to the end of the unit it falls inside, or keeps it when it is a boundary.
 * When the bytes before it are not retained (`offset - lo` too short to tell), leading continuation bytes
 * are skipped, at most three: no character can be more than three bytes past its start.
 * @example
 * ```ts
 * const bytes = new TextEncoder().encode("a€b");
 * boundaryAtOrAfter((i) => bytes[i]!, 2, 0, bytes.length); // 4
 * ```
 */
export function boundaryAtOrAfter(at: ByteAt, offset: number, lo: number, limit: number): number {
  for (let back = 1; back <= 3; back++) {
    const start = offset - back;
    if (start < lo) break;
    const byte = at(start);
    if (isContinuation(byte)) continue;
    if (sequenceLength(byte) <= back) return offset;
    return Math.max(offset, unitEnd(at, start, limit));
  }
  if (offset - 3 >= lo) return offset;
  let skipped = offset;
  while (skipped < limit && skipped - offset < 3 && isContinuation(at(skipped))) skipped++;
  return skipped;
}

/**
 * Byte length of `text` once encoded as UTF-8, without encoding it.
 * @example
 * ```ts
 * utf8ByteLength("é😀"); // 6
 * ```
 */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (isSurrogatePair(text, i)) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Whether a UTF-16 surrogate pair (one astral character, 4 UTF-8 bytes) starts at `index`.
 * @example
 * ```ts
 * isSurrogatePair("😀", 0); // true
 * ```
 */
export function isSurrogatePair(text: string, index: number): boolean {
  const high = text.charCodeAt(index);
  if (high < 0xd800 || high > 0xdbff) return false;
  const low = text.charCodeAt(index + 1);
  return low >= 0xdc00 && low <= 0xdfff;
}
