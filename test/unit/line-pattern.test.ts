// The linear-time line matcher (src/output/line-pattern.ts): on every pattern it accepts, testLine answers what
// the runtime's own RegExp answers on the line cut at maxLineChars, checked case by case and against random
// patterns; what it refuses is refused with a PatternError; hostile patterns run in work linear in the line.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { compileLinePattern, PatternError } from "../../src/output/line-pattern.ts";
import { CharClasses } from "../../src/output/line-pattern-nfa.ts";

const native = (pattern: string, flags: string, line: string, max = 2048): boolean =>
  new RegExp(pattern, flags).test(line.slice(0, max));

/**
 * The native answer tried at each code point, as the spec says for "u" and "v": V8 (Node, Deno) also finds
 * empty matches inside a surrogate pair (`/\B/u.test("a😀a")` is true there, false on Bun).
 */
function nativeAtCodePoints(pattern: string, flags: string, line: string): boolean {
  if (!/[uv]/.test(flags)) return native(pattern, flags, line);
  const sticky = new RegExp(pattern, flags + "y");
  for (let at = 0; at <= line.length; at += (line.codePointAt(at) ?? 0) > 0xffff ? 2 : 1) {
    sticky.lastIndex = at;
    if (sticky.test(line)) return true;
  }
  return false;
}

/** Asserts that testLine agrees with the native RegExp on each line, and returns the answers. */
function agree(pattern: string, flags: string, lines: readonly string[], spec = false): boolean[] {
  const compiled = compileLinePattern(pattern, flags);
  return lines.map((line) => {
    const expected = spec ? nativeAtCodePoints(pattern, flags, line) : native(pattern, flags, line);
    assert.equal(compiled.testLine(line), expected, `/${pattern}/${flags} on ${JSON.stringify(line)}`);
    return expected;
  });
}

const work = (pattern: object): number => (pattern as { work: number }).work;

