/**
 * Waiting for an output line that matches a pattern (docs/api.md §4.5 `until=match`). Waiters of one record with
 * the same pattern share one scan, so a hundred agents waiting for "ready" on a flooding server cost one scan.
 * @module
 */
import { compileLinePattern, type LinePattern } from "../output/line-pattern.ts";
import { LineScanner, type LineMatch } from "../output/line-scanner.ts";
import type { ManagedProcess } from "./managed-process.ts";

export type { LineMatch } from "../output/line-scanner.ts";

/**
 * Bytes matched in one step, per scan: between steps the matching checks its time. A step's size follows the
 * pattern's speed, so a fast one pays little per step (Bun: 0.92 GB/s in 16 KiB steps, 1.5 in 64 KiB) and a slow one
 * still yields often.
 */
const STEP = { first: 16 * 1024, min: 2048, max: 256 * 1024 } as const;
/** A step under this many ms doubles the next one; over four times it halves it. */
const STEP_MS = 1;
/**
 * The most time matching takes before it lets other work run: past it, a scan goes on in a later task, reading
 * from the log what it has not looked at yet. With the matcher's bound on the work per character (a crafted
 * pattern costs a few ms per line), no pattern holds the event loop much longer than this.
 */
const SLICE_MS = 10;

interface Scan {
  pattern: LinePattern;
  scanner: LineScanner;
  /** Where it began: a waiter from a later line start can join it (every line before that found nothing). */
  startedAt: number;
  waiters: Set<(match: LineMatch | null) => void>;
  /** Not at the end of the output yet: it reads from the log in later tasks instead of taking chunks. */
  behind: boolean;
  /** The size of its next step. */
  stepBytes: number;
}

/** One wait: settles with the matching line, or `null` when the output ended without one. */
export interface MatchWait {
  readonly settled: Promise<LineMatch | null>;
  /** Stops waiting (after a timeout or a client gone); the scan stops with its last waiter. */
  cancel(): void;
}

const compiled = new Map<string, LinePattern>();

/**
 * A compiled pattern, cached (64 most recent): the same pattern polled in a loop is compiled once.
 * @throws {PatternError} for a pattern the matcher refuses.
 * @example
 * ```ts
 * const pattern = linePattern("ready in \\d+ ms", "i", 2048);
 * ```
 */
export function linePattern(source: string, flags: string, maxLineChars: number): LinePattern {
  const key = `${maxLineChars}/${flags}/${source}`;
  let pattern = compiled.get(key);
  if (pattern) compiled.delete(key);
  else pattern = compileLinePattern(source, flags, { maxLineChars });
  compiled.set(key, pattern);
  if (compiled.size > 64) compiled.delete(compiled.keys().next().value!);
  return pattern;
}

/**
 * The pattern waits of one record.
 * @example
 * ```ts
 * const wait = new MatchWatches(proc, 2048).wait(linePattern("ready", "", 2048), 0);
 * const match = await wait.settled;
 * ```
 */
export class MatchWatches {
  readonly #proc: ManagedProcess;
  readonly #maxLineChars: number;
  readonly #scans = new Set<Scan>();
  #unsubscribe: (() => void) | null = null;
  #ended = false;
  #catchUpTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(proc: ManagedProcess, maxLineChars: number) {
    this.#proc = proc;
    this.#maxLineChars = maxLineChars;
    void proc.exited.then(() => {
      this.#ended = true;
      for (const scan of [...this.#scans]) if (!scan.behind) this.#settle(scan, scan.scanner.finish());
    });
  }

  /** Scans still under way (each has at least one waiter). */
  get scanCount(): number {
    return this.#scans.size;
  }

  /** Waits for the first line that `pattern` matches among those that end after `cursor`. */
  wait(pattern: LinePattern, cursor: number): MatchWait {
    const start = this.#lineStartAt(cursor);
    const scan = this.#joinable(pattern, start) ?? this.#newScan(pattern, start);
    let resolve!: (match: LineMatch | null) => void;
    const settled = new Promise<LineMatch | null>((r) => (resolve = r));
    scan.waiters.add(resolve);
    const cancel = () => {
      if (!scan.waiters.delete(resolve) || scan.waiters.size > 0) return;
      this.#drop(scan);
    };
    return { settled, cancel };
  }

  /** A scan of the same pattern that began at or before `start`: it has looked at every line since. */
  #joinable(pattern: LinePattern, start: number): Scan | undefined {
    for (const scan of this.#scans) {
      if (scan.pattern === pattern && scan.startedAt <= start) return scan;
    }
    return undefined;
  }

