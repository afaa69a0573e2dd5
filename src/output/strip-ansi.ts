/**
 * Terminal output as plain text for a model (docs/api.md §4.11, `strip_ansi`): escape sequences removed, CRLF
 * turned into LF. What is removed:
 * - CSI sequences, `ESC [` (or the 8-bit `0x9b`), parameters, intermediates and a final byte: colours, cursor
 *   moves, erases, mode switches such as `ESC [ ? 1049 h`;
 * - string sequences up to their terminator (BEL or `ESC \`): OSC `ESC ]` (titles, hyperlinks), DCS `ESC P`,
 *   SOS `ESC X`, PM `ESC ^`, APC `ESC _`;
 * - charset designations (`ESC ( B`, `ESC ) 0`, `ESC * X`, `ESC + X`, `ESC % G`, `ESC # 8`), single shifts
 *   (`ESC N x`, `ESC O x`) and the other two-byte escapes (`ESC =`, `ESC >`, `ESC 7`, `ESC 8`, `ESC c`, `ESC M`...);
 * - the shift controls SI and SO and a lone BEL;
 * - the CRs before a LF (CRLF, and the CRCRLF a terminal makes of a program's own CRLF).
 * A lone CR (a progress bar redrawing its line) is kept: what it overwrote is still the text that was written.
 * @module
 */

const ESC = "\x1b";

/** The result of {@link stripAnsi}. */
export interface StrippedText {
  /** The text without escape sequences, CRLF as LF. */
  text: string;
  /**
   * An escape sequence at the end of the input that is not complete yet (the rest may not have been written):
   * left out of {@link text}; a reader that goes on should read it again with what follows.
   */
  incompleteTail: string;
}

/**
 * `input` without terminal escape sequences.
 * @example
 * ```ts
 * stripAnsi("\x1b[31mred\x1b[0m\r\n").text; // "red\n"
 * ```
 */
export function stripAnsi(input: string): StrippedText {
  if (!/[\x1b\x9b\r\x07\x0e\x0f]/.test(input)) return { text: input, incompleteTail: "" };
  let out = "";
  let i = 0;
  const n = input.length;
  while (i < n) {
    const ch = input[i]!;
    if (ch === ESC || ch === "\x9b") {
      const end = sequenceEnd(input, i);
      if (end < 0) return { text: out, incompleteTail: input.slice(i) };
      i = end;
      continue;
    }
    if (ch === "\r") {
      // CRs before a LF (a program's own \r\n, made \r\r\n by the terminal) end the line with the LF alone.
      let j = i + 1;
      while (input[j] === "\r") j++;
      if (j === n) return { text: out, incompleteTail: input.slice(i) };
      if (input[j] === "\n") {
        i = j;
        continue;
      }
    }
    if (ch !== "\x07" && ch !== "\x0e" && ch !== "\x0f") out += ch;
    i++;
  }
  return { text: out, incompleteTail: "" };
}

/** The index after the sequence that starts at `start`, or -1 when the input ends inside it. */
function sequenceEnd(s: string, start: number): number {
  let i = start + 1;
  if (s[start] === ESC) {
    if (i >= s.length) return -1;
    const next = s[i]!;
    if (next === "[") i++;
    else if ("]PX^_".includes(next)) return stringEnd(s, i + 1);
    else if ("()*+-./%#".includes(next)) return i + 2 <= s.length ? i + 2 : -1;
    else if (next === "N" || next === "O") return i + 2 <= s.length ? i + 2 : -1;
    else return i + 1; // any other two-byte escape
  }
  // CSI: parameter bytes 0x30–0x3F, intermediate bytes 0x20–0x2F, one final byte 0x40–0x7E.
  while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x3f) i++;
  while (i < s.length && s.charCodeAt(i) >= 0x20 && s.charCodeAt(i) <= 0x2f) i++;
  if (i >= s.length) return -1;
  const final = s.charCodeAt(i);
  // Not a final byte: a broken sequence ends here, and what follows is text.
  return final >= 0x40 && final <= 0x7e ? i + 1 : i;
}

/** Characters a string sequence may hold before it is taken as broken, so one never swallows the whole output. */
const MAX_STRING_SEQUENCE = 4096;

/**
 * The index after the terminator (BEL or ESC \) of a string sequence whose body starts at `i`, or -1; past
 * {@link MAX_STRING_SEQUENCE} without one, only the introducer is dropped and the body reads as text.
 */
function stringEnd(s: string, i: number): number {
  const limit = i + MAX_STRING_SEQUENCE;
  for (; i < s.length; i++) {
    if (i >= limit) return limit - MAX_STRING_SEQUENCE;
    if (s[i] === "\x07") return i + 1;
    if (s[i] === ESC) {
      if (i + 1 >= s.length) return -1;
      if (s[i + 1] === "\\") return i + 2;
    }
  }
  return -1;
}
