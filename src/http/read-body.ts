/**
 * Reads a request body up to a size limit and a deadline (docs/api.md §5): 413 before the body is buffered whole,
 * and the rest of an oversized body is read and dropped (up to a cap) so the client gets to read the 413 instead
 * of a reset; 408 when the body is not in by its deadline, with the reader cancelled so the runtime frees it.
 * @module
 */
import { ProcessApiError } from "../core/errors.ts";
import type { BodyDeadline } from "./request-deadline.ts";

/** Past this many dropped bytes the connection may simply close: a client sending that much is not listening. */
const DRAIN_CAP = 8 << 20;

interface ByteReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(): Promise<void>;
}

/**
 * The body of `request` as text, at most `maxBytes` bytes, all of it in before `deadline` if there is one.
 * @throws {ProcessApiError} `body_too_large` when the declared or actual size is over `maxBytes`;
 *   `request_timeout` when the deadline passes first.
 * @example
 * ```ts
 * const text = await readBody(c.req.raw, 1 << 20, bodyDeadline(c.req.raw));
 * ```
 */
export async function readBody(request: Request, maxBytes: number, deadline?: BodyDeadline): Promise<string> {
  const body = request.body;
  if (!body) return "";
  const reader = body.getReader();
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  const progress = { bytes: 0, late: false };
  const timer = deadline && setTimeout(() => {
    progress.late = true;
    // Settles the pending read as done; the runtime then drops what it holds of this body.
    reader.cancel().catch(() => undefined);
  }, Math.max(0, deadline.at - performance.now()));
  try {
    const bytes = await readAll(reader, declared, maxBytes, progress);
    if (!progress.late) return new TextDecoder().decode(bytes);
  } catch (err) {
    // A read the cancel broke (Deno rejects it) is the deadline's doing; a 413 already decided stands.
    if (!progress.late || (err instanceof ProcessApiError && err.code === "body_too_large")) throw err;
  } finally {
    clearTimeout(timer);
  }
  throw lateBody(deadline!, progress.bytes, declared);
}

async function readAll(reader: ByteReader, declared: number, maxBytes: number, progress: { bytes: number }) {
  const tooLarge = new ProcessApiError("body_too_large", `Request body is larger than ${maxBytes} bytes.`);
  if (declared > maxBytes) {
    await drain(reader, 0);
    throw tooLarge;
  }
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done || !value) break;
    progress.bytes += value.byteLength;
    if (progress.bytes > maxBytes) {
      await drain(reader, progress.bytes);
      throw tooLarge;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(progress.bytes);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
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

function lateBody(deadline: BodyDeadline, received: number, declared: number): ProcessApiError {
  const of = Number.isFinite(declared) ? ` of the ${declared} its Content-Length announced` : "";
  return new ProcessApiError(
    "request_timeout",
    `Request body did not arrive within ${deadline.timeoutMs} ms.`,
    `${received} bytes${of} arrived in time; nothing was run. The limit is --request-timeout-ms.`,
  );
}
