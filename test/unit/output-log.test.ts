import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OutputLog, type OutputLogOptions } from "../../src/output/output-log.ts";
import { random } from "../support/random.ts";

const encoder = new TextEncoder();
const SUFFIX = " ... [truncated]";

/** Bytes from strings (UTF-8) and raw byte arrays, concatenated. */
function bytes(...parts: (string | number[])[]): Uint8Array {
  const pieces = parts.map((part) => (typeof part === "string" ? encoder.encode(part) : Uint8Array.from(part)));
  const out = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  let offset = 0;
  for (const piece of pieces) {
    out.set(piece, offset);
    offset += piece.length;
  }
  return out;
}

function logOf(data: Uint8Array | string, options?: OutputLogOptions, ended = true): OutputLog {
  const log = new OutputLog(options);
  log.append(typeof data === "string" ? encoder.encode(data) : data);
  if (ended) log.end();
  return log;
}

function byteLength(text: string): number {
  return encoder.encode(text).length;
}

function marker(omitted: number): string {
  return `\n\n... [omitted ${omitted} bytes] ...\n\n`;
}

/** ASCII lines of 99 characters plus "\n", numbered, so any slice is recognisable. */
function asciiLines(length: number): string {
  let text = "";
  for (let line = 0; text.length < length; line++) {
    text += `${String(line).padStart(6, "0")}${"abcdefghi".repeat(10)}...\n`;
  }
  return text.slice(0, length);
}

