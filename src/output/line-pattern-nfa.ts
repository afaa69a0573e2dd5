/**
 * Thompson NFA of a parsed line pattern ({@link ./line-pattern-parse.ts}): one array entry per state, epsilon
 * moves as splits, `^ $ \b \B` as assertion states that the simulation resolves between two characters.
 * @module
 */

import * as parse from "./line-pattern-parse.ts";
import { PatternError, type PatternNode } from "./line-pattern-parse.ts";

// Local copies: a transpiler may turn imported bindings into getters, slow in the simulation's inner loop.
const { ASSERT_BEGIN, ASSERT_END, ASSERT_LINE_BEGIN, ASSERT_LINE_END, ASSERT_WORD } = parse;

/** Consumes one character accepted by atom `arg`, then goes to `next`. */ export const OP_CHAR = 0;
/** Goes to both `next` and `alt`. */ export const OP_SPLIT = 1;
/** Goes to `next` when assertion `arg` holds between the two characters. */ export const OP_ASSERT = 2;
/** Goes to `next`. */ export const OP_EMPTY = 3;
/** The pattern has matched. */ export const OP_MATCH = 4;

/** The automaton: parallel arrays indexed by state, and the start state. */
export interface Nfa {
  /** OP_* of each state. */
  readonly op: readonly number[];
  /** The atom of an OP_CHAR, the assertion of an OP_ASSERT. */
  readonly arg: readonly number[];
  /** The state that follows. */
  readonly next: readonly number[];
  /** The other state that follows an OP_SPLIT. */
  readonly alt: readonly number[];
  /** The state where matching starts. */
  readonly start: number;
}

/**
 * Builds the NFA of `root`; throws {@link PatternError} when it would have more than `maxStates` states
 * (counted repetition copies its body).
 * @example
 * ```ts
 * buildNfa({ type: "atom", atom: 0 }, 10).op; // [4, 0]: OP_MATCH, then OP_CHAR (the start)
 * ```
 */
export function buildNfa(root: PatternNode, maxStates: number): Nfa {
  const op: number[] = [];
  const arg: number[] = [];
  const next: number[] = [];
  const alt: number[] = [];
  const tooComplex = (): never => {
    throw new PatternError(`The pattern is too complex: its automaton would exceed ${maxStates} states.`);
  };
  const add = (o: number, a: number, n: number, b: number): number => {
    if (op.length >= maxStates) tooComplex();
    [op[op.length], arg[arg.length], next[next.length], alt[alt.length]] = [o, a, n, b];
    return op.length - 1;
  };
  const compile = (node: PatternNode, to: number): number => {
    switch (node.type) {
      case "atom":
        return add(OP_CHAR, node.atom, to, -1);
      case "assert":
        return add(OP_ASSERT, node.assertion, to, -1);
      case "seq": {
        let at = to;
        for (let i = node.items.length - 1; i >= 0; i--) at = compile(node.items[i]!, at);
        return node.items.length === 0 ? add(OP_EMPTY, 0, to, -1) : at;
      }
      case "alt": {
        let at = compile(node.items[node.items.length - 1]!, to);
        for (let i = node.items.length - 2; i >= 0; i--) at = add(OP_SPLIT, 0, compile(node.items[i]!, to), at);
        return at;
      }
      case "repeat":
        return repeat(node.body, node.min, node.max, to);
    }
  };
  const repeat = (body: PatternNode, min: number, max: number, to: number): number => {
    if (min > maxStates || (max !== Infinity && max > maxStates)) tooComplex();
    let at = to;
    if (max === Infinity) {
      const loop = add(OP_SPLIT, 0, -1, to);
      next[loop] = compile(body, loop);
      at = loop;
    } else {
      for (let i = min; i < max; i++) at = add(OP_SPLIT, 0, compile(body, at), to);
    }
    for (let i = 0; i < min; i++) at = add(OP_EMPTY, 0, compile(body, at), -1);
    return at;
  };
  const match = add(OP_MATCH, 0, -1, -1);
  const start = compile(root, match);
  return { op, arg, next, alt, start };
}

/** Kind of the character before a position: none (the line's start). */ export const KIND_START = 0;
/** Kind of a word character for `\b` (native `\w` with the pattern's i/u/v). */ export const KIND_WORD = 1;
/** Kind of a line terminator: \n, \r, U+2028, U+2029. */ export const KIND_TERMINATOR = 2;
/** Kind of any other character. */ export const KIND_OTHER = 3;
/** Kind of the character after a position: none (the line's end). */ export const KIND_END = 4;

const MAX_CLASSES = 2048;
const MAX_CACHED_CHARS = 1 << 16;

/**
 * Equivalence classes of characters: two characters are in one class when every atom of the pattern agrees on
 * them and they have the same kind. A table for ASCII, a bounded cache for the rest; when there are 2048 classes
 * the non-ASCII ones are dropped and `resets` is incremented (their ids are reused).
 * @example
 * ```ts
 * const classes = new CharClasses([/^(?:a)$/, /^(?:\d)$/], /^\w$/);
 * classes.of(0x61) === classes.ascii[0x61]; // true
 * ```
 */
