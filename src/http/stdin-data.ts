/**
 * The `data` of a stdin write (docs/api.md §4.6), decoded to bytes and checked against the size limit.
 * @module
 */
import { ProcessApiError } from "../core/errors.ts";

const encoder = new TextEncoder();

/**
 * The bytes of `data` in `encoding`.
 * @throws {ProcessApiError} 400 for bad base64, 413 over `maxBytes`.
 * @example
 * ```ts
 * decodeStdin("aGkK", "base64", 1 << 20); // Uint8Array [104, 105, 10]
 * ```
 */
export function decodeStdin(data: string, encoding: "utf8" | "base64", maxBytes: number): Uint8Array {
  let bytes: Uint8Array;
  if (encoding === "base64") {
    let binary: string;
    try {
      binary = atob(data);
    } catch {
      throw new ProcessApiError("invalid_request", "data is not valid base64.", undefined, [
        { field: "data", detail: "not valid base64" },
      ]);
    }
    bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  } else {
    bytes = encoder.encode(data);
  }
  if (bytes.byteLength > maxBytes) {
    throw new ProcessApiError("body_too_large", `Stdin data is larger than ${maxBytes} bytes.`);
  }
  return bytes;
}
