/**
 * Parser of JavaScript regular-expression syntax for the linear-time line matcher ({@link ./line-pattern.ts}).
 * It only finds the structure of a pattern (alternation, concatenation, repetition, anchors, word boundaries)
 * and the extent of each atom; what an atom matches is left to the JS engine, one character at a time.
 * The pattern has been validated by the engine's own `RegExp` before it gets here.
 * @module
 */

/**
 * A pattern the matcher refuses: invalid syntax (the JS engine's own message), an unsupported construct, or too
 * complex. The message is one sentence, meant for the user (a 400 response).
 * @example
 * ```ts
 * const refuse = (pattern: string) => new PatternError(`The pattern ${pattern} is not supported.`);
 * refuse("(a)\\1").message; // "The pattern (a)\1 is not supported."
 * ```
 */
export class PatternError extends Error {
  /** An error with `message`, named "PatternError". */
  constructor(message: string) {
    super(message);
    this.name = "PatternError";
  }
}

/** `^` without the "m" flag. */ export const ASSERT_BEGIN = 0;
/** `$` without the "m" flag. */ export const ASSERT_END = 1;
/** `^` with the "m" flag. */ export const ASSERT_LINE_BEGIN = 2;
/** `$` with the "m" flag. */ export const ASSERT_LINE_END = 3;
/** `\b`. */ export const ASSERT_WORD = 4;
/** `\B`. */ export const ASSERT_NOT_WORD = 5;

/** The tree of a parsed pattern; `atom` indexes {@link ParsedPattern.atoms}, an empty `seq` matches "". */
export type PatternNode =
  | { readonly type: "atom"; readonly atom: number }
  | { readonly type: "assert"; readonly assertion: number }
  | { readonly type: "seq"; readonly items: readonly PatternNode[] }
  | { readonly type: "alt"; readonly items: readonly PatternNode[] }
  | { readonly type: "repeat"; readonly body: PatternNode; readonly min: number; readonly max: number };

/** A parsed pattern: its tree and the distinct sources of its one-character atoms. */
export interface ParsedPattern {
  /** The tree. */
  readonly root: PatternNode;
  /** Sources such as `a`, `\d`, `[^x-z]`, `.`, `\p{L}`; each matches exactly one character (code point with u/v). */
  readonly atoms: readonly string[];
}

const NOT_LINEAR = "not supported: patterns run on a linear-time matcher";
const backreference = (ref: string): PatternError => new PatternError(`Backreferences (${ref}) are ${NOT_LINEAR}.`);
const QUANTIFIER = /\{(\d+)(?:(,)(\d*))?\}/y;
const HEX2 = /[0-9a-fA-F]{2}/y;
const HEX4 = /[0-9a-fA-F]{4}/y;
const STRING_PROPERTIES = new Set([
  "Basic_Emoji", "Emoji_Keycap_Sequence", "RGI_Emoji_Modifier_Sequence", "RGI_Emoji_Flag_Sequence",
  "RGI_Emoji_Tag_Sequence", "RGI_Emoji_ZWJ_Sequence", "RGI_Emoji",
]);

