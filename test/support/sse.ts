/**
 * Reads server-sent events from a response body, for tests of `GET /{id}/stream`.
 * @module
 */

/** One event, or a comment line (`event: "comment"`). */
export interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

/**
 * Yields each event of `response` as it arrives; comments (heartbeats) come as `{event: "comment"}`.
 * @example
 * ```ts
 * for await (const e of sseEvents(response)) if (e.event === "exit") break;
 * ```
 */
export async function* sseEvents(response: Response): AsyncGenerator<SseEvent> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf("\n\n")) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: SseEvent = { event: "message", data: "" };
        const data: string[] = [];
        for (const line of block.split("\n")) {
          if (line.startsWith(":")) event.event = "comment";
          else if (line.startsWith("event: ")) event.event = line.slice(7);
          else if (line.startsWith("id: ")) event.id = line.slice(4);
          else if (line.startsWith("data: ")) data.push(line.slice(6));
        }
        event.data = data.join("\n");
        yield event;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
