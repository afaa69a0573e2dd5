/**
 * `capOutput`: output cut to what a model is sent (32 KiB in coder), never inside a UTF-8 character.
 * @module
 */

import { omissionMarker as marker } from "../output/omission-marker.ts";
import { isContinuation as continuationByte } from "../output/utf8.ts";
import type { OutputResponse } from "../wire/response-schemas.ts";

type Truncation = NonNullable<OutputResponse["truncated"]>;

/** The most output bytes a tool result carries, as coder's `maxOutputToModel`. */
export const MAX_OUTPUT_TO_MODEL = 32 << 10;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const isContinuation = (byte: number | undefined) => byte !== undefined && continuationByte(byte);

/**
 * `text` if its UTF-8 form fits in `maxBytes`; else its head and its tail around an omission marker, all within
 * `maxBytes`. Coder keeps only the head; the tail is kept too because that is where a failing command says why.
 * A server snapshot (head + marker + tail) is itself a little over 32 KiB: pass its `omitted_bytes` and the cut
 * goes around the server's marker, which then counts every byte left out, the server's and ours.
 * @example
 * ```ts
 * capOutput("é".repeat(40_000)); // under 32768 bytes, whole characters only
 * capOutput(snapshot.output, MAX_OUTPUT_TO_MODEL, snapshot.truncated?.omitted_bytes);
 * ```
 */
export function capOutput(text: string, maxBytes = MAX_OUTPUT_TO_MODEL, omittedBytes?: number): string {
  return cap(text, maxBytes, omittedBytes)?.text ?? text;
}

/**
 * The output of a snapshot as a model gets it, with `truncated` describing what it sees: when the cap cut
 * again, the counts cover the server's omission and the tool's.
 * @example
 * ```ts
 * const { output, truncated } = capSnapshot(await client.output(id));
 * ```
 */
export function capSnapshot(
  snapshot: Pick<OutputResponse, "output" | "truncated">,
  maxBytes = MAX_OUTPUT_TO_MODEL,
): Pick<OutputResponse, "output" | "truncated"> {
  const capped = cap(snapshot.output, maxBytes, snapshot.truncated?.omitted_bytes);
  if (!capped) return { output: snapshot.output, truncated: snapshot.truncated };
  const truncated: Truncation = {
    original_bytes: snapshot.truncated?.original_bytes ?? encoder.encode(snapshot.output).length,
    retained_bytes: encoder.encode(capped.text).length,
    omitted_bytes: capped.dropped,
    strategy: "head_tail",
  };
  return { output: capped.text, truncated };
}

/** The cut text and the bytes its marker counts, or `null` when `text` fits. */
function cap(text: string, maxBytes: number, omittedBytes?: number): { text: string; dropped: number } | null {
  const bytes = encoder.encode(text);
  if (bytes.length <= maxBytes) return null;
  const serverMarker = omittedBytes ? marker(omittedBytes) : "";
  const at = serverMarker ? text.indexOf(serverMarker) : -1;
  if (at !== -1) {
    const head = encoder.encode(text.slice(0, at));
    const tail = encoder.encode(text.slice(at + serverMarker.length));
    return join(head, tail, omittedBytes!, maxBytes);
  }
  const middle = backToStart(bytes, bytes.length >> 1);
  return join(bytes.subarray(0, middle), bytes.subarray(middle), 0, maxBytes);
}

/** `head` + marker + `tail`, each side cut (head at its end, tail at its start) to fit `maxBytes`. */
function join(head: Uint8Array, tail: Uint8Array, omitted: number, maxBytes: number) {
  // Sized with the largest possible count, so the real marker is never longer.
  const budget = maxBytes - encoder.encode(marker(head.length + tail.length + omitted)).length;
  if (budget <= 0) {
    const end = backToStart(head, Math.min(head.length, maxBytes));
    return { text: decoder.decode(head.subarray(0, end)), dropped: omitted + head.length - end + tail.length };
  }
  const half = Math.floor(budget / 2);
  // A short side leaves its unused share to the other.
  const headKeep = Math.min(head.length, Math.max(half, budget - tail.length));
  const tailKeep = Math.min(tail.length, budget - headKeep);
  const headEnd = backToStart(head, headKeep);
  let tailStart = tail.length - tailKeep;
  while (isContinuation(tail[tailStart])) tailStart++;
  const dropped = omitted + (head.length - headEnd) + tailStart;
  const text = decoder.decode(head.subarray(0, headEnd)) + marker(dropped) + decoder.decode(tail.subarray(tailStart));
  return { text, dropped };
}

/** The largest index ≤ `end` that starts a character. */
function backToStart(bytes: Uint8Array, end: number): number {
  let i = end;
  while (i > 0 && isContinuation(bytes[i])) i--;
  return i;
}
