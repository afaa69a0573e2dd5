/**
 * The events of `GET /{id}/stream` (docs/api.md §4.7): their types, and a reader that turns a response body of
 * server-sent events into typed events.
 * @module
 */
import type * as v from "valibot";
import type { ExitEventSchema, GapEventSchema, OutputEventSchema } from "../wire/response-schemas.ts";

/** One event of an output stream; `id` of an `output` event is its `next_cursor`, usable to resume. */
export type StreamEvent =
  | ({ type: "output"; id?: string } & v.InferOutput<typeof OutputEventSchema>)
  | ({ type: "gap" } & v.InferOutput<typeof GapEventSchema>)
  | ({ type: "exit" } & v.InferOutput<typeof ExitEventSchema>);

/** One raw server-sent event. */
export interface SseMessage {
  event: string;
  data: string;
  id?: string;
}

/**
 * The server-sent events of `body`, parsed as the HTML spec says (CR, LF or CRLF line ends, comments skipped,
 * multi-line data joined). Stopping the iteration, or aborting `signal`, cancels the body.
 * @example
 * ```ts
 * for await (const message of parseSse(response.body!)) console.log(message.event, message.data);
 * ```
 */
export async function* parseSse(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  // A pending read does not see an abort of an in-process response, so the abort cancels the reader itself.
  const onAbort = () => void reader.cancel(signal?.reason).catch(() => undefined);
  signal?.addEventListener("abort", onAbort, { once: true });
  let buffer = "";
  let event = "";
  let id: string | undefined;
  let data: string[] = [];
  try {
    signal?.throwIfAborted();
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let end: RegExpExecArray | null;
      while ((end = /\r\n|\r|\n/.exec(buffer)) !== null) {
        // A CR at the very end may be the first half of a CRLF still on the wire; at the end of the stream it is
        // a line end of its own.
        if (!done && end[0] === "\r" && end.index === buffer.length - 1) break;
        const line = buffer.slice(0, end.index);
        buffer = buffer.slice(end.index + end[0].length);
        if (line === "") {
          if (data.length > 0) {
            yield { event: event || "message", data: data.join("\n"), ...(id === undefined ? {} : { id }) };
          }
          event = "";
          data = [];
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        const raw = colon === -1 ? "" : line.slice(colon + 1);
        const text = raw.startsWith(" ") ? raw.slice(1) : raw;
        if (field === "event") event = text;
        else if (field === "data") data.push(text);
        else if (field === "id" && !text.includes("\0")) id = text;
      }
      if (done) break;
    }
    signal?.throwIfAborted();
  } finally {
    signal?.removeEventListener("abort", onAbort);
    await reader.cancel().catch(() => undefined);
  }
}

/**
 * The typed events of a `/stream` response body, ending after the `exit` event. Unknown events are skipped, so
 * a newer server can add some.
 * @example
 * ```ts
 * for await (const event of streamEvents(response.body!)) if (event.type === "output") write(event.data);
 * ```
 */
export async function* streamEvents(
  body: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
): AsyncGenerator<StreamEvent> {
  for await (const message of parseSse(body, signal)) {
    if (message.event === "output") {
      const data = JSON.parse(message.data) as v.InferOutput<typeof OutputEventSchema>;
      yield { type: "output", ...(message.id === undefined ? {} : { id: message.id }), ...data };
    } else if (message.event === "gap") {
      yield { type: "gap", ...(JSON.parse(message.data) as v.InferOutput<typeof GapEventSchema>) };
    } else if (message.event === "exit") {
      yield { type: "exit", ...(JSON.parse(message.data) as v.InferOutput<typeof ExitEventSchema>) };
      return;
    }
  }
}
