/**
 * Reads a request body up to a size limit and a deadline (docs/api.md §5): 413 before the body is buffered whole,
 * and the rest of an oversized body is read and dropped (up to a cap) so the client gets to read the 413 instead
 * of a reset; 408 when the body is not in by its deadline.
 * @module
 */
import { ProcessApiError } from "../core/errors.ts";
import { bodySource } from "./body-source.ts";
import type { BodyDeadline } from "./request-deadline.ts";

/** Past this many dropped bytes the connection may simply close: a client sending that much is not listening. */
const DRAIN_CAP = 8 << 20;
/** Where the stream lets us choose, the first read asks for this much, and each read that fills up twice as much. */
const FIRST_READ_BYTES = 4 << 10;
const MAX_READ_BYTES = 64 << 10;
/** setTimeout's longest delay: a longer one fires at once, on Node, Bun and Deno alike. */
const MAX_DELAY_MS = 2 ** 31 - 1;

interface ByteReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(): Promise<void>;
}

/**
 * The body of `request` as text, at most `maxBytes` bytes, all of it in before `deadline` if there is one.
 *
 * At the deadline the read still pending is left to the runtime, not cancelled: the 408 says `Connection: close`,
 * and the runtime frees the body with its connection. Cancelling a pending read leaks its buffer on Deno 2.9
 * (500 stalled bodies: +35 MiB a wave that never comes back, docs/load.md).
 * @throws {ProcessApiError} `body_too_large` when the declared or actual size is over `maxBytes`;
 *   `request_timeout` when the deadline passes first.
 * @example
 * ```ts
 * const text = await readBody(c.req.raw, 1 << 20, bodyDeadline(c.req.raw));
 * ```
 */
export async function readBody(request: Request, maxBytes: number, deadline?: BodyDeadline): Promise<string> {
  const source = bodySource(request);
  const body = source ? null : request.body;
  if (!source && !body) return "";
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  const progress = { bytes: 0, late: false };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let reader = source ? sourceReader(source) : byteReader(body!);
  if (deadline) {
    const late = new Promise<{ done: true }>((resolve) => {
      const fire = () => ((progress.late = true), resolve({ done: true }));
      timer = setTimeout(fire, Math.min(MAX_DELAY_MS, Math.max(0, deadline.at - performance.now())));
    });
    const inner = reader;
    reader = { read: () => Promise.race([inner.read(), late]), cancel: () => inner.cancel() };
  }
  try {
    const bytes = await readAll(reader, declared, maxBytes, progress);
    if (!progress.late) return strictUtf8(bytes);
  } finally {
    clearTimeout(timer);
  }
  throw lateBody(deadline!, progress.bytes, declared);
}

/**
 * Whether request bodies here are byte streams, found out on the first body. Where it was not one (Node's server
 * adapter, Bun) no later body is tried, as a failed try costs Node ~45 µs (its error formats the stream); once one
 * was (Deno), every body is tried, so a stray other body never costs Deno its small reads.
 */
let bodiesAreByteStreams: boolean | undefined;

/**
 * A reader of `body` that reads into buffers of our size where the stream allows it, else the stream's own reader
 * (Node's and Bun's). Deno's is a byte stream whose own reads take ~190 KiB each while a body stalls
 * (docs/load.md); reads that start small and grow only while the body keeps coming take a few KiB.
 */
function byteReader(body: ReadableStream<Uint8Array>): ByteReader {
  let byob: ReadableStreamBYOBReader;
  if (bodiesAreByteStreams === false) return body.getReader();
  try {
    byob = body.getReader({ mode: "byob" });
    bodiesAreByteStreams = true;
  } catch {
    bodiesAreByteStreams ??= false;
    return body.getReader();
  }
  let size = FIRST_READ_BYTES;
  return {
    async read() {
      const result = await byob.read(new Uint8Array(size));
      if (result.value?.byteLength === size) size = Math.min(MAX_READ_BYTES, size * 2);
      return result;
    },
    cancel: () => byob.cancel(),
  };
}

/** A reader over the chunks a server adapter hands over itself ({@link bodySource}). */
function sourceReader(source: AsyncIterable<Uint8Array>): ByteReader {
  const chunks = source[Symbol.asyncIterator]();
  return {
    read: async () => {
      const { done, value } = await chunks.next();
      return done ? { done: true } : { done: false, value };
    },
    cancel: async () => void (await chunks.return?.()),
  };
}

async function readAll(reader: ByteReader, declared: number, maxBytes: number, progress: { bytes: number }) {
  // Made only when thrown: an error's stack costs every request a few microseconds.
  const tooLarge = () => new ProcessApiError("body_too_large", `Request body is larger than ${maxBytes} bytes.`);
  if (declared > maxBytes) {
    await drain(reader, 0);
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read().catch(() => {
      // The client went away mid-body (the runtime errors the stream): no one reads the answer, but it is no bug
      // of ours to log as a 500.
      throw new ProcessApiError("invalid_json", "Request body must be valid JSON.", "The body was cut off.");
    });
    if (done || !value) break;
    progress.bytes += value.byteLength;
    if (progress.bytes > maxBytes) {
      await drain(reader, progress.bytes);
      throw tooLarge();
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

/** Reads and drops the rest of an oversized body, up to the cap; it stops at the deadline like any read. */
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

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

/** The body as text; bytes that are not UTF-8 are a 400, as replacing them would run another command than sent. */
function strictUtf8(bytes: Uint8Array): string {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    throw new ProcessApiError("invalid_json", "Request body must be valid JSON.", "The body is not valid UTF-8.");
  }
}
