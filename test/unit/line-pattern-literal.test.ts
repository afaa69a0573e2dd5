// The matcher's prefilter (src/output/line-pattern-literal.ts): findLine skips to lines holding a required run, also
// one per alternative of a top-level alternation, and answers what a per-line native RegExp answers.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { literalFinder } from "../../src/output/line-pattern-literal.ts";
import { compileLinePattern } from "../../src/output/line-pattern.ts";

/** The first line of `text` the native engine matches, as an index, or -1. */
function nativeFindLine(pattern: string, flags: string, text: string): number {
  const re = new RegExp(pattern, flags);
  let at = 0;
  for (const line of text.split("\n")) {
    if (!(line === "" && at === text.length) && re.test(line)) return at;
    at += line.length + 1;
  }
  return -1;
}

describe("line pattern prefilter", () => {
  it("finds one run per alternative, and none when a branch has no run", () => {
    const atoms = ["E", "R", "p", "a", "\\d"];
    const seq = (...ids: number[]) => ({
      type: "seq" as const,
      items: ids.map((atom) => ({ type: "atom" as const, atom })),
    });
    const alt = { type: "alt" as const, items: [seq(0, 1, 1), seq(2, 3)] };
    assert.equal(literalFinder(alt, atoms, "")?.("xx pa ERR", 0), 3);
    assert.equal(literalFinder(alt, atoms, "i")?.("xx err", 0), 3);
    assert.equal(literalFinder({ type: "alt", items: [seq(0), seq(4)] }, atoms, ""), undefined);
  });

  it("answers as a per-line native RegExp for alternations, with and without i", () => {
    const patterns = ["ERROR|panic: .* at line \\d+", "ready|listening on \\d+", "a\\.b|c\\/d|x", "Ab|cD"];
    for (const flags of ["", "i"]) {
      for (const pattern of patterns) {
        const compiled = compileLinePattern(pattern, flags);
        fc.assert(
          fc.property(fc.array(fc.constantFrom("ERROR", "error", "panic: x at line 4", "ready", "listening on 7", "a.b",
            "c/d", "x", "ab", "AB", "cd", "zz", "", " "), { maxLength: 12 }), (words) => {
            const text = words.join("\n");
            assert.equal(compiled.findLine(text), nativeFindLine(pattern, flags, text), `${pattern}/${flags} ${text}`);
          }),
          { numRuns: 200 },
        );
      }
    }
  });
});
