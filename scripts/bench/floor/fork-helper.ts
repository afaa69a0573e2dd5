/**
 * Profile of the fork helper (src/runtimes/posix/fork-helper.ts), in process on the runtime running this file:
 * `sh -c true` started through the helper (order → answer, answer → exit, and this process's CPU per start)
 * against the same start forked by this process itself (`createNodeSpawner({ forkHelper: false })`), interleaved
 * in rounds, with the edgeproc API loaded so this process has a server's size. Prints a table and the ratio.
 *
 *   node --import tsx scripts/bench/floor/fork-helper.ts     # BENCH_FORK_N (default 300), rounds of 25
 * @module
 */
import process from "node:process";
import { createProcessApi } from "../../../src/create-process-api.ts";
import { createNodeSpawner } from "../../../src/runtimes/node/spawner.ts";
import { ForkHelper } from "../../../src/runtimes/posix/fork-helper.ts";
import { closeQuietly } from "../../../src/runtimes/posix/pipe-maker.ts";

const n = Number(process.env.BENCH_FORK_N ?? 300);
const api = createProcessApi({});
const env = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
const request = { command: "true", cwd: "/tmp", env, stdin: false };
const helper = new ForkHelper();
const adopter = { spareFds: 0, adopt: (output: number) => output };
const direct = createNodeSpawner({ forkHelper: false });

const samples = { answer: [] as number[], exit: [] as number[], helper: [] as number[], direct: [] as number[] };
const cpu = { helper: 0, direct: 0 };
const cpuUs = () => {
  const used = process.cpuUsage();
  return used.user + used.system;
};

async function viaHelper(): Promise<void> {
  const t0 = performance.now();
  const child = await helper.spawn(request, "/bin/sh", adopter);
  if (!child) throw new Error("no fork helper here (perl missing?)");
  const t1 = performance.now();
  await child.exited;
  const t2 = performance.now();
  closeQuietly(child.streams);
  samples.answer.push(t1 - t0);
  samples.exit.push(t2 - t1);
  samples.helper.push(t2 - t0);
}

async function forkingItself(): Promise<void> {
  const t0 = performance.now();
  const proc = await direct.spawn(request);
  await proc.output.cancel();
  await proc.exited;
  samples.direct.push(performance.now() - t0);
}

for (let i = 0; i < 30; i++) await viaHelper(), await forkingItself();
for (const list of Object.values(samples)) list.length = 0;
for (let done = 0; done < n; done += 25) {
  for (const [name, op] of [["helper", viaHelper], ["direct", forkingItself]] as const) {
    const before = cpuUs();
    for (let i = 0; i < 25; i++) await op();
    cpu[name] += cpuUs() - before;
  }
}
const median = (list: number[]) => [...list].sort((a, b) => a - b)[list.length >> 1]!;
const row = (what: string, ms: number, cpuPerOp?: number) =>
  console.log(`| ${what} | ${ms.toFixed(2)} | ${cpuPerOp === undefined ? "-" : cpuPerOp.toFixed(0)} |`);
const runtime = process.versions.bun ? "bun" : "node";
console.log(`\n## Fork helper on ${runtime} (median ms; this process's CPU µs per start; N=${n})\n`);
console.log("| start of `sh -c true` | median ms | CPU µs |\n|---|---|---|");
row("through the helper: order → answer", median(samples.answer));
row("through the helper: answer → exit", median(samples.exit));
row("through the helper, whole", median(samples.helper), cpu.helper / samples.helper.length);
row("forked by this process (baseline)", median(samples.direct), cpu.direct / samples.direct.length);
console.log(`\nhelper / baseline: ${(median(samples.helper) / median(samples.direct)).toFixed(2)}× wall, ` +
  `${(cpu.helper / samples.helper.length / (cpu.direct / samples.direct.length)).toFixed(2)}× CPU`);
await api.close();
process.exit(0);
