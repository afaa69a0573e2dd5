/**
 * Reads a request body up to a size limit (docs/api.md §5): 413 before the body is buffered whole, and the rest of an
 * oversized body is read and dropped (up to a cap) so the client gets to read the 413 instead of a reset.
 * @module
 */
import { ProcessApiError } from "../core/errors.ts";

/** Past this many dropped bytes the connection may simply close: a client sending that much is not listening. */
const DRAIN_CAP = 8 << 20;

/**
 * The body of `request` as text, at most `maxBytes` bytes.
 * @throws {ProcessApiError} `body_too_large` when the declared or actual size is over `maxBytes`; `invalid_json` when
 * it is not UTF-8.
 * @example
 * ```ts
 * const text = await readBody(c.req.raw, 1 << 20);
 * ```
 */
export async function readBody(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = new ProcessApiError("body_too_large", `Request body is larger than ${maxBytes} bytes.`);
  const body = request.body;
  if (!body) return "";
  const reader = body.getReader();
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) {
    await drain(reader, 0);
    throw tooLarge;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await drain(reader, size);
      throw tooLarge;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    // Replacing bad bytes with U+FFFD would run a command other than the one sent.
    throw new ProcessApiError("invalid_json", "Request body must be valid JSON.", "The body is not valid UTF-8.");
  }
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

interface ByteReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(): Promise<void>;
}

async function drain(reader: ByteReader, seen: number): Promise<void> {
  try {
    while (seen <= DRAIN_CAP) {
      const { done, value } = await reader.read();
      if (done || !value) return;
      seen += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The client went away mid-body: nothing left to answer.
  }
}