describe("OutputLog.snapshot", () => {
  it("is empty for no output", () => {
    const log = new OutputLog();
    assert.deepEqual(log.snapshot(), { output: "" });
    assert.equal(log.totalBytes, 0);
    assert.equal(log.ended, false);
    log.end();
    assert.equal(log.ended, true);
    assert.deepEqual(log.snapshot(), { output: "" });
  });

  it("returns small output verbatim without truncation, also when written byte by byte", () => {
    const log = new OutputLog();
    for (const byte of encoder.encode("hello world")) log.append(Uint8Array.of(byte));
    assert.deepEqual(log.snapshot(), { output: "hello world" });
    assert.equal(log.totalBytes, 11);
  });

  it("returns exactly 16384 bytes verbatim", () => {
    const text = asciiLines(16384);
    assert.deepEqual(logOf(text).snapshot(), { output: text });
  });

  it("joins contiguous head and tail without a marker from 16385 bytes up to 32768", () => {
    for (const length of [16385, 20000, 32768]) {
      const text = asciiLines(length);
      assert.deepEqual(logOf(text).snapshot(), {
        output: text,
        truncated: { original_bytes: length, retained_bytes: length, omitted_bytes: 0, strategy: "head_tail" },
      });
    }
  });

  it("keeps head, marker and tail with exact counts past 32 KiB", () => {
    for (const length of [32769, 100000]) {
      const text = asciiLines(length);
      const omitted = length - 32768;
      const output = text.slice(0, 16384) + marker(omitted) + text.slice(length - 16384);
      assert.deepEqual(logOf(text).snapshot(), {
        output,
        truncated: {
          original_bytes: length,
          retained_bytes: 32768 + marker(omitted).length,
          omitted_bytes: omitted,
          strategy: "head_tail",
        },
      });
    }
    assert.equal(marker(1).length, 29);
  });

  it("follows coder's small-buffer cases, minus the seam newline", () => {
    const options = { headBytes: 10, tailBytes: 10 };
    assert.deepEqual(logOf("A".repeat(10) + "Z".repeat(10), options).snapshot(), {
      output: "AAAAAAAAAAZZZZZZZZZZ",
      truncated: { original_bytes: 20, retained_bytes: 20, omitted_bytes: 0, strategy: "head_tail" },
    });
    const output = `AAAAAAAAAA${marker(80)}ZZZZZZZZZZ`;
    assert.deepEqual(logOf("A".repeat(10) + "-".repeat(80) + "Z".repeat(10), options).snapshot(), {
      output,
      truncated: { original_bytes: 100, retained_bytes: output.length, omitted_bytes: 80, strategy: "head_tail" },
    });
  });

  it("cuts the head back before a character that straddles its end", () => {
    // "é" occupies bytes 9 and 10; the head holds bytes 0..9.
    const { output, truncated } = logOf("abcdefghié" + "x".repeat(30), { headBytes: 10, tailBytes: 10 }).snapshot();
    assert.equal(output, `abcdefghi${marker(22)}${"x".repeat(10)}`);
    assert.deepEqual(truncated, {
      original_bytes: 41,
      retained_bytes: 9 + marker(22).length + 10,
      omitted_bytes: 22,
      strategy: "head_tail",
    });
  });

  it("starts the tail after a character that straddles its start", () => {
    const options = { headBytes: 10, tailBytes: 10 };
    // "€" occupies bytes 20..22; the last 10 bytes start at 21.
    const euro = logOf("a".repeat(20) + "€" + "b".repeat(8), options).snapshot();
    assert.equal(euro.output, `${"a".repeat(10)}${marker(13)}${"b".repeat(8)}`);
    assert.equal(euro.truncated?.omitted_bytes, 13);
    assert.equal(euro.truncated?.original_bytes, 10 + 13 + 8);
    // "😀" occupies bytes 20..23; the last 10 bytes start at 21.
    const emoji = logOf("a".repeat(20) + "😀" + "b".repeat(7), options).snapshot();
    assert.equal(emoji.output, `${"a".repeat(10)}${marker(14)}${"b".repeat(7)}`);
    assert.equal(emoji.truncated?.omitted_bytes, 14);
    assert.equal(emoji.truncated?.retained_bytes, 10 + marker(14).length + 7);
  });

  it("keeps a character across the seam of contiguous head and tail whole", () => {
    const text = "a".repeat(9) + "😀" + "b".repeat(5);
    assert.deepEqual(logOf(text, { headBytes: 10, tailBytes: 10 }).snapshot(), {
      output: text,
      truncated: { original_bytes: 18, retained_bytes: 18, omitted_bytes: 0, strategy: "head_tail" },
    });
  });

  it("cuts lines longer than 2048 bytes to exactly 2048 and leaves the others alone", () => {
    const text = `short\n${"x".repeat(3000)}\n${"y".repeat(2048)}\n${"z".repeat(2049)}\nend`;
    const { output } = logOf(text).snapshot();
    assert.equal(output, `short\n${"x".repeat(2032)}${SUFFIX}\n${"y".repeat(2048)}\n${"z".repeat(2032)}${SUFFIX}\nend`);
    const lines = output.split("\n");
    assert.deepEqual(lines.map(byteLength), [5, 2048, 2048, 2048, 3]);
  });

  it("cuts long lines at character boundaries", () => {
    const cases: [string, string][] = [
      ["é".repeat(1500), "é".repeat(1016)], // 2032 bytes kept
      ["€".repeat(1000), "€".repeat(677)], // 2031: a 678th would make 2034
      ["😀".repeat(800), "😀".repeat(508)], // 2032
      ["a" + "😀".repeat(800), "a" + "😀".repeat(507)], // 2029
    ];
    for (const [line, kept] of cases) {
      const { output } = logOf(`${line}\nnext`).snapshot();
      assert.equal(output, `${kept}${SUFFIX}\nnext`);
      assert.ok(byteLength(output.split("\n")[0]!) <= 2048);
    }
  });

  it("cuts long lines in the tail, and measures invalid bytes as the U+FFFD they become", () => {
    const text = asciiLines(40000) + "\n" + "q".repeat(5000);
    const { output } = logOf(text).snapshot();
    assert.ok(output.endsWith(`\n${"q".repeat(2032)}${SUFFIX}`));
    const invalid = logOf(bytes(new Array<number>(1000).fill(0xff))).snapshot();
    assert.equal(invalid.output, "\uFFFD".repeat(677) + SUFFIX);
  });

  it("counts retained_bytes after line cuts, in the snapshot's own UTF-8", () => {
    const text = `${"é".repeat(9000)}\n${"x".repeat(50000)}\n${"€".repeat(9000)}`;
    const { output, truncated } = logOf(text).snapshot();
    assert.equal(truncated?.retained_bytes, byteLength(output));
    assert.equal(output, `${"é".repeat(1016)}${SUFFIX}${marker(byteLength(text) - 16384 - 16383)}${"€".repeat(677)}${SUFFIX}`);
  });

  it("cuts a line that runs across the seam of contiguous head and tail as one line", () => {
    const { output } = logOf("x".repeat(30), { headBytes: 16, tailBytes: 16, maxLineBytes: 20 }).snapshot();
    assert.equal(output, `xxxx${SUFFIX}`);
  });

  it("turns invalid bytes into U+FFFD", () => {
    const data = bytes("a", [0xff], "b", [0x80, 0xbf], "c", [0xc0, 0xaf], [0xed, 0xa0, 0x80], "d", [0xe2, 0x82], "e");
    const expected = "a\uFFFDb\uFFFD\uFFFDc\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDd\uFFFDe";
    assert.equal(logOf(data).snapshot().output, expected);
    assert.equal(new TextDecoder().decode(data), expected);
  });

  it("keeps a leading byte order mark: the bytes are the process's", () => {
    const log = logOf(bytes([0xef, 0xbb, 0xbf], "x"));
    assert.equal(log.snapshot().output, "\uFEFFx");
    assert.equal(log.read(0, 10).output, "\uFEFFx");
  });

  it("holds back an unfinished character at the end until end()", () => {
    const log = new OutputLog();
    log.append(bytes("ok", [0xe2, 0x82]));
    assert.deepEqual(log.snapshot(), { output: "ok" });
    log.append(bytes([0xac]));
    assert.deepEqual(log.snapshot(), { output: "ok€" });
    log.append(bytes([0xf0, 0x9f]));
    assert.deepEqual(log.snapshot(), { output: "ok€" });
    log.end();
    assert.deepEqual(log.snapshot(), { output: "ok€\uFFFD" });
  });

  it("does not hold back bytes that can never start a character", () => {
    assert.equal(logOf(bytes("a", [0xf5]), {}, false).snapshot().output, "a\uFFFD");
    assert.equal(logOf(bytes("a", [0xe0, 0x80]), {}, false).snapshot().output, "a\uFFFD\uFFFD");
  });

  it("describes only the bytes before a held-back character when truncating", () => {
    const log = logOf(bytes("a".repeat(100), [0xe2, 0x82]), { headBytes: 16, tailBytes: 16, windowBytes: 16 }, false);
    assert.deepEqual(log.snapshot(), {
      output: `${"a".repeat(16)}${marker(68)}${"a".repeat(16)}`,
      truncated: { original_bytes: 100, retained_bytes: 32 + marker(68).length, omitted_bytes: 68, strategy: "head_tail" },
    });
    log.end();
    assert.equal(log.snapshot().output, `${"a".repeat(16)}${marker(70)}${"a".repeat(14)}\uFFFD`);
  });

  it("works with a window no larger than the tail", () => {
    const text = asciiLines(1000);
    const log = logOf(text, { headBytes: 16, tailBytes: 16, windowBytes: 8 });
    assert.equal(log.snapshot().output, text.slice(0, 16) + marker(968) + text.slice(984));
    assert.ok(log.retainedBytes <= 16 + 16 + 3);
    assert.deepEqual(log.read(0, 100), { output: text.slice(0, 16), cursor: 0, next_cursor: 16, gap_bytes: 0 });
    assert.deepEqual(log.read(16, 100), { output: text.slice(981), cursor: 981, next_cursor: 1000, gap_bytes: 965 });
  });
});

