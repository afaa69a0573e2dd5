/**
 * Writes to stdout and stderr that wait for the stream to take the bytes, so a slow reader (a pipe into `less`)
 * slows the CLI down rather than filling its memory, and a reader that went away (`| head`) ends the output quietly.
 * @module
 */
import process from "node:process";
import type { Writable } from "node:stream";

const broken = new WeakSet<Writable>();

/**
 * Writes `text` and resolves once the stream has taken it (at once after the reader closed the pipe).
 * @example
 * ```ts
 * await writeOut("hello\n");
 * await writeOut("warning\n", process.stderr);
 * ```
 */
export function writeOut(text: string, stream: Writable = process.stdout): Promise<void> {
  if (text === "" || broken.has(stream)) return Promise.resolve();
  if (stream.listenerCount("error") === 0) stream.on("error", () => broken.add(stream));
  return new Promise((resolve) => {
    stream.write(text, (err) => {
      if (err) broken.add(stream);
      resolve();
    });
  });
}

/**
 * Writes one line (a newline is added) to stderr, prefixed `edgeproc: `.
 * @example
 * ```ts
 * await warn("12 bytes of output were lost");
 * ```
 */
export function warn(line: string): Promise<void> {
  return writeOut(`edgeproc: ${line}\n`, process.stderr);
}
