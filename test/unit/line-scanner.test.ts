// The line scanner of until=match (docs/api.md §4.5): lines split across chunks, exact byte offsets (also after
// multi-byte and invalid UTF-8), a terminal's escapes and CRLF removed before matching, long lines matched on
// their start only, lost bytes, and the unended last line at the end of the output.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileLinePattern } from "../../src/output/line-pattern.ts";
import { LineScanner } from "../../src/output/line-scanner.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const scanner = (pattern: string, flags = "", start = 0, cap = 2048) =>
  new LineScanner(compileLinePattern(pattern, flags, { maxLineChars: cap }), start, cap);

describe("LineScanner", () => {
  it("finds a line written in pieces, at its byte offset", () => {
    const s = scanner("^ready on \\d+$");
    assert.equal(s.feed(bytes("booting\nrea"), 0), null);
    assert.equal(s.feed(bytes("dy on "), 11), null);
    assert.deepEqual(s.feed(bytes("8080\nmore\n"), 17), { text: "ready on 8080", cursor: 8 });
  });

  it("counts bytes, not characters, past multi-byte and invalid UTF-8", () => {
    const s = scanner("ok");
    const chunk = new Uint8Array([...bytes("é€😀\n"), 0xff, 0xfe, 0x0a, ...bytes("ok\n")]);
    // "é€😀\n" is 2 + 3 + 4 + 1 = 10 bytes, then 2 invalid bytes and a newline.
    assert.deepEqual(s.feed(chunk, 0), { text: "ok", cursor: 13 });
  });

  it("matches a terminal's line without its escape sequences and CRLF", () => {
    const s = scanner("Local: +http://\\S+/$");
    assert.equal(s.feed(bytes("\x1b[2J\x1b[H\r\n"), 0), null);
    const line = "\x1b[32m➜\x1b[39m  \x1b[1mLocal\x1b[22m:   http://localhost:5173/\r\r\n";
    assert.deepEqual(s.feed(bytes(line), 9), { text: "➜  Local:   http://localhost:5173/", cursor: 9 });
  });

  it("looks at a long line's first characters only, also across chunks", () => {
    const s = scanner("x", "", 0, 16);
    assert.equal(s.feed(bytes("a".repeat(20)), 0), null);
    assert.equal(s.feed(bytes("x\n"), 20), null, "the x is past the 16 characters looked at");
    assert.deepEqual(s.feed(bytes("x\n"), 22), { text: "x", cursor: 22 });
    const cut = scanner("^a", "", 0, 16).feed(bytes("a".repeat(40) + "\n"), 0);
    assert.ok(cut!.text.length <= 16 && cut!.text.endsWith("[truncated]"), cut!.text);
  });

  it("skips bytes it has seen, drops a line interrupted by lost bytes, and ends with the unended line", () => {
    const s = scanner("^go$");
    assert.equal(s.feed(bytes("g"), 0), null);
    assert.equal(s.feed(bytes("go"), 0), null, "the g at 0 is not fed twice");
    assert.equal(s.position, 2);
    assert.equal(s.feed(bytes("o\nxx"), 100), null, "after a gap the half line is dropped");
    assert.equal(s.lineStart, 102);
    assert.equal(s.finish(), null);
    const last = scanner("done$");
    last.feed(bytes("a\ndone"), 0);
    assert.deepEqual(last.finish(), { text: "done", cursor: 2 });
  });

  it("starts at its start offset", () => {
    const s = scanner("a", "", 10);
    assert.equal(s.feed(bytes("a\nb\n"), 0), null, "bytes before the start are not looked at");
    assert.deepEqual(s.feed(bytes("ab\n"), 10), { text: "ab", cursor: 10 });
  });
});
