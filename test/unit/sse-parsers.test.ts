// The event-stream rules of the WHATWG HTML standard, held against both parsers: the tests' own reader
// (test/support/sse.ts) and the product's `parseSse` (src/client/sse-events.ts). Each case comes in chunks, so
// line ends and characters split across reads are covered too.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseSse } from "../../src/client/sse-events.ts";
import { parseEventStream, sseEvents } from "../support/sse.ts";

type Expected = { event: string; data: string; id?: string }[];

const encoder = new TextEncoder();

/** A body that delivers `chunks` one read at a time; a string chunk is UTF-8, a number array raw bytes. */
function body(chunks: (string | number[])[]): ReadableStream<Uint8Array> {
  const parts = chunks.map((c) => (typeof c === "string" ? encoder.encode(c) : Uint8Array.from(c)));
  return new ReadableStream({
    pull(controller) {
      const next = parts.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}

const CASES: [string, (string | number[])[], Expected][] = [
  ["a field without the space after the colon", ["data:x\n\n"], [{ event: "message", data: "x" }]],
  ["only one leading space removed", ["data:  two\n\n"], [{ event: "message", data: " two" }]],
  ["data lines joined by LF", ["data: a\ndata: b\ndata:\n\n"], [{ event: "message", data: "a\nb\n" }]],
  ["CRLF line ends", ["event: output\r\ndata: 1\r\n\r\n"], [{ event: "output", data: "1" }]],
  ["CR line ends", ["data: 1\r\rdata: 2\r\r"], [{ event: "message", data: "1" }, { event: "message", data: "2" }]],
  ["a CRLF split across reads is one line end", ["data: 1\r", "\n\r", "\ndata: 2\r\n\r\n"], [{ event: "message", data: "1" }, { event: "message", data: "2" }]],
  ["comments ignored, between fields too", [": heartbeat\n\n: c\ndata: x\n: d\n\n"], [{ event: "message", data: "x" }]],
  ["a line without a colon is a field with an empty value", ["data\n\n"], [{ event: "message", data: "" }]],
  ["an empty data buffer dispatches nothing and resets the type", ["event: x\n\ndata: y\n\n"], [{ event: "message", data: "y" }]],
  ["the last event id carries over", ["id: 5\ndata: a\n\ndata: b\n\n"], [{ event: "message", data: "a", id: "5" }, { event: "message", data: "b", id: "5" }]],
  ["an id with NUL is ignored", ["id: a\u0000b\ndata: x\n\n"], [{ event: "message", data: "x" }]],
  ["unknown fields and retry ignored", ["foo: bar\nretry: 10\ndata: x\n\n"], [{ event: "message", data: "x" }]],
  ["an event without its blank line at the end is dropped", ["data: x\n"], []],
  ["a blank line ended by a last lone CR dispatches", ["data: x\n\r"], [{ event: "message", data: "x" }]],
  ["a character split across reads", [[0x64, 0x61, 0x74, 0x61, 0x3a, 0x20, 0xc3], [0xa9, 0x0a, 0x0a]], [{ event: "message", data: "é" }]],
  ["a leading BOM dropped", ["\uFEFFdata: x\n\n"], [{ event: "message", data: "x" }]],
];

/** Events in one shape: the id as the last event id ("" before any). */
function normal(events: { event: string; data: string; id?: string }[]) {
  return events.map((e) => ({ event: e.event, data: e.data, id: e.id ?? "" }));
}

async function collect<T>(events: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const event of events) out.push(event);
  return out;
}

describe("event stream parsing", () => {
  for (const [what, chunks, expected] of CASES) {
    it(what, async () => {
      const want = normal(expected);
      assert.deepEqual(normal(await collect(sseEvents(new Response(body(chunks))))), want, "sseEvents");
      const text = new TextDecoder().decode(await new Response(body(chunks)).arrayBuffer());
      assert.deepEqual(normal(parseEventStream(text)), want, "parseEventStream");
    });
  }
});

describe("the product's parseSse", () => {
  for (const [what, chunks, expected] of CASES) {
    it(what, async () => {
      assert.deepEqual(normal(await collect(parseSse(body(chunks)))), normal(expected));
    });
  }
});