  /** A scan from `start`: it first catches up with what was written since, in steps, then takes new chunks. */
  #newScan(pattern: LinePattern, start: number): Scan {
    const scanner = new LineScanner(pattern, start, this.#maxLineChars);
    const scan: Scan = { pattern, scanner, startedAt: start, waiters: new Set(), behind: true, stepBytes: STEP.first };
    this.#scans.add(scan);
    this.#unsubscribe ??= this.#proc.onOutputChunk((bytes, offset) => this.#feed(bytes, offset));
    this.#scheduleCatchUp();
    return scan;
  }

  #feed(bytes: Uint8Array, offset: number): void {
    const began = performance.now();
    for (const scan of [...this.#scans]) {
      if (scan.behind) continue;
      for (let at = 0; at < bytes.length; ) {
        if (performance.now() - began > SLICE_MS) {
          // The rest of this chunk is in the log: read it from there, later.
          scan.behind = true;
          this.#scheduleCatchUp();
          break;
        }
        const size = scan.stepBytes;
        const match = step(scan, () => scan.scanner.feed(bytes.subarray(at, at + size), offset + at));
        if (match) {
          this.#settle(scan, match);
          break;
        }
        at += size;
      }
    }
  }

  #scheduleCatchUp(): void {
    this.#catchUpTimer ??= setTimeout(() => this.#catchUp(), 0);
  }

  /** Steps the scans that are behind through the log, for at most {@link SLICE_MS}, then yields again. */
  #catchUp(): void {
    this.#catchUpTimer = null;
    const began = performance.now();
    const proc = this.#proc;
    for (const scan of [...this.#scans]) {
      if (!scan.behind) continue;
      let match: LineMatch | null = null;
      while (!match && scan.scanner.position < proc.totalBytes) {
        if (performance.now() - began > SLICE_MS) return this.#scheduleCatchUp();
        const { bytes, start } = proc.readBytes(scan.scanner.position, scan.stepBytes);
        match = step(scan, () => scan.scanner.feed(bytes, start));
      }
      if (match) this.#settle(scan, match);
      else if (this.#ended) this.#settle(scan, scan.scanner.finish());
      else scan.behind = false;
    }
  }

  #settle(scan: Scan, match: LineMatch | null): void {
    this.#drop(scan);
    for (const resolve of scan.waiters) resolve(match);
    scan.waiters.clear();
  }

  #drop(scan: Scan): void {
    this.#scans.delete(scan);
    if (this.#scans.size === 0) {
      this.#unsubscribe?.();
      this.#unsubscribe = null;
      if (this.#catchUpTimer !== null) clearTimeout(this.#catchUpTimer);
      this.#catchUpTimer = null;
    }
  }

  /**
   * The start of the line `cursor` falls in, when it is retained within a matched line's reach (else `cursor`):
   * a reader whose last read stopped inside a line still has that whole line matched.
   */
  #lineStartAt(cursor: number): number {
    const at = Math.min(Math.max(0, cursor), this.#proc.totalBytes);
    if (at === 0) return 0;
    const reach = this.#maxLineChars * 3 + 3;
    const { bytes, start } = this.#proc.readBytes(Math.max(0, at - reach), at - Math.max(0, at - reach));
    if (start + bytes.length !== at) return at;
    const newline = bytes.lastIndexOf(0x0a);
    if (newline !== -1) return start + newline + 1;
    return start === 0 ? 0 : at;
  }
}

/** Runs one step of `scan` and sizes its next one by how long this one took. */
function step(scan: Scan, feed: () => LineMatch | null): LineMatch | null {
  const began = performance.now();
  const match = feed();
  const ms = performance.now() - began;
  if (ms < STEP_MS) scan.stepBytes = Math.min(STEP.max, scan.stepBytes * 2);
  else if (ms > 4 * STEP_MS) scan.stepBytes = Math.max(STEP.min, scan.stepBytes / 2);
  return match;
}
