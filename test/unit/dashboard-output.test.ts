// The dashboard's browser code that needs no DOM (src/http/ui/output-script.ts), run here as the browser runs it:
// the SSE parser over chunks cut anywhere, and the ANSI renderer's runs (colours kept as classes, every other
// control sequence stripped, a sequence cut between chunks held until it is whole). In a browser:
// test/e2e/dashboard.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OUTPUT_SCRIPT } from "../../src/http/ui/output-script.ts";

type Event = { event: string; data: string; id: string | null };
type Runs = [string, string][];
const output = new Function(`${OUTPUT_SCRIPT}; return EdgeprocOutput;`)() as {
  sseParser(onEvent: (e: Event) => void): (chunk: string) => void;
  AnsiRenderer: new () => { feed(chunk: string): Runs };
};

function parseAll(chunks: string[]): Event[] {
  const events: Event[] = [];
  const feed = output.sseParser((e) => events.push(e));
  for (const chunk of chunks) feed(chunk);
  return events;
}

function render(chunks: string[]): Runs {
  const renderer = new output.AnsiRenderer();
  const runs = chunks.flatMap((c) => renderer.feed(c));
  // Adjacent runs of one class are one run, however the chunks fell.
  return runs.reduce<Runs>((all, [text, cls]) => {
    const last = all.at(-1);
    if (last && last[1] === cls) last[0] += text;
    else all.push([text, cls]);
    return all;
  }, []);
}

describe("the dashboard's SSE parser", () => {
  const stream =
    ': heartbeat\n\nevent: output\nid: 6\ndata: {"data":"first\\n","cursor":0,"next_cursor":6}\n\n' +
    'event: exit\r\ndata: {"exit_code":-1,\r\ndata: "signal":"SIGKILL"}\r\n\r\n';
  const expected: Event[] = [
    { event: "output", data: '{"data":"first\\n","cursor":0,"next_cursor":6}', id: "6" },
    { event: "exit", data: '{"exit_code":-1,\n"signal":"SIGKILL"}', id: "6" },
  ];

  it("reads events, ids and multi-line data, skipping comments, with LF or CRLF", () => {
    assert.deepEqual(parseAll([stream]), expected);
  });

  it("gives the same events whichever byte the chunks are cut at", () => {
    for (let cut = 1; cut < stream.length; cut++) {
      assert.deepEqual(parseAll([stream.slice(0, cut), stream.slice(cut)]), expected, `cut at ${cut}`);
    }
    assert.deepEqual(parseAll([...stream]), expected, "one character at a time");
  });

  it("dispatches nothing before the blank line that ends an event", () => {
    assert.deepEqual(parseAll(["event: output\ndata: x\n"]), []);
  });
});

describe("the dashboard's ANSI renderer", () => {
  it("keeps the sixteen colours, backgrounds and bold as classes, and reset", () => {
    assert.deepEqual(render(["a\x1b[31mred\x1b[0m b"]), [["a", ""], ["red", "fg1"], [" b", ""]]);
    const mixed = render(["\x1b[1;92;44mX\x1b[22mY\x1b[39;49mZ"]);
    assert.deepEqual(mixed, [["X", "fg10 bg4 b"], ["Y", "fg10 bg4"], ["Z", ""]]);
    assert.deepEqual(render(["\x1b[97;101mw\x1b[m."]), [["w", "fg15 bg9"], [".", ""]]);
    assert.deepEqual(render(["\x1b[38;5;3my\x1b[38;5;200mz\x1b[38;2;1;2;3m!"]), [["yz!", "fg3"]]);
  });

  it("strips every other escape and control: cursor moves, OSC titles, CR, BEL", () => {
    const text = "\x1b[2K\x1b[1Gline\r\n\x1b]0;title\x07\x1b]8;;http://x\x1b\\link\x1b[?25l\x07\x1bM\tend\r";
    assert.deepEqual(render([text]), [["line\nlink\tend", ""]]);
  });

  it("renders the same whichever character the chunks are cut at", () => {
    const text = "a\x1b[1;31mbold red\x1b[0m\x1b]0;t\x07 \x1b[42mgreen\x1b[49m.";
    const whole = render([text]);
    for (let cut = 1; cut < text.length; cut++) {
      assert.deepEqual(render([text.slice(0, cut), text.slice(cut)]), whole, `cut at ${cut}`);
    }
  });

  it("never lets an escape byte through, even from a sequence that never ends", () => {
    const runs = render(["x\x1b[", "1234567890".repeat(40), "\x1b]unterminated", "y"]);
    for (const [text] of runs) assert.equal(/[\x00-\x08\x0b-\x1f\x7f]/.test(text), false, JSON.stringify(text));
  });
});
