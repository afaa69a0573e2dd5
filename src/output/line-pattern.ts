/**
 * Linear-time matching of JavaScript regular expressions against output lines (`until=match&pattern=RE`).
 * The engines' own RegExp backtrack, so a pattern such as `(a+)+$` could stall the event loop; this matcher
 * runs a Thompson NFA as a lazily built DFA, in time O(states × characters) whatever the pattern.
 * What one atom (`a`, `\d`, `[^x-z]`, `.`, `\p{L}`) matches is decided by the engine itself on one character, so
 * classes, escapes, case folding and flags keep their native meaning; only the search is ours. Limits: patterns
 * of at most 1024 characters, NFAs of at most 2000 states (which bounds the work per character: a crafted pattern
 * at the cap costs a few ms per 2048-character line), DFA caches of at most 4096 states, 4 MiB of transitions and
 * 2048 character classes (a full cache is cleared: time stays linear, memory bounded). Backreferences and
 * lookaround are refused: they cannot be matched in linear time.
 * @module
 */
import { parsePattern, PatternError } from "./line-pattern-parse.ts";
import * as nfaModule from "./line-pattern-nfa.ts";
import { type Finder, literalFinder } from "./line-pattern-literal.ts";
import { buildNfa, CharClasses, isDead, type Nfa, sameSet } from "./line-pattern-nfa.ts";
export { PatternError } from "./line-pattern-parse.ts";

/**
 * A compiled pattern, matched line by line.
 * @example
 * ```ts
 * const pattern: LinePattern = compileLinePattern("^error", "i");
 * pattern.findLine("ok\nError: x\n"); // 3
 * ```
 */
export interface LinePattern {
  /** The pattern, as given. */
  readonly source: string;
  /** The flags, as given. */
  readonly flags: string;
  /**
   * Index (UTF-16 code units into `text`) of the start of the first line at or after `from` that matches, or -1.
   * Lines are separated by "\n"; `from` is 0 or just after a "\n"; the last line needs no trailing "\n" (an empty
   * remainder after a final "\n" is not a line). A line longer than `maxLineChars` is matched on its first
   * `maxLineChars` code units only.
   */
  findLine(text: string, from?: number): number;
  /** Whether one line (no "\n" in it) matches, on its first `maxLineChars` code units. */
  testLine(line: string): boolean;
}

const MAX_PATTERN = 1024; // UTF-16 code units
const MAX_NFA_STATES = 2000;
const MAX_DFA_STATES = 4096;
const MAX_TABLE_CELLS = 1 << 20; // 4 MiB of transitions
const MAX_STORED_STATES = 1 << 18; // NFA states in all the DFA states' sets (1 MiB)
// Local copies: a transpiler may turn imported bindings into getters, slow in the inner loops.
const { holds, KIND_END, KIND_OTHER, KIND_START, OP_CHAR, OP_MATCH, OP_SPLIT } = nfaModule;
const [UNKNOWN, ACCEPT, DEAD] = [-1, -2, -3] as const; // transition table entries besides state offsets

/**
 * Compiles `pattern` with `flags` (any of "i", "m", "s", "u", "v", each once; "u" and "v" not together);
 * throws {@link PatternError} on invalid syntax, backreferences, lookaround, and patterns too long or complex.
 * @example
 * ```ts
 * const ready = compileLinePattern("ready in \\d+ ?ms", "i");
 * ready.findLine("building\nREADY in 312 ms\n"); // 9
 * ready.testLine("ready in ms"); // false
 * ```
 */
export function compileLinePattern(pattern: string, flags = "", options: { maxLineChars?: number } = {}): LinePattern {
  if (pattern.length > MAX_PATTERN) throw new PatternError(`The pattern is over ${MAX_PATTERN} characters long.`);
  const flag = [...flags].find((f) => !"imsuv".includes(f));
  if (flag !== undefined) throw new PatternError(`Unsupported flag "${flag}": only i, m, s, u and v are allowed.`);
  try {
    new RegExp(pattern, flags);
  } catch (error) {
    throw new PatternError(error instanceof Error ? error.message : String(error));
  }
  const maxLineChars = options.maxLineChars ?? 2048;
  if (!Number.isInteger(maxLineChars) || maxLineChars < 1) throw new RangeError("maxLineChars must be an integer >= 1");
  const parsed = parsePattern(pattern, flags);
  const nfa = buildNfa(parsed.root, MAX_NFA_STATES);
  const literal = literalFinder(parsed.root, parsed.atoms, flags);
  return new LineAutomaton(pattern, flags, nfa, CharClasses.of(parsed.atoms, flags), maxLineChars, literal);
}

