/**
 * Reads a child's output stream until it ends, handing each chunk on: from a byte stream into one reused buffer
 * (no garbage per chunk, as the output log copies what it keeps), else chunk by chunk.
 * @module
 */

/** Bytes of a process's first read from a byte stream; each full read doubles it, up to a pipe's 64 KiB. */
const FIRST_READ_BYTES = 4096;
const MAX_READ_BYTES = 64 * 1024;

/**
 * Pumps `stream` into `onChunk` until EOF or a pipe error (which ends capture like EOF does). A chunk is only
 * valid during the call: its buffer is reused by the next read. `byteStream: false` skips the try of a BYOB reader.
 * @example
 * ```ts
 * await pumpOutput(child.output, (bytes) => log.append(bytes));
 * ```
 */
export async function pumpOutput(
  stream: ReadableStream<Uint8Array>,
  onChunk: (bytes: Uint8Array) => void,
  byteStream?: boolean,
): Promise<void> {
  const byob = byteStream === false ? null : byobReader(stream);
  const plain = byob ? null : (stream.getReader() as ReadableStreamDefaultReader<Uint8Array>);
  let buffer = new ArrayBuffer(byob ? FIRST_READ_BYTES : 0);
  try {
    for (;;) {
      const { done, value } = byob
        ? ((await byob.read(new Uint8Array(buffer))) as { done: boolean; value?: Uint8Array })
        : await plain!.read();
      if (done || !value) break;
      // A full read asks for a bigger buffer, so an idle process holds little and a busy one reads a pipe's worth.
      // Taken before anything else: the read took the old buffer over, so it must not be handed out again.
      if (byob) buffer = nextBuffer(value.buffer as ArrayBuffer, value.byteLength);
      onChunk(value);
    }
  } catch {
    // A pipe error ends capture like EOF does; the exit status still comes from the shell.
  }
}

/** The buffer for the next read: the one just read into (the read took it over), or a twice bigger one. */
function nextBuffer(used: ArrayBuffer, filled: number): ArrayBuffer {
  return filled === used.byteLength && used.byteLength < MAX_READ_BYTES ? new ArrayBuffer(used.byteLength * 2) : used;
}

/** A BYOB reader when `stream` is a byte stream (the Deno spawner's), else `null`. */
function byobReader(stream: ReadableStream<Uint8Array>): ReadableStreamBYOBReader | null {
  try {
    return stream.getReader({ mode: "byob" });
  } catch {
    return null;
  }
}
