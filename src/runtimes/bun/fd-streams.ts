/**
 * Web streams over a pipe fd of ours, on Bun: `Bun.file(fd)` polls a non-blocking fd on the event loop.
 * @module
 */
import type { BunApi } from "./bun-api.ts";
import { closeQuietly } from "../posix/pipe-maker.ts";
import type { GcValve } from "./gc-valve.ts";

/**
 * The read end as a stream that closes the fd at its end: `Bun.file(fd)` reads it without polling a thread, but
 * never closes an fd it did not open. Pulls only when read, so an idle consumer lets the pipe fill.
 * @example
 * ```ts
 * const output = fdReadable(bunGlobal("output"), ends.ours);
 * ```
 */
export function fdReadable(bun: BunApi, fd: number, valve?: GcValve): ReadableStream<Uint8Array> {
  const reader = bun.file(fd).stream().getReader();
  let open = true;
  const close = () => {
    if (open) closeQuietly(fd);
    open = false;
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (!done) {
            valve?.read(value.byteLength);
            return controller.enqueue(value);
          }
          close();
          controller.close();
        } catch (error) {
          close();
          controller.error(error);
        }
      },
      async cancel(reason) {
        await reader.cancel(reason).catch(() => {});
        close();
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * The write end as a stream: each write settles once the bytes reached the pipe, so a full pipe holds the writer.
 * Bun's FileSink reports EPIPE once and swallows later writes, so the first error sticks. Closes the fd at the end.
 * @example
 * ```ts
 * const stdin = fdWritable(bunGlobal("stdin"), ends.ours);
 * ```
 */
export function fdWritable(bun: BunApi, fd: number): WritableStream<Uint8Array> {
  const sink = bun.file(fd).writer();
  let failure: unknown = null;
  let open = true;
  const close = () => {
    if (open) closeQuietly(fd);
    open = false;
  };
  const settle = async (step: () => number | Promise<number>) => {
    if (failure) throw failure;
    try {
      await step();
    } catch (error) {
      failure = brokenPipe(error);
      throw failure;
    }
  };
  return new WritableStream<Uint8Array>({
    write: async (chunk) => {
      await settle(() => sink.write(chunk));
      await settle(() => sink.flush());
    },
    close: async () => {
      try {
        await settle(() => sink.end());
      } finally {
        close();
      }
    },
    abort: () => {
      close();
    },
  });
}

function brokenPipe(reason: unknown): unknown {
  if (reason instanceof Error) return reason;
  return Object.assign(new Error("EPIPE: broken pipe, write"), { code: "EPIPE" });
}

