/**
 * The tests' own reader of server-sent events, written from the WHATWG HTML standard ("Parsing an event stream",
 * https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation) and deliberately
 * independent of the product's `parseSse` (src/client/sse-events.ts): the stream tests check what the server puts
 * on the wire, and reading it with the client's parser would let a mistake shared by our writer and our reader
 * pass. It follows the rules in full: CRLF, LF or CR line ends (a CRLF may be split across chunks), a leading BOM
 * dropped, comment lines ignored, `field:value` with or without the one space, a line without a colon as a field
 * with an empty value, `data` lines joined by LF, an empty data buffer dispatching nothing, the last event id kept
 * from one event to the next (and an id with NUL ignored), unknown fields and `retry` ignored (no reconnection
 * here), an event without its closing blank line at the end of the stream dropped.
 * test/unit/sse-parsers.test.ts holds the product's parser to the same cases.
 * @module
 */

/** One dispatched event: its type (`message` unless an `event` field said otherwise), data and last event id. */
export interface SseEvent {
  event: string;
  data: string;
  id: string;
}

/** The parsing state of one stream, fed text as it arrives. */
class EventStreamReader {
  private buffer = "";
  private type = "";
  private data = "";
  private lastId = "";

  /** The events that `text`, appended to what came before, completes. */
  *push(text: string): Generator<SseEvent> {
    this.buffer += text;
    for (;;) {
      const end = this.buffer.search(/[\r\n]/);
      if (end === -1) return;
      // A CR at the end of what arrived may be the first half of a CRLF.
      if (this.buffer[end] === "\r" && end === this.buffer.length - 1) return;
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(this.buffer.startsWith("\r\n", end) ? end + 2 : end + 1);
      const event = this.line(line);
      if (event) yield event;
    }
  }

  /** The events the end of the stream completes: only a blank line ended by a last lone CR can. */
  *end(): Generator<SseEvent> {
    const event = this.buffer === "\r" ? this.line("") : undefined;
    this.buffer = "";
    if (event) yield event;
  }

  private line(line: string): SseEvent | undefined {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.type = value;
    else if (field === "data") this.data += `${value}\n`;
    else if (field === "id" && !value.includes("\0")) this.lastId = value;
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    const [type, data] = [this.type, this.data];
    this.type = "";
    this.data = "";
    if (data === "") return undefined;
    return { event: type || "message", data: data.slice(0, -1), id: this.lastId };
  }
}

/**
 * Yields each event of `response` as it arrives; stopping the iteration cancels the body.
 * @example
 * ```ts
 * for await (const e of sseEvents(response)) if (e.event === "exit") break;
 * ```
 */
export async function* sseEvents(response: Response): AsyncGenerator<SseEvent> {
  // TextDecoderStream drops a leading BOM and keeps a character split across chunks whole.
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events = new EventStreamReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* events.push(value);
    }
    yield* events.end();
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/**
 * The events of a whole event stream held as text (an OpenAPI example, a body read with `text()`).
 * @example
 * ```ts
 * assert.equal(parseEventStream("data: x\n\n")[0]!.data, "x");
 * ```
 */
export function parseEventStream(text: string): SseEvent[] {
  const events = new EventStreamReader();
  return [...events.push(text.replace(/^\uFEFF/, "")), ...events.end()];
}