function matchAt(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

/**
 * Parses a pattern the JS engine has accepted with `flags`; throws {@link PatternError} on the constructs that
 * cannot run in linear time (backreferences, lookaround) and on those this matcher does not handle.
 * @example
 * ```ts
 * parsePattern("a+|b", "").atoms; // ["a", "b"]
 * ```
 */
export function parsePattern(source: string, flags: string): ParsedPattern {
  const parser = new Parser(source, flags);
  const root = parser.alternation();
  if (parser.pos < source.length) throw new PatternError(`Unexpected "${source[parser.pos]}" in the pattern.`);
  return { root, atoms: parser.atoms };
}

class Parser {
  pos = 0;
  readonly atoms: string[] = [];
  private readonly atomIds = new Map<string, number>();
  private readonly unicode: boolean;
  private readonly sets: boolean;
  private readonly multiline: boolean;
  private groups = 0;
  private named = false;
  private readonly src: string;

  constructor(src: string, flags: string) {
    this.src = src;
    this.sets = flags.includes("v");
    this.unicode = this.sets || flags.includes("u");
    this.multiline = flags.includes("m");
    this.countGroups();
  }

  alternation(): PatternNode {
    const items = [this.sequence()];
    while (this.src[this.pos] === "|") {
      this.pos++;
      items.push(this.sequence());
    }
    return items.length === 1 ? items[0]! : { type: "alt", items };
  }

  private sequence(): PatternNode {
    const items: PatternNode[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== "|" && this.src[this.pos] !== ")") {
      const term = this.term();
      items.push(this.quantified(term));
    }
    return items.length === 1 ? items[0]! : { type: "seq", items };
  }

  private quantified(body: PatternNode): PatternNode {
    const ch = this.src[this.pos];
    let min: number;
    let max: number;
    if (ch === "*" || ch === "+" || ch === "?") {
      this.pos++;
      min = ch === "+" ? 1 : 0;
      max = ch === "?" ? 1 : Infinity;
    } else if (ch === "{" && matchAt(QUANTIFIER, this.src, this.pos)) {
      const m = matchAt(QUANTIFIER, this.src, this.pos)!;
      this.pos += m[0].length;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
    } else {
      return body;
    }
    if (this.src[this.pos] === "?") this.pos++; // lazy: the same set of matching lines
    return { type: "repeat", body, min, max };
  }

  private term(): PatternNode {
    const src = this.src;
    const ch = src[this.pos]!;
    if (ch === "^" || ch === "$") {
      this.pos++;
      const begin = this.multiline ? ASSERT_LINE_BEGIN : ASSERT_BEGIN;
      const end = this.multiline ? ASSERT_LINE_END : ASSERT_END;
      return { type: "assert", assertion: ch === "^" ? begin : end };
    }
    if (ch === "(") return this.group();
    if (ch === "[") return this.atom(this.pos, this.classEnd(this.pos));
    if (ch === "\\") return this.escape();
    const width = this.unicode && this.isPair(this.pos) ? 2 : 1;
    return this.atom(this.pos, this.pos + width);
  }

  private group(): PatternNode {
    const src = this.src;
    let at = this.pos + 1;
    if (src[at] === "?") {
      const next = src[at + 1];
      if (next === ":") at += 2;
      else if (next === "=" || next === "!") throw new PatternError(`Lookahead (?${next} is ${NOT_LINEAR}.`);
      else if (next === "<" && (src[at + 2] === "=" || src[at + 2] === "!")) {
        throw new PatternError(`Lookbehind (?<${src[at + 2]} is ${NOT_LINEAR}.`);
      } else if (next === "<") at = src.indexOf(">", at) + 1;
      else throw new PatternError("Modifier groups such as (?i:...) are not supported.");
    }
    this.pos = at;
    const inner = this.alternation();
    if (src[this.pos] !== ")") throw new PatternError("Unterminated group in the pattern.");
    this.pos++;
    return inner;
  }

  private escape(): PatternNode {
    const src = this.src;
    const start = this.pos;
    const ch = src[start + 1];
    if (ch === undefined) throw new PatternError("The pattern ends with a backslash.");
    if (ch === "b" || ch === "B") {
      this.pos += 2;
      return { type: "assert", assertion: ch === "b" ? ASSERT_WORD : ASSERT_NOT_WORD };
    }
    if (ch >= "1" && ch <= "9") {
      const value = Number(matchAt(/\d+/y, src, start + 1)![0]);
      if (this.unicode || value <= this.groups) throw backreference(`\\${value}`);
      if (ch === "8" || ch === "9") return this.atom(start, start + 2);
      return this.atom(start, this.octalEnd(start + 1));
    }
    if (ch === "0") return this.atom(start, this.unicode ? start + 2 : this.octalEnd(start + 1));
    if (ch === "k" && (this.unicode || this.named)) throw backreference("\\k<name>");
    if (ch === "x") return this.atom(start, matchAt(HEX2, src, start + 2) ? start + 4 : start + 2);
    if (ch === "u") return this.atom(start, this.unicodeEscapeEnd(start));
    if (ch === "c") {
      if (/[a-zA-Z]/.test(src[start + 2] ?? "")) return this.atom(start, start + 3);
      // Annex B: a "\" not followed by a control letter is a literal backslash, then "c" reads on.
      this.pos = start + 1;
      return this.literalAtom("\\\\");
    }
    if ((ch === "p" || ch === "P") && this.unicode) return this.atom(start, this.propertyEnd(start));
    const width = this.unicode && this.isPair(start + 1) ? 3 : 2;
    return this.atom(start, start + width);
  }

  private octalEnd(at: number): number {
    const first = this.src[at]!;
    let end = at + 1;
    const more = first <= "3" ? 2 : 1;
    for (let i = 0; i < more && /[0-7]/.test(this.src[end] ?? ""); i++) end++;
    return end;
  }

  private unicodeEscapeEnd(start: number): number {
    const src = this.src;
    if (this.unicode && src[start + 2] === "{") return src.indexOf("}", start) + 1;
    if (!matchAt(HEX4, src, start + 2)) return start + 2;
    const unit = parseInt(src.slice(start + 2, start + 6), 16);
    if (this.unicode && unit >= 0xd800 && unit <= 0xdbff && src.startsWith("\\u", start + 6)) {
      if (matchAt(HEX4, src, start + 8)) {
        const trail = parseInt(src.slice(start + 8, start + 12), 16);
        if (trail >= 0xdc00 && trail <= 0xdfff) return start + 12;
      }
    }
    return start + 6;
  }

  private propertyEnd(start: number): number {
    const end = this.src.indexOf("}", start) + 1;
    const name = this.src.slice(start + 3, end - 1);
    if (this.sets && STRING_PROPERTIES.has(name)) {
      throw new PatternError(`Properties of strings such as \\p{${name}} are not supported.`);
    }
    return end;
  }

  /** The index just after the `]` that closes the class opened at `start` (nested classes with v). */
  private classEnd(start: number): number {
    const src = this.src;
    let depth = 0;
    let i = start;
    while (i < src.length) {
      const ch = src[i];
      if (ch === "\\") {
        if (this.sets && src[i + 1] === "q") throw new PatternError("Strings \\q{...} in classes are not supported.");
        if (this.unicode && (src[i + 1] === "p" || src[i + 1] === "P")) {
          i = this.propertyEnd(i);
          continue;
        }
        i += 2;
        continue;
      }
      if (ch === "[" && (depth === 0 || this.sets)) {
        depth++;
        i += src[i + 1] === "^" ? 2 : 1;
        if (!this.sets && src[i] === "]") return i + 1; // [] and [^]
        continue;
      }
      if (ch === "]") {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    throw new PatternError("Unterminated character class in the pattern.");
  }

  private atom(start: number, end: number): PatternNode {
    this.pos = end;
    return this.literalAtom(this.src.slice(start, end));
  }

  private literalAtom(source: string): PatternNode {
    let id = this.atomIds.get(source);
    if (id === undefined) {
      id = this.atoms.length;
      this.atoms.push(source);
      this.atomIds.set(source, id);
    }
    return { type: "atom", atom: id };
  }

  private isPair(at: number): boolean {
    const lead = this.src.charCodeAt(at);
    const trail = this.src.charCodeAt(at + 1);
    return lead >= 0xd800 && lead <= 0xdbff && trail >= 0xdc00 && trail <= 0xdfff;
  }

  /** Counts the capturing groups, which decide whether `\N` is a backreference (Annex B). */
  private countGroups(): void {
    const src = this.src;
    for (let i = 0; i < src.length; i++) {
      const ch = src[i];
      if (ch === "\\") i++;
      else if (ch === "[") i = this.classEnd(i) - 1;
      else if (ch === "(" && src[i + 1] !== "?") this.groups++;
      else if (ch === "(" && src[i + 2] === "<" && src[i + 3] !== "=" && src[i + 3] !== "!") {
        this.groups++;
        this.named = true;
      }
    }
  }
}