describe("OutputLog.read", () => {
  it("reads nothing from an empty log and clamps the cursor", () => {
    const log = new OutputLog();
    assert.deepEqual(log.read(0, 10), { output: "", cursor: 0, next_cursor: 0, gap_bytes: 0 });
    log.append(encoder.encode("hello"));
    assert.deepEqual(log.read(99, 10), { output: "", cursor: 5, next_cursor: 5, gap_bytes: 0 });
    assert.deepEqual(log.read(-4, 3), { output: "hel", cursor: 0, next_cursor: 3, gap_bytes: 0 });
  });

  it("never splits a character at the limit, yet always advances", () => {
    const log = logOf("a€b😀c"); // offsets: a 0, € 1..3, b 4, 😀 5..8, c 9
    assert.deepEqual(log.read(0, 2), { output: "a", cursor: 0, next_cursor: 1, gap_bytes: 0 });
    assert.deepEqual(log.read(1, 1), { output: "€", cursor: 1, next_cursor: 4, gap_bytes: 0 });
    assert.deepEqual(log.read(1, 4), { output: "€b", cursor: 1, next_cursor: 5, gap_bytes: 0 });
    assert.deepEqual(log.read(4, 4), { output: "b", cursor: 4, next_cursor: 5, gap_bytes: 0 });
    assert.deepEqual(log.read(5, 2), { output: "😀", cursor: 5, next_cursor: 9, gap_bytes: 0 });
    assert.deepEqual(log.read(0, 1000), { output: "a€b😀c", cursor: 0, next_cursor: 10, gap_bytes: 0 });
  });

  it("moves a cursor inside a character to the next character", () => {
    const log = logOf("a€b😀c");
    assert.deepEqual(log.read(2, 100), { output: "b😀c", cursor: 4, next_cursor: 10, gap_bytes: 0 });
    assert.deepEqual(log.read(7, 100), { output: "c", cursor: 9, next_cursor: 10, gap_bytes: 0 });
  });

  it("serves invalid bytes as U+FFFD and does not skip lone continuation bytes", () => {
    const log = logOf(bytes("a", [0x80], "b", [0xff]));
    assert.deepEqual(log.read(1, 1), { output: "\uFFFD", cursor: 1, next_cursor: 2, gap_bytes: 0 });
    assert.deepEqual(log.read(0, 100), { output: "a\uFFFDb\uFFFD", cursor: 0, next_cursor: 4, gap_bytes: 0 });
  });

  it("holds back an unfinished character at the end until end()", () => {
    const log = new OutputLog();
    log.append(bytes("x", [0xf0, 0x9f, 0x98]));
    assert.deepEqual(log.read(0, 100), { output: "x", cursor: 0, next_cursor: 1, gap_bytes: 0 });
    assert.deepEqual(log.read(1, 100), { output: "", cursor: 1, next_cursor: 1, gap_bytes: 0 });
    log.append(bytes([0x80]));
    assert.deepEqual(log.read(1, 100), { output: "😀", cursor: 1, next_cursor: 5, gap_bytes: 0 });
    log.append(bytes([0xc3]));
    assert.deepEqual(log.read(5, 100), { output: "", cursor: 5, next_cursor: 5, gap_bytes: 0 });
    log.end();
    assert.deepEqual(log.read(5, 100), { output: "\uFFFD", cursor: 5, next_cursor: 6, gap_bytes: 0 });
  });

  it("reports the exact gap once the window has rolled past the cursor", () => {
    const text = asciiLines(1000);
    const log = logOf(text, { headBytes: 16, tailBytes: 16, windowBytes: 64 });
    assert.deepEqual(log.read(3, 5), { output: text.slice(3, 8), cursor: 3, next_cursor: 8, gap_bytes: 0 });
    assert.deepEqual(log.read(16, 10), { output: text.slice(936, 946), cursor: 936, next_cursor: 946, gap_bytes: 920 });
    assert.deepEqual(log.read(500, 100), { output: text.slice(936), cursor: 936, next_cursor: 1000, gap_bytes: 436 });
    assert.deepEqual(log.read(950, 100), { output: text.slice(950), cursor: 950, next_cursor: 1000, gap_bytes: 0 });
  });

  it("serves the head up to its end, then reports the gap", () => {
    const text = asciiLines(1000);
    const log = logOf(text, { headBytes: 16, tailBytes: 16, windowBytes: 64 });
    const first = log.read(0, 100);
    assert.deepEqual(first, { output: text.slice(0, 16), cursor: 0, next_cursor: 16, gap_bytes: 0 });
    assert.deepEqual(log.read(first.next_cursor, 100), {
      output: text.slice(936),
      cursor: 936,
      next_cursor: 1000,
      gap_bytes: 920,
    });
  });

  it("counts a character cut by the end of the head as gap", () => {
    // "é" occupies bytes 15 and 16; the head holds bytes 0..15.
    const text = "a".repeat(15) + "é" + "z".repeat(983);
    const log = logOf(text, { headBytes: 16, tailBytes: 16, windowBytes: 64 });
    assert.deepEqual(log.read(0, 100), { output: "a".repeat(15), cursor: 0, next_cursor: 15, gap_bytes: 0 });
    assert.deepEqual(log.read(15, 10), { output: "z".repeat(10), cursor: 936, next_cursor: 946, gap_bytes: 921 });
  });

  it("starts after a gap at the next character when the window begins inside one", () => {
    // "é" at odd offsets 1..997; the window holds bytes 936..999, and 936 continues the "é" at 935.
    const text = "x" + "é".repeat(499) + "y";
    const log = logOf(text, { headBytes: 16, tailBytes: 16, windowBytes: 64 });
    assert.deepEqual(log.read(20, 1000), { output: "é".repeat(31) + "y", cursor: 937, next_cursor: 1000, gap_bytes: 916 });
  });

  it("reads across head and window while they are contiguous", () => {
    const text = asciiLines(70);
    const log = logOf(text, { headBytes: 16, tailBytes: 16, windowBytes: 64 });
    assert.deepEqual(log.read(0, 1000), { output: text, cursor: 0, next_cursor: 70, gap_bytes: 0 });
    assert.deepEqual(log.read(10, 20), { output: text.slice(10, 30), cursor: 10, next_cursor: 30, gap_bytes: 0 });
  });

  it("reassembles a large output exactly from reads interleaved with random-sized appends", () => {
    const next = random(588895);
    const pieces = ["a", "b", "é", "€", "😀", "\n", " ", "ß", "中文", "\t", "word", "𝄞"];
    let text = "";
    let size = 0;
    while (size < 588895 - 4) {
      const piece = pieces[next(pieces.length)]!;
      text += piece;
      size += byteLength(piece);
    }
    text += "x".repeat(588895 - size);
    const data = encoder.encode(text);
    assert.equal(data.length, 588895);

    const log = new OutputLog();
    const reads: string[] = [];
    let cursor = 0;
    const readSome = () => {
      const read = log.read(cursor, 1 + next(next(2) === 0 ? 8 : 100000));
      assert.equal(read.cursor, cursor);
      assert.equal(read.gap_bytes, 0);
      assert.equal(read.next_cursor - read.cursor, byteLength(read.output));
      reads.push(read.output);
      cursor = read.next_cursor;
    };
    let offset = 0;
    const chunk = new Uint8Array(70000);
    while (offset < data.length) {
      const length = Math.min(data.length - offset, 1 + next(next(3) === 0 ? 5 : 70000));
      chunk.set(data.subarray(offset, offset + length));
      log.append(chunk.subarray(0, length)); // the same memory is overwritten for the next chunk
      offset += length;
      readSome();
    }
    log.end();
    while (cursor < log.totalBytes) readSome();
    assert.equal(reads.join(""), text);
    assert.equal(log.totalBytes, 588895);
  });

  it("reassembles invalid UTF-8 exactly as decoding it whole would", () => {
    const next = random(42);
    const alphabet = [0x41, 0x0a, 0x80, 0x82, 0x8f, 0x90, 0x9f, 0xa0, 0xac, 0xbf, 0xc0, 0xc2, 0xc3, 0xe0, 0xe2, 0xed, 0xf0, 0xf4, 0xf5, 0xff];
    const data = Uint8Array.from({ length: 20000 }, () => alphabet[next(alphabet.length)]!);
    const log = new OutputLog();
    const reads: string[] = [];
    let cursor = 0;
    for (let offset = 0; offset < data.length; ) {
      const length = Math.min(data.length - offset, 1 + next(50));
      log.append(data.slice(offset, offset + length));
      offset += length;
      const read = log.read(cursor, 1 + next(17));
      assert.equal(read.cursor, cursor);
      reads.push(read.output);
      cursor = read.next_cursor;
    }
    log.end();
    while (cursor < log.totalBytes) {
      const read = log.read(cursor, 1 + next(17));
      reads.push(read.output);
      cursor = read.next_cursor;
    }
    assert.equal(reads.join(""), new TextDecoder("utf-8", { ignoreBOM: true }).decode(data));
  });
});

