/**
 * `npm run fuzz`: the fuzz property of `test/in-process/fuzz.test.ts`, at least 10,000 cases (in process, fake spawner).
 * Flags: `--runs N` (default 10000), `--seed S` (replay a failure fast-check reported).
 * @module
 */
import process from "node:process";
import { fuzzStats, runFuzz } from "../test/support/fuzz-property.ts";

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : Number(args[i + 1]);
};
const runs = flag("runs") ?? 10_000;
const seed = flag("seed") ?? Date.now() % 2 ** 31;

const started = performance.now();
console.log(`fuzz: ${runs} cases, seed ${seed}`);
try {
  await runFuzz(runs, seed);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
const seconds = (performance.now() - started) / 1000;
const total = [...fuzzStats.values()].reduce((a, b) => a + b, 0);
console.log(`fuzz: ${runs} cases, ${total} responses checked in ${seconds.toFixed(1)} s; by status and code:`);
for (const [key, n] of [...fuzzStats].sort(([a], [b]) => a.localeCompare(b))) console.log(`  ${key.padEnd(28)} ${n}`);
process.exit(0);
