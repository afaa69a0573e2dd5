// The token comparison of docs/api.md §6: constant time, and true exactly when the strings are equal.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { constantTimeEqual } from "../../src/http/auth.ts";

const TOKEN = "tok-3f9a1c7e5b2d4086a1";

describe("constantTimeEqual", () => {
  it("is true exactly for equal strings", () => {
    const cases: [string, string, boolean][] = [
      ["", "", true],
      ["a", "a", true],
      [TOKEN, TOKEN, true],
      ["é🙂", "é🙂", true],
      ["", "a", false],
      ["a", "", false],
      ["a", "b", false],
      ["ab", "abab", false],
      ["abab", "ab", false],
      ["abc", "abd", false],
      ["xbc", "abc", false],
      ["é", "e", false],
      ["\u0000", "", false],
      ["a\u0000", "a", false],
    ];
    for (const [a, b, equal] of cases) assert.equal(constantTimeEqual(a, b), equal, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  });

  it("agrees with === on random strings, including near misses", () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.string({ unit: "binary-ascii" }));
    fc.assert(fc.property(text, text, (a, b) => constantTimeEqual(a, b) === (a === b)), { numRuns: 500 });
    fc.assert(
      fc.property(text, fc.nat(), fc.string({ minLength: 1, maxLength: 1 }), (a, at, ch) => {
        // One character replaced, inserted or removed anywhere.
        const i = a.length === 0 ? 0 : at % a.length;
        for (const b of [a.slice(0, i) + ch + a.slice(i + 1), a.slice(0, i) + ch + a.slice(i), a.slice(0, i) + a.slice(i + 1)]) {
          if (constantTimeEqual(a, b) !== (a === b)) return false;
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });
});