describe("OutputLog memory", () => {
  it("stays bounded by head plus window over 100 MiB of 64 KiB chunks", () => {
    const log = new OutputLog();
    const chunk = new Uint8Array(65536);
    for (let i = 0; i < 1600; i++) {
      chunk.fill(0x61 + (i % 26));
      log.append(chunk);
    }
    assert.equal(log.totalBytes, 100 * 1024 * 1024);
    assert.equal(log.retainedBytes, 16384 + 1048576);
    const { output, truncated } = log.snapshot();
    // Chunk 1599 is filled with "n"; head and tail are one long line each, so both are cut.
    assert.equal(output, `${"a".repeat(2032)}${SUFFIX}${marker(100 * 1024 * 1024 - 32768)}${"n".repeat(2032)}${SUFFIX}`);
    assert.equal(truncated?.omitted_bytes, 100 * 1024 * 1024 - 32768);
    const read = log.read(0, 10);
    assert.deepEqual(read, { output: "a".repeat(10), cursor: 0, next_cursor: 10, gap_bytes: 0 });
    assert.equal(log.read(16384, 10).gap_bytes, 100 * 1024 * 1024 - 1048576 - 16384);
  });

  it("starts small and grows with the output", () => {
    const log = new OutputLog();
    log.append(encoder.encode("0123456789"));
    const small = log.retainedBytes;
    assert.ok(small <= 8192, `10 bytes of output hold ${small} bytes`);
    for (let i = 0; i < 100; i++) log.append(new Uint8Array(1024));
    assert.ok(log.retainedBytes >= 16384 + 102410 && log.retainedBytes <= 16384 + 2 * 102410, `${log.retainedBytes}`);
  });

  it("copies only the last window of a chunk larger than the window", () => {
    const text = asciiLines(5000);
    const log = logOf(text, { headBytes: 16, tailBytes: 16, windowBytes: 64 });
    assert.equal(log.retainedBytes, 16 + 64);
    assert.deepEqual(log.read(16, 1000), { output: text.slice(4936), cursor: 4936, next_cursor: 5000, gap_bytes: 4920 });
    assert.equal(log.snapshot().output, text.slice(0, 16) + marker(4968) + text.slice(4984));
  });

  it("keeps its own copy of appended bytes", () => {
    const log = new OutputLog();
    const chunk = encoder.encode("first ");
    log.append(chunk);
    chunk.set(encoder.encode("second"));
    log.append(chunk);
    assert.equal(log.snapshot().output, "first second");
  });
});

describe("OutputLog misuse", () => {
  it("refuses appends after end()", () => {
    const log = new OutputLog();
    log.end();
    assert.throws(() => log.append(encoder.encode("late")), /after end\(\)/);
  });

  it("rejects sizes that are not non-negative integers", () => {
    assert.throws(() => new OutputLog({ headBytes: -1 }), RangeError);
    assert.throws(() => new OutputLog({ windowBytes: 1.5 }), /windowBytes/);
  });
});
