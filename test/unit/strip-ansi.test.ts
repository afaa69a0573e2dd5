// strip_ansi (docs/api.md §4.11): what a model gets from terminal output. Each kind of sequence the module names is
// removed, text around it is kept, and a sequence cut by the end of the input is held back, not half-printed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { stripAnsi } from "../../src/output/strip-ansi.ts";

const text = (input: string) => stripAnsi(input).text;

describe("stripAnsi", () => {
  it("keeps plain text as it is", () => {
    assert.deepEqual(stripAnsi("plain text\nline 2\tx"), { text: "plain text\nline 2\tx", incompleteTail: "" });
  });

  it("removes CSI sequences: colours, cursor moves, erases, private modes, 8-bit CSI", () => {
    assert.equal(text("\x1b[1;31mred\x1b[0m"), "red");
    assert.equal(text("a\x1b[2K\x1b[1Gb\x1b[?25l\x1b[?1049hc\x1b[?1049l"), "abc");
    assert.equal(text("x\x1b[38;2;255;0;0my\x1b[>4;2mz"), "xyz");
    assert.equal(text("\x9b31mred"), "red");
  });

  it("removes OSC and other string sequences up to BEL or ST", () => {
    assert.equal(text("\x1b]0;my title\x07after"), "after");
    assert.equal(text("\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\"), "link");
    assert.equal(text("a\x1bPq#0;2;0;0;0\x1b\\b\x1b_app\x1b\\c"), "abc");
  });

  it("removes charset designations, shifts and two-byte escapes", () => {
    assert.equal(text("\x1b(B\x1b)0a\x0eb\x0fc\x1b=\x1b>\x1b7\x1b8\x1bMd\x1b#8"), "abcd");
    assert.equal(text("\x1bOPf1"), "f1");
    assert.equal(text("bell\x07!"), "bell!");
  });

  it("turns CRLF (and the terminal's CRCRLF) into LF, and keeps a lone CR", () => {
    assert.equal(text("a\r\nb\r\r\nc"), "a\nb\nc");
    assert.equal(text("50%\r100%\n"), "50%\r100%\n");
  });

  it("holds back a sequence the input ends inside, whatever its kind", () => {
    for (const tail of ["\x1b", "\x1b[", "\x1b[1;3", "\x1b]0;tit", "\x1b(", "\x1bO", "\x1b]0;x\x1b", "\r", "\r\r"]) {
      assert.deepEqual(stripAnsi(`done${tail}`), { text: "done", incompleteTail: tail }, JSON.stringify(tail));
    }
  });

  it("gives up on an unterminated string sequence after 4096 characters instead of swallowing the output", () => {
    const body = "x".repeat(5000);
    const { text: out, incompleteTail } = stripAnsi(`\x1b]${body}`);
    assert.equal(incompleteTail, "");
    assert.equal(out, body);
  });

  it("ends a broken CSI at the first byte that cannot belong to it", () => {
    assert.equal(text("\x1b[12\nnext"), "\nnext");
  });
});