/** The lazy DFA. `work` counts NFA states visited while building it (for tests of linearity). */
class LineAutomaton implements LinePattern {
  readonly source: string;
  readonly flags: string;
  work = 0;
  private readonly nfa: Nfa;
  private readonly classes: CharClasses;
  private readonly unicode: boolean;
  private readonly maxLineChars: number;
  private readonly literal: Finder | undefined;
  /** Whether some state set can be dead: only when the start state itself can be (`^` without "m", `[]`). */
  private readonly mayDie: boolean;
  private stride = 16;
  private trans = new Int32Array(0);
  private sets: Int32Array[] = [];
  private prevs: number[] = [];
  private ends: number[] = [];
  private readonly stateIds = new Map<number, number[]>(); // hash of (set, prev) -> ids
  private generation = 0;
  private stored = 0;
  private initial: number = DEAD;
  private readonly marks: Uint32Array;
  private stamp = 0;
  private readonly stack: Int32Array;
  private readonly buf: Int32Array;

  constructor(source: string, flags: string, nfa: Nfa, classes: CharClasses, maxLineChars: number, literal?: Finder) {
    this.literal = literal;
    this.mayDie = isDead(nfa, Int32Array.of(nfa.start), KIND_OTHER);
    this.source = source;
    this.flags = flags;
    this.nfa = nfa;
    this.classes = classes;
    this.unicode = /[uv]/.test(flags);
    this.maxLineChars = maxLineChars;
    this.marks = new Uint32Array(nfa.op.length);
    this.stack = new Int32Array(nfa.op.length + 1);
    this.buf = new Int32Array(nfa.op.length + 1);
    while (this.stride < classes.count) this.stride *= 2;
    this.flush();
  }

  findLine(text: string, from = 0): number {
    let lineStart = Math.max(0, from);
    while (lineStart < text.length) {
      if (this.literal !== undefined) {
        const hit = this.literal(text, lineStart);
        if (hit < 0) return -1;
        lineStart = Math.max(lineStart, text.lastIndexOf("\n", hit) + 1);
      }
      const stop = this.scanLine(text, lineStart);
      if (stop < 0) return lineStart;
      const newline = text.indexOf("\n", stop);
      if (newline < 0) return -1;
      lineStart = newline + 1;
    }
    return -1;
  }

