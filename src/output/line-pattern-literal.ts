/**
 * The prefilter of the line matcher: a string that every matching line contains, found by a fast native search
 * before the automaton runs on that line only.
 * @module
 */
import type { PatternNode } from "./line-pattern-parse.ts";

/** Where a string occurs in `text` at or after `from`, or -1. */
export type Finder = (text: string, from: number) => number;

/** The most alternatives a prefilter tries at each position. */
const MAX_ALTERNATIVES = 16;

/**
 * A finder of what every matching line contains, to skip to candidate lines: the longest run (up to 32 code units)
 * of plain characters in the top-level sequence, or, for a top-level alternation, one such run per alternative.
 * A single run without "i" is found with `indexOf`; otherwise with a native RegExp of the runs alone (plain
 * characters and `|`, no quantifier: linear). Undefined when some branch has no run.
 * @example
 * ```ts
 * const ok: PatternNode = { type: "seq", items: [{ type: "atom", atom: 0 }, { type: "atom", atom: 1 }] };
 * literalFinder(ok, ["o", "k"], "")?.("look", 0); // 2
 * ```
 */
export function literalFinder(root: PatternNode, atoms: readonly string[], flags: string): Finder | undefined {
  const runs = root.type === "alt" ? root.items.map((item) => longestRun(item, atoms)) : [longestRun(root, atoms)];
  if (runs.length > MAX_ALTERNATIVES || runs.some((run) => run === "")) return undefined;
  if (runs.length === 1 && !flags.includes("i")) {
    const literal = runs[0]!.replace(/\\(.)/g, "$1");
    return (text, from) => text.indexOf(literal, from);
  }
  const re = new RegExp(runs.join("|"), flags.replace(/[ms]/g, "") + "g");
  return (text, from) => {
    re.lastIndex = from;
    return re.exec(text)?.index ?? -1;
  };
}

/** The longest run of plain (or escaped punctuation) one-character atoms in `node`'s own sequence, as source. */
function longestRun(node: PatternNode, atoms: readonly string[]): string {
  let best = "";
  let run = "";
  let count = 0;
  let bestCount = 0;
  for (const item of node.type === "seq" ? node.items : [node]) {
    const source = item.type === "atom" ? atoms[item.atom]! : "";
    const plain = source.length === 1 && !".[\\\n".includes(source);
    const escaped = source.length === 2 && source[0] === "\\" && "^$\\.*+?()[]{}|/".includes(source[1]!);
    run = plain || escaped ? run + source : "";
    count = run === "" ? 0 : count + 1;
    if (count > bestCount && count <= 32) [best, bestCount] = [run, count];
  }
  return best;
}
