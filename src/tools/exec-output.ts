/**
 * What `exec_command` and `write_stdin` answer, shaped as Codex's unified exec tools shape it: a short header
 * (wall time, exit code or session id, token count) and the output produced since the session's last read, cut in
 * the middle to the token budget.
 * @module
 */
import { isContinuation } from "../output/utf8.ts";

/** The answer of `exec_command` and `write_stdin`: the fields of Codex's unified exec output. */
export interface ExecSessionResult {
  /** A random id of this piece of output, as Codex gives one. */
  chunk_id: string;
  /** Seconds the call took, start or write included. */
  wall_time_seconds: number;
  /** Set once the process has exited: its code, or 128 + the signal's number when a signal ended it. */
  exit_code?: number;
  /** Set while the process runs: what to pass to `write_stdin`. */
  session_id?: number;
  /** The output's size before the cut, in tokens of ~4 bytes. */
  original_token_count: number;
  output: string;
  /** The signal that ended the process, when one did (`"SIGKILL"`). */
  signal?: string;
}

/** Bytes per token, the estimate Codex uses for its budgets. */
export const BYTES_PER_TOKEN = 4;
/** Codex's default output budget, in tokens. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 10_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// The shell's convention for "killed by signal n" ($? = 128 + n); the names are those a Linux process can get.
const SIGNAL_NUMBERS: Record<string, number> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9,
  SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15,
};

/**
 * The exit code a shell would report: the code itself, or 128 + n for a process ended by signal n (-1 when the
 * signal is not one of the usual fifteen).
 * @example
 * ```ts
 * shellExitCode({ exit_code: -1, signal: "SIGKILL" }); // 137
 * ```
 */
export function shellExitCode(state: { exit_code?: number; signal?: string }): number {
  if (!state.signal) return state.exit_code ?? -1;
  const number = SIGNAL_NUMBERS[state.signal];
  return number === undefined ? -1 : 128 + number;
}

/**
 * The tokens `bytes` bytes count as (rounded up).
 * @example
 * ```ts
 * approxTokens(10); // 3
 * ```
 */
export function approxTokens(bytes: number): number {
  return Math.ceil(bytes / BYTES_PER_TOKEN);
}

/**
 * `head` + `tail` when they are contiguous (`omittedBytes` 0) and fit in `maxBytes`; else their start and their
 * end within `maxBytes` around Codex's marker `…N tokens truncated…`, where N counts every byte left out, the
 * `omittedBytes` between them included. Never cuts inside a UTF-8 character.
 * @example
 * ```ts
 * middleCut("a".repeat(100), "", 0, 40); // 20 a's, "…15 tokens truncated…", 20 a's
 * ```
 */
export function middleCut(head: string, tail: string, omittedBytes: number, maxBytes: number): string {
  let start = encoder.encode(head);
  let end = encoder.encode(tail);
  if (omittedBytes === 0) {
    if (start.length + end.length <= maxBytes) return head + tail;
    const all = encoder.encode(head + tail);
    const middle = backToStart(all, all.length >> 1);
    start = all.subarray(0, middle);
    end = all.subarray(middle);
  }
  const budget = Math.max(0, maxBytes);
  // Half each, and a short side leaves its unused share to the other.
  const headKeep = Math.min(start.length, Math.max(Math.floor(budget / 2), budget - end.length));
  const tailKeep = Math.min(end.length, budget - headKeep);
  const headEnd = backToStart(start, headKeep);
  let tailStart = end.length - tailKeep;
  while (tailStart < end.length && isContinuation(end[tailStart]!)) tailStart++;
  const dropped = omittedBytes + (start.length - headEnd) + tailStart;
  const marker = `\u2026${approxTokens(dropped)} tokens truncated\u2026`;
  return decoder.decode(start.subarray(0, headEnd)) + marker + decoder.decode(end.subarray(tailStart));
}

/**
 * The result as the model reads it, in Codex's layout: one header line per field, then `Output:` and the text.
 * @example
 * ```ts
 * execText(result); // "Chunk ID: 1f0c2a\nWall time: 0.2514 seconds\nProcess exited with code 0\n..."
 * ```
 */
export function execText(result: ExecSessionResult): string {
  const lines = [`Chunk ID: ${result.chunk_id}`, `Wall time: ${result.wall_time_seconds.toFixed(4)} seconds`];
  if (result.exit_code !== undefined) lines.push(`Process exited with code ${result.exit_code}`);
  if (result.session_id !== undefined) lines.push(`Process running with session ID ${result.session_id}`);
  lines.push(`Original token count: ${result.original_token_count}`, "Output:", result.output);
  return lines.join("\n");
}

/**
 * `value` within `min`..`max`.
 * @example
 * ```ts
 * clamp(50, 250, 30_000); // 250
 * ```
 */
export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/**
 * The output budget in bytes of a `max_output_tokens` (default 10000 tokens).
 * @example
 * ```ts
 * outputBudget(undefined); // 40000
 * ```
 */
export function outputBudget(maxOutputTokens: number | undefined): number {
  return Math.floor(maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS) * BYTES_PER_TOKEN;
}

/**
 * Six random hex digits.
 * @example
 * ```ts
 * chunkId(); // "9c41e7"
 * ```
 */
export function chunkId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(3));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The largest index ≤ `end` that starts a character. */
function backToStart(bytes: Uint8Array, end: number): number {
  let i = Math.min(end, bytes.length);
  while (i > 0 && i < bytes.length && isContinuation(bytes[i]!)) i--;
  return i;
}