  /** Runs the line that starts at `lineStart`: -1 if it matches, else where the run stopped. */
  private scanLine(text: string, lineStart: number): number {
    let s = this.initial;
    if (s === DEAD) return text.length;
    const { unicode, classes: { ascii } } = this;
    const limit = Math.min(text.length, lineStart + this.maxLineChars);
    let trans = this.trans;
    let i = lineStart;
    for (; i < limit; i++) {
      let c = text.charCodeAt(i);
      if (c === 10) break;
      let t: number;
      if (c < 128) {
        t = trans[s + ascii[c]!]!;
        if (t === UNKNOWN) {
          t = this.next(s, ascii[c]!);
          trans = this.trans;
        }
      } else {
        const d = unicode && c >= 0xd800 && c <= 0xdbff && i + 1 < limit ? text.charCodeAt(i + 1) : 0;
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
          i++;
        }
        t = this.slow(s, c);
        trans = this.trans;
      }
      if (t < 0) return t === ACCEPT ? -1 : i;
      s = t;
    }
    return this.endAccepts(s) ? -1 : i;
  }

  testLine(line: string): boolean {
    if (line.length > 0) return this.findLine(line, 0) === 0;
    return this.initial !== DEAD && this.endAccepts(this.initial);
  }

  /** The state after the one at offset `off` reads a character of class `k` (caching it). */
  private next(off: number, k: number): number {
    const generation = this.generation;
    const to = this.transition(this.sets[off / this.stride]!, this.prevs[off / this.stride]!, k);
    if (generation === this.generation) this.trans[off + k] = to;
    return to;
  }

  /** {@link next} for a character outside ASCII, whose class may be new (which may clear the caches). */
  private slow(off: number, c: number): number {
    const id = off / this.stride;
    const set = this.sets[id]!;
    const prev = this.prevs[id]!;
    const classes = this.classes;
    const resets = classes.resets;
    const k = classes.of(c);
    if (resets !== classes.resets || k >= this.stride) {
      while (this.stride <= k) this.stride *= 2;
      this.flush();
      return this.transition(set, prev, k);
    }
    const t = this.trans[off + k]!;
    return t === UNKNOWN ? this.next(off, k) : t;
  }

  private endAccepts(off: number): boolean {
    const id = off / this.stride;
    if (this.ends[id] === 0) this.ends[id] = this.closure(this.sets[id]!, this.prevs[id]!, KIND_END) < 0 ? 1 : 2;
    return this.ends[id] === 1;
  }

  private transition(set: Int32Array, prev: number, k: number): number {
    const count = this.closure(set, prev, this.classes.kinds[k]!);
    if (count < 0) return ACCEPT;
    const { arg, next, start } = this.nfa;
    const accepts = this.classes.accepts[k]!;
    const { marks } = this;
    const stamp = ++this.stamp;
    const out: number[] = [start];
    marks[start] = stamp;
    for (let i = 0; i < count; i++) {
      const state = this.buf[i]!;
      const to = next[state]!;
      if (accepts[arg[state]!] === 1 && marks[to] !== stamp) {
        marks[to] = stamp;
        out.push(to);
      }
    }
    out.sort((a, b) => a - b);
    return this.state(Int32Array.from(out), this.classes.kinds[k]!);
  }

  /** Fills `buf` with the character states reachable from `set` between `prev` and `cur`; -1 if it matches. */
  private closure(set: Int32Array, prev: number, cur: number): number {
    const { op, arg, next, alt } = this.nfa;
    const { marks, stack, buf } = this;
    const stamp = ++this.stamp;
    let top = 0;
    let count = 0;
    let visits = 0;
    for (const state of set) stack[top++] = state;
    for (const state of set) marks[state] = stamp;
    while (top > 0) {
      const state = stack[--top]!;
      const code = op[state];
      visits++;
      if (code === OP_CHAR) {
        buf[count++] = state;
        continue;
      }
      if (code === OP_MATCH) {
        count = -1;
        break;
      }
      if (code === OP_SPLIT) {
        const other = alt[state]!;
        if (marks[other] !== stamp) stack[top++] = other;
        marks[other] = stamp;
      } else if (!holds(code, arg[state]!, prev, cur)) continue;
      const to = next[state]!;
      if (marks[to] !== stamp) stack[top++] = to;
      marks[to] = stamp;
    }
    this.work += visits;
    return count;
  }

  /** The offset of the DFA state (`set`, `prev`) in the transition table, or DEAD. */
  private state(set: Int32Array, prev: number): number {
    let hash = prev;
    for (let i = 0; i < set.length; i++) hash = Math.imul(hash ^ set[i]!, 0x01000193);
    for (const id of this.stateIds.get(hash) ?? []) {
      if (this.prevs[id] === prev && sameSet(this.sets[id]!, set)) return id * this.stride;
    }
    if (this.mayDie && isDead(this.nfa, set, prev)) return DEAD;
    const full = this.sets.length >= Math.min(MAX_DFA_STATES, Math.floor(MAX_TABLE_CELLS / this.stride));
    if (full || this.stored + set.length > MAX_STORED_STATES) this.flush();
    this.stored += set.length;
    const id = this.sets.length;
    const rows = this.trans.length / this.stride;
    if (id >= rows) {
      const grown = new Int32Array(Math.min(Math.max(16, rows * 2), MAX_TABLE_CELLS / this.stride) * this.stride);
      grown.fill(UNKNOWN);
      grown.set(this.trans);
      this.trans = grown;
    }
    this.sets.push(set);
    this.prevs.push(prev);
    this.ends.push(0);
    (this.stateIds.get(hash) ?? this.stateIds.set(hash, []).get(hash)!).push(id);
    return id * this.stride;
  }

  /** Clears the DFA cache (all offsets change) and recreates the initial state. */
  private flush(): void {
    this.generation++;
    this.sets = [];
    this.prevs = [];
    this.ends = [];
    this.stateIds.clear();
    this.stored = 0;
    this.trans = new Int32Array(16 * this.stride).fill(UNKNOWN);
    this.initial = this.state(Int32Array.of(this.nfa.start), KIND_START);
  }
}
