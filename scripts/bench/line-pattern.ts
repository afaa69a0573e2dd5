/**
 * Throughput of the linear-time line matcher (src/output/line-pattern.ts) next to the runtime's own RegExp:
 * `findLine` over ~32 MiB of log-like text, against `RegExp.test` on each line of `text.split("\n")` (split
 * included, and test alone), for a few realistic patterns; then one hostile pattern for our engine only (the
 * native one would not finish). Best of 3 runs each; well under 60 s.
 *
 *   bun scripts/bench/line-pattern.ts
 *   node --import tsx scripts/bench/line-pattern.ts
 *   deno run -A scripts/bench/line-pattern.ts
 * @module
 */
import { compileLinePattern } from "../../src/output/line-pattern.ts";

const TARGET_CHARS = 32 * 1024 * 1024;
const RUNS = 3;

/** A small deterministic PRNG (mulberry32), so every run measures the same text. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function logText(): string {
  const next = random(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const int = (below: number): number => Math.floor(next() * below);
  const words = ["compiling", "module", "request", "GET", "POST", "/api/v1/users", "cache", "hit", "miss", "worker",
    "started", "done", "queue", "retry", "timeout", "connection", "pool", "info", "debug", "warn", "vite", "hmr"];
  const kinds: (() => string)[] = [
    () => `[${Math.floor(next() * 1e6)}] ${pick(words)} ${pick(words)} ${pick(words)} in ${Math.floor(next() * 900)}ms`,
    () => `${pick(["INFO", "DEBUG", "WARN"])} ${pick(words)} https://example.com/${pick(words)}?id=${int(1e9)}`,
    () => `    at ${pick(words)} (src/${pick(words)}/${pick(words)}.${pick(["ts", "js"])}:${int(400)}:7)`,
    () => Array.from({ length: 3 + Math.floor(next() * 25) }, () => pick(words)).join(" "),
    () => `  ➜  ${pick(["Local", "Network"])}:   http://${pick(["localhost", "192.168.1.7"])}:${pick([5173, 3000])}/`,
    () => `${pick(["Error", "error", "ERROR", "Warning"])}: ${pick(words)} ${pick(words)} failed after ${next() * 9}s`,
    () => `VITE v5.4.2  ready in ${Math.floor(next() * 900)} ms`,
    () => `Listening on http://0.0.0.0:${Math.floor(next() * 60000)}`,
  ];
  const weights = [30, 20, 10, 30, 1, 3, 1, 1];
  const table = weights.flatMap((w, i) => Array.from({ length: w }, () => kinds[i]!));
  const lines: string[] = [];
  let size = 0;
  while (size < TARGET_CHARS) {
    const line = pick(table)().slice(0, 200).padEnd(20, ".");
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join("\n") + "\n";
}

/** Best wall time in ms of `RUNS` runs of `run`, and what it returned. */
function time<T>(run: () => T): { ms: number; result: T } {
  let best = Infinity;
  let result!: T;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    result = run();
    best = Math.min(best, performance.now() - start);
  }
  return { ms: best, result };
}

function countOurs(text: string, pattern: string, flags: string): number {
  const compiled = compileLinePattern(pattern, flags);
  let count = 0;
  let from = 0;
  for (;;) {
    const at = compiled.findLine(text, from);
    if (at < 0) return count;
    count++;
    const newline = text.indexOf("\n", at);
    if (newline < 0) return count;
    from = newline + 1;
  }
}

function countNative(lines: readonly string[], pattern: string, flags: string): number {
  const re = new RegExp(pattern, flags);
  let count = 0;
  for (const line of lines) if (re.test(line.slice(0, 2048))) count++;
  return count;
}

const mbps = (chars: number, ms: number): string => ((chars / (1024 * 1024)) / (ms / 1000)).toFixed(0).padStart(6);

const runtime = "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : `node ${process.version}`;
const text = logText();
const lines = text.split("\n");
lines.pop();
console.log(`line-pattern bench on ${runtime}: ${(text.length / 1048576).toFixed(1)} MiB, ${lines.length} lines`);
console.log("pattern".padEnd(43) + " | ours MB/s | native MB/s split+test | test only | speed ours/native");
const patterns: [string, string][] = [
  ["Listening on", ""],
  ["ready in \\d+ ?ms", ""],
  ["(?:Local|Network):\\s+https?://\\S+:5173", ""],
  ["error", "i"],
  ["^\\s*at .*\\.ts:\\d+", ""],
];
for (const [pattern, flags] of patterns) {
  const ours = time(() => countOurs(text, pattern, flags));
  const split = time(() => text.split("\n"));
  const native = time(() => countNative(lines, pattern, flags));
  if (ours.result !== native.result) throw new Error(`/${pattern}/${flags}: ${ours.result} != ${native.result} lines`);
  const nativeMs = split.ms + native.ms;
  const label = `/${pattern}/${flags}`.padEnd(43);
  const ratio = (nativeMs / ours.ms).toFixed(2);
  console.log(`${label} | ${mbps(text.length, ours.ms)}    | ${mbps(text.length, nativeMs)}` +
    `                 | ${mbps(text.length, native.ms)}    | ${ratio.padStart(6)}  (${ours.result} lines)`);
}

const hostileLine = "a".repeat(2000) + "b";
const hostile = Array.from({ length: 2048 }, () => hostileLine).join("\n");
const attack = time(() => countOurs(hostile, "(a+)+$", ""));
console.log(`/(a+)+$/ on ${2048} lines of 2000 "a" + "b" (ours only): ${mbps(hostile.length, attack.ms)} MB/s, ` +
  `${attack.ms.toFixed(1)} ms, ${attack.result} lines`);