describe("compileLinePattern: specific cases against the native RegExp", () => {
  const cases: [string, string, string[]][] = [
    ["Listening on", "", ["Listening on :3000", "listening on", "Listening  on", ""]],
    ["a.c", "", ["abc", "a\rc", "a\u2028c", "ac", "a😀c"]],
    ["a.c", "s", ["a\rc", "a\u2028c"]],
    ["^a.c$", "u", ["a😀c", "a\ud83dc"]],
    ["^.$", "u", ["😀", "\ud83d", "ab"]],
    ["^.$", "", ["😀", "\ud83d", "a"]],
    ["^..$", "", ["😀", "ab"]],
    ["\\d+\\.\\d+", "", ["v1.25", "1x2", "١.٢"]],
    ["\\D\\W\\S\\s\\w", "", ["a- \tz", "ab cd", "é! x"]],
    ["\\t\\n|\\r\\f\\v\\0", "", ["\r\f\v\0", "\t", "x"]],
    ["\\x41\\u0042\\cI?", "", ["AB", "AB\t", "ab"]],
    ["\\u{1F600}", "u", ["😀", "u{1F600}"]],
    ["\\u{3}", "", ["uuu", "uu", "u{3}"]],
    ["\\ud83d\\ude00", "u", ["😀", "x😀y"]],
    ["\\ud83d", "u", ["😀", "\ud83d"]],
    ["\\ud83d", "", ["😀"]],
    ["\\c1|\\x|\\u|\\q", "", ["\\c1", "x", "u", "q", "c"]],
    ["\\101\\8\\0\\7", "", ["A8\0\x07", "A\b\0"]],
    ["\\$\\^\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\/\\\\", "", ["$^.*+?()[]{}|/\\", "x"]],
    ["a{2}|b{2,}|c{1,2}d|x{,2}|y{", "", ["aa", "bbb", "ccd", "cd", "x{,2}", "y{", "a b c"]],
    ["[a-f\\d]+z", "", ["beef9z", "xyz", "Z"]],
    ["^[^\\s\\d-]+$", "", ["abc", "ab c", "a-b", "ä"]],
    ["[\\b][\\cA][\\c_][\\-]", "", ["\b\x01\x1f-", "\b\x01_-"]],
    ["[]|[^]", "", ["", "x"]],
    ["[]", "", ["", "x"]],
    ["^$", "", ["", "x"]],
    ["^$", "m", ["", "\r", "a\rb"]],
    ["^b", "", ["ab", "b", "a\rb", "a\u2028b"]],
    ["^b", "m", ["a\rb", "a\u2028b", "a\u2029b", "ab"]],
    ["a$", "", ["a\r", "a", "ab"]],
    ["a$", "m", ["a\r", "a\u2028x", "ab"]],
    ["^\\s*at .*\\.ts:\\d+", "", ["    at main (src/x.ts:12:3)", "at y.js:1", "x  at a.ts:1"]],
    ["\\bfoo\\b", "", ["foo", "a foo.", "foobar", "_foo", "éfooé"]],
    ["\\Bo\\B", "", ["foo", "o", "xox"]],
    ["^\\b|\\b$", "", ["", " ", "a", " a "]],
    ["cat|dog|(?:bird|fish)s", "", ["hotdog", "birds", "bird", "fishs"]],
    ["(?<word>ab)+c", "", ["ababc", "ac"]],
    ["(a|b)*?c+?", "", ["abbc", "ab"]],
    ["é", "i", ["É", "e", "é"]],
    ["ÉCOLE", "i", ["école", "ecole"]],
    ["\\u212a", "i", ["k", "K", "\u212a"]],
    ["\\u212a", "iu", ["k", "K", "\u212a"]],
    ["k", "iu", ["\u212a", "K"]],
    ["\\w", "iu", ["\u017f", "\u212a"]],
    ["\\bs", "iu", ["\u017fs", " s"]],
    ["ß", "i", ["SS", "ẞ"]],
    ["σ", "iu", ["Σ", "ς"]],
    ["\\p{L}+\\P{L}", "u", ["été!", "123", "日本語1"]],
    ["\\p{Script=Greek}", "u", ["α", "a"]],
    ["^\\p{Lu}", "v", ["Éa", "éa"]],
    ["[\\p{L}--[a-z]]", "v", ["a", "É", "1"]],
    ["[[a-z]&&[^aeiou]]+$", "v", ["xyz", "aei"]],
    ["[\\d\\-]", "v", ["-", "5", "x"]],
    ["😀+", "", ["😀", "😀\ude00"]],
    ["😀+", "u", ["😀😀", "\ud83d"]],
    ["[😀]", "", ["\ud83d", "x"]],
    ["[😀]", "u", ["\ud83d", "😀"]],
    ["(?:)", "", ["", "x"]],
    ["a||b", "", ["", "c"]],
  ];
  for (const [pattern, flags, lines] of cases) {
    it(`/${pattern}/${flags}`, () => {
      agree(pattern, flags, lines);
    });
  }

  it("keeps source and flags", () => {
    const compiled = compileLinePattern("a+", "im");
    assert.equal(compiled.source, "a+");
    assert.equal(compiled.flags, "im");
  });

  it("matches a line on its first maxLineChars code units only", () => {
    const compiled = compileLinePattern("xy$", "", { maxLineChars: 10 });
    assert.equal(compiled.testLine("abcdefghxy"), true);
    assert.equal(compiled.testLine("abcdefghxyz"), true);
    assert.equal(compiled.testLine("abcdefghixy"), false);
    const pair = compileLinePattern("^a\\ud83d$", "u", { maxLineChars: 2 });
    assert.equal(pair.testLine("a😀"), new RegExp("^a\\ud83d$", "u").test("a😀".slice(0, 2)));
  });
});

