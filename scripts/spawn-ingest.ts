/**
 * Benchmark: ingest 1 GiB of child stdout through a spawner's `output` stream, on the current runtime.
 * Runs the runtime's own spawner and the `node:child_process` one; prints MiB/s and peak RSS growth.
 *
 *   node --import tsx scripts/spawn-ingest.ts
 *   bun scripts/spawn-ingest.ts
 *   deno run -A scripts/spawn-ingest.ts
 *
 * Optional argument: bytes to ingest (default 1073741824).
 * @module
 */

import process from "node:process";
import type { Spawner } from "../src/core/spawner.ts";
import { createSpawner, detectRuntime } from "../src/runtimes/create-spawner.ts";
import { createNodeSpawner } from "../src/runtimes/node/spawner.ts";

const MiB = 1024 * 1024;
const bytes = Number(process.argv[2] ?? 1024 * MiB);

/**
 * Spawns `head -c bytes /dev/zero` and reads its output to the end.
 * @example
 * ```ts
 * const { mibPerSecond } = await ingest(createSpawner(), 1024 * 1024);
 * ```
 */
async function ingest(spawner: Spawner, size: number): Promise<{ mibPerSecond: number; rssGrowthMiB: number }> {
  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  const started = performance.now();
  const proc = await spawner.spawn({
    command: `head -c ${size} /dev/zero`,
    cwd: "/",
    env: { PATH: "/usr/bin:/bin" },
    stdin: false,
  });
  let received = 0;
  let chunks = 0;
  for await (const chunk of proc.output) {
    received += chunk.byteLength;
    if (++chunks % 256 === 0) rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }
  await proc.exited;
  const seconds = (performance.now() - started) / 1000;
  if (received !== size) throw new Error(`expected ${size} bytes, got ${received}`);
  return { mibPerSecond: size / MiB / seconds, rssGrowthMiB: (rssPeak - rssBefore) / MiB };
}

const runtime = detectRuntime();
for (const spawner of [createSpawner(), createNodeSpawner()]) {
  await ingest(spawner, 64 * MiB); // warm-up: JIT and first allocations are not the stream's cost
  const { mibPerSecond, rssGrowthMiB } = await ingest(spawner, bytes);
  console.log(
    `${runtime} / ${spawner.name} spawner: ${(bytes / MiB).toFixed(0)} MiB at ${mibPerSecond.toFixed(0)} MiB/s, ` +
      `peak RSS +${rssGrowthMiB.toFixed(1)} MiB`,
  );
}