export class CharClasses {
  /** The class of each ASCII character. */
  readonly ascii: Int32Array = new Int32Array(128);
  /** Per class, 1 for each atom that accepts its characters. */
  readonly accepts: Uint8Array[] = [];
  /** Per class, its KIND_*. */
  readonly kinds: number[] = [];
  /** How many times the non-ASCII classes were dropped. */
  resets: number = 0;
  private readonly tests: readonly RegExp[];
  private readonly word: RegExp;
  private readonly any: RegExp;
  private readonly maxClasses: number;
  private readonly ids = new Map<string, number>();
  private readonly keys: string[] = [];
  private readonly cache = new Map<number, number>();
  private readonly asciiCount: number;

  /**
   * The classes of a pattern with `flags`: each atom becomes `^(?:atom)$`, tested on one character.
   * @example
   * ```ts
   * CharClasses.of(["a", "\\d"], "i").count; // 5: "aA", digits, other word characters, line terminators, the rest
   * ```
   */
  static of(atoms: readonly string[], flags: string): CharClasses {
    const atomFlags = flags.replace("m", "");
    const tests = atoms.map((atom) => {
      try {
        return new RegExp(`^(?:${atom})$`, atomFlags);
      } catch {
        throw new PatternError(`Unsupported construct ${atom} in the pattern.`);
      }
    });
    const any = new RegExp(`^(?:${atoms.join("|") || "[]"})$`, atomFlags); // one test for most characters
    return new CharClasses(tests, new RegExp("^\\w$", flags.replace(/[ms]/g, "")), any);
  }

  /** Classes for `tests` (one per atom); `word` tells word characters, `any` those some atom accepts. */
  constructor(tests: readonly RegExp[], word: RegExp, any: RegExp = /[^]/, maxClasses: number = MAX_CLASSES) {
    this.maxClasses = maxClasses;
    this.tests = tests;
    this.word = word;
    this.any = any;
    for (let c = 0; c < 128; c++) this.ascii[c] = this.classify(c);
    this.asciiCount = this.kinds.length;
  }

  /** The class of code point (or, without u/v, code unit) `c`. */
  of(c: number): number {
    if (c < 128) return this.ascii[c]!;
    const known = this.cache.get(c);
    if (known !== undefined) return known;
    if (this.cache.size >= MAX_CACHED_CHARS) this.cache.clear();
    const k = this.classify(c);
    this.cache.set(c, k);
    return k;
  }

  /** How many classes there are. */
  get count(): number {
    return this.kinds.length;
  }

  /** The class of `c`, new if no class has its key yet (dropping the non-ASCII ones at 2048 classes). */
  private classify(c: number): number {
    const char = String.fromCodePoint(c);
    const terminator = c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
    const kind = terminator ? KIND_TERMINATOR : this.word.test(char) ? KIND_WORD : KIND_OTHER;
    const accepts = this.any.test(char) ? Uint8Array.from(this.tests, (test) => (test.test(char) ? 1 : 0))
      : new Uint8Array(this.tests.length);
    const key = `${kind}:${accepts.join("")}`;
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    if (this.kinds.length >= this.maxClasses) {
      this.accepts.length = this.kinds.length = this.keys.length = this.asciiCount;
      this.ids.clear();
      this.keys.forEach((k, id) => this.ids.set(k, id));
      this.cache.clear();
      this.resets++;
    }
    const id = this.kinds.length;
    this.accepts.push(accepts);
    this.kinds.push(kind);
    this.keys.push(key);
    this.ids.set(key, id);
    return id;
  }
}

/**
 * Whether no match can be reached any more from `set` after a character of kind `prev`: a `^` without "m" only
 * holds at the line's start, every other state may still lead somewhere.
 * @example
 * ```ts
 * isDead(buildNfa({ type: "assert", assertion: ASSERT_BEGIN }, 10), Int32Array.of(1), KIND_OTHER); // true
 * ```
 */
export function isDead(nfa: Nfa, set: Int32Array, prev: number): boolean {
  const { op, arg, next, alt } = nfa;
  const seen = new Uint8Array(op.length);
  const stack = Array.from(set);
  while (stack.length > 0) {
    const state = stack.pop()!;
    if (seen[state] === 1) continue;
    seen[state] = 1;
    const code = op[state];
    if (code === OP_MATCH) return false;
    if (code === OP_ASSERT && arg[state] === ASSERT_BEGIN && prev !== KIND_START) continue;
    stack.push(next[state]!);
    if (code === OP_SPLIT) stack.push(alt[state]!);
  }
  return true;
}

/**
 * Whether an OP_EMPTY or OP_ASSERT state lets the simulation through between characters of kinds `prev` and `cur`.
 * @example
 * ```ts
 * holds(OP_ASSERT, ASSERT_WORD, KIND_START, KIND_WORD); // true
 * ```
 */
export function holds(op: number, assertion: number, prev: number, cur: number): boolean {
  if (op === OP_EMPTY) return true;
  switch (assertion) {
    case ASSERT_BEGIN:
      return prev === KIND_START;
    case ASSERT_END:
      return cur === KIND_END;
    case ASSERT_LINE_BEGIN:
      return prev === KIND_START || prev === KIND_TERMINATOR;
    case ASSERT_LINE_END:
      return cur === KIND_END || cur === KIND_TERMINATOR;
    case ASSERT_WORD:
      return (prev === KIND_WORD) !== (cur === KIND_WORD);
    default:
      return (prev === KIND_WORD) === (cur === KIND_WORD);
  }
}

/**
 * Whether two sorted state sets are equal.
 * @example
 * ```ts
 * sameSet(Int32Array.of(1, 2), Int32Array.of(1, 2)); // true
 * ```
 */
export function sameSet(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