describe("findLine", () => {
  const text = "first line\nready in 12 ms\n\nERROR: boom\r\nlast line";
  it("returns the start of the first matching line at or after from", () => {
    const ready = compileLinePattern("ready in \\d+ ?ms");
    assert.equal(ready.findLine(text), 11);
    assert.equal(ready.findLine(text, 11), 11);
    assert.equal(ready.findLine(text, 26), -1);
    assert.equal(compileLinePattern("error", "i").findLine(text), 27);
    assert.equal(compileLinePattern("boom$").findLine(text), -1);
    assert.equal(compileLinePattern("boom$", "m").findLine(text), 27);
    assert.equal(compileLinePattern("^last line$").findLine(text), 40);
    assert.equal(compileLinePattern("^first").findLine(text, 11), -1);
  });

  it("counts empty lines, but not an empty remainder after a final newline", () => {
    assert.equal(compileLinePattern("^$").findLine(text), 26);
    assert.equal(compileLinePattern("^$").findLine("a\n"), -1);
    assert.equal(compileLinePattern("^$").findLine("a\n\n"), 2);
    assert.equal(compileLinePattern("x*").findLine(""), -1);
    assert.equal(compileLinePattern("x*").findLine("abc", 3), -1);
    assert.equal(compileLinePattern("c").findLine("a\nb\nc"), 4);
  });

  it("ignores what lies past maxLineChars on a long line, and goes on with the next line", () => {
    const long = "a".repeat(3000) + "needle\nneedle";
    assert.equal(compileLinePattern("needle").findLine(long), 3007);
    assert.equal(compileLinePattern("needle", "", { maxLineChars: 4000 }).findLine(long), 0);
    assert.equal(compileLinePattern("a$").findLine(long), 0);
  });

  it("agrees with the native RegExp applied line by line", () => {
    const alphabet = fc.constantFrom("a", "b", " ", "1", "\n", "\n", "é");
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 60 }), fc.constantFrom("^a", "b$", "\\bab", "a?b+$", "^$"),
        (body, pattern) => {
          const lines = body === "" ? [] : body.split("\n");
          if (body.endsWith("\n")) lines.pop();
          let at = 0;
          let expected = -1;
          for (const line of lines) {
            if (new RegExp(pattern).test(line)) {
              expected = at;
              break;
            }
            at += line.length + 1;
          }
          assert.equal(compileLinePattern(pattern).findLine(body), expected);
        }),
      { numRuns: 500 },
    );
  });
});

describe("compileLinePattern: refusals", () => {
  const refuses = (pattern: string, flags: string, message: RegExp) =>
    assert.throws(() => compileLinePattern(pattern, flags), (e) => e instanceof PatternError && message.test(e.message),
      `/${pattern}/${flags}`);

  it("rethrows the engine's syntax error", () => {
    let engine = "";
    try {
      new RegExp("(", "");
    } catch (error) {
      engine = (error as Error).message;
    }
    assert.throws(() => compileLinePattern("("), (e: unknown) => e instanceof PatternError && e.message === engine);
    refuses("a{2,1}", "", /./);
    refuses("a{", "u", /./);
    refuses("a", "uv", /./);
    refuses("a", "ii", /./);
  });

  it("refuses backreferences and lookaround, which cannot run in linear time", () => {
    refuses("(a)\\1", "", /Backreferences.*linear-time/);
    refuses("(?<n>a)\\k<n>", "", /Backreferences.*linear-time/);
    refuses("\\k<n>(?<n>a)", "u", /Backreferences.*linear-time/);
    refuses("a(?=b)", "", /Lookahead.*linear-time/);
    refuses("a(?!b)", "", /Lookahead.*linear-time/);
    refuses("(?<=a)b", "", /Lookbehind.*linear-time/);
    refuses("(?<!a)b", "", /Lookbehind.*linear-time/);
  });

  it("reads \\N as an octal or identity escape when there are fewer groups (Annex B)", () => {
    agree("(a)|\\2", "", ["\x02", "b"]);
    agree("(a)\\18", "", ["a\x018", "a"]);
    agree("\\8\\9", "", ["89"]);
  });

  it("refuses flags other than i, m, s, u and v, naming the flag", () => {
    refuses("a", "g", /flag "g"/);
    refuses("a", "iy", /flag "y"/);
    refuses("a", "d", /flag "d"/);
  });

  it("refuses patterns too complex or too long", () => {
    refuses("(a{1000}){1000}", "", /too complex/);
    refuses("(?:(?:){1000}){1000}", "", /too complex/);
    refuses("a{0,99999}", "", /too complex/);
    refuses("a".repeat(1025), "", /over 1024 characters/);
    assert.equal(compileLinePattern("a".repeat(1024)).testLine("a".repeat(1024)), true);
  });

  it("refuses strings in v-mode classes and properties of strings", () => {
    refuses("[\\q{abc}]", "v", /not supported/);
    refuses("\\p{RGI_Emoji}", "v", /not supported/);
  });
});

describe("linear work on hostile patterns", () => {
  const line = "a".repeat(2048);
  const hostilePatterns = ["(a+)+$", "(a|a)*[bc]", "(.*){20}[xy]", ".*.*.*.*.*[xy]", "(a*)*[bc]", "(?:a?){30}a{30}[bc]",
    "(\\w+\\s?)+$", "(a|a)*b", "(.*){20}x", ".*.*.*.*.*x"];
  for (const pattern of hostilePatterns) {
    it(`/${pattern}/ on a 2048-character line`, () => {
      const compiled = compileLinePattern(pattern);
      const short = "a".repeat(4) + (pattern.endsWith("$") ? "!" : "");
      assert.equal(compiled.testLine(short), native(pattern, "", short));
      const hostile = pattern.endsWith("$") ? line.slice(0, 2047) + "!" : line;
      const before = work(compiled);
      assert.equal(compiled.testLine(hostile), false);
      assert.ok(work(compiled) - before < 200 * hostile.length, `work ${work(compiled) - before}`);
    });
  }

  it("stays exact when the DFA cache fills up and is cleared", () => {
    const pattern = "[ab]*a[ab]{13}c";
    const compiled = compileLinePattern(pattern);
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("a", "b"), minLength: 500, maxLength: 2000 }), fc.boolean(),
        (body, end) => {
          const line = body + (end ? "c" : "");
          assert.equal(compiled.testLine(line), native(pattern, "", line));
        }),
      { numRuns: 30 },
    );
  });
});

describe("cache limits", () => {
  it("drops the non-ASCII character classes when there are too many, and reuses their ids", () => {
    const tests = ["\u4e00", "\u4e01", "\u4e02"].map((c) => new RegExp(`^(?:${c})$`));
    const classes = new CharClasses(tests, /^\w$/, /^[\u4e00-\u4e02]$/, 5);
    assert.equal(classes.count, 3); // ASCII: word characters, line terminators, the rest
    const [a, b] = [classes.of(0x4e00), classes.of(0x4e01)];
    assert.deepEqual([a, b, classes.resets], [3, 4, 0]);
    const c = classes.of(0x4e02);
    assert.deepEqual([c, classes.resets, [...classes.accepts[c]!]], [3, 1, [0, 0, 1]]);
    assert.equal(classes.of(0x4e00), 4);
    assert.deepEqual([...classes.accepts[4]!], [1, 0, 0]);
    assert.equal(classes.of(0x4e03), classes.ascii[0x21]); // no atom accepts it: the class of "!"
  });

  it("keeps a class per atom for 1024 distinct atoms, so their characters stay cached", () => {
    const pattern = Array.from({ length: 1024 }, (_, i) => String.fromCharCode(0x4e00 + i)).join("");
    const compiled = compileLinePattern(pattern);
    assert.equal(compiled.testLine(`x${pattern}`), true);
    assert.equal(compiled.testLine(`x${pattern.slice(0, -1)}\u4dff`), false);
    assert.equal((compiled as unknown as { classes: CharClasses }).classes.resets, 0);
  });
});

describe("differential: random patterns against the native RegExp", () => {
  const atom = fc.constantFrom("a", "b", "é", "É", " ", "1", "-", "\\r", ".", "[ab]", "[^a\\s]", "[a-é]", "[\\d-]",
    "\\d", "\\w", "\\s", "\\D", "\\W", "\\S", "\\u00e9", "\\x61", "😀", "[😀a]", "\\-", "[^]");
  const anchor = fc.constantFrom("^", "$", "\\b", "\\B");
  const quantifier = fc.constantFrom("*", "+", "?", "{2}", "{1,}", "{0,2}", "*?", "+?", "??", "{1,3}?", "{0}");
  const pattern: fc.Memo<string> = fc.memo((n) => {
    if (n <= 1) return fc.oneof(atom, anchor);
    const open = fc.constantFrom("(", "(?:", "(?<g>");
    const group = fc.tuple(open, pattern(n - 1)).map(([start, body]) => `${start}${body})`);
    return fc.oneof(
      atom,
      anchor,
      fc.tuple(fc.oneof(atom, group), quantifier).map(([body, q]) => body + q),
      fc.array(pattern(n - 1), { minLength: 2, maxLength: 4 }).map((items) => items.join("")),
      fc.array(pattern(n - 1), { minLength: 2, maxLength: 3 }).map((items) => items.join("|")),
      group,
    );
  });
  const lineChar = fc.constantFrom("a", "b", "\u00e9", "\u00c9", " ", "1", "-", "\r", "😀", "\ud83d", "\u2028");
  const lines = fc.array(fc.string({ unit: lineChar, maxLength: 30 }), { minLength: 1, maxLength: 6 });
  for (const flags of ["", "i", "m", "s", "u", "iu", "ms", "imsu", "v"]) {
    it(`flags "${flags}"`, () => {
      fc.assert(
        fc.property(pattern(4), lines, (source, sample) => {
          try {
            new RegExp(source, flags);
          } catch {
            return;
          }
          agree(source, flags, sample, true);
        }),
        { numRuns: 400 },
      );
    });
  }
});
