/**
 * One layer of the `sh -c true` round trip in a loop, in process, for a CPU profiler: the manager's start + wait
 * (`LAYER=manager`, the default) or `POST /run` through `api.fetch` (`LAYER=api`), `N` times (default 1000).
 *
 *   LAYER=api node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof scripts/bench/floor/profile-loop.ts
 *   LAYER=api bun --cpu-prof --cpu-prof-dir=/tmp/prof scripts/bench/floor/profile-loop.ts
 *   LAYER=api deno run -A --no-check --cpu-prof --cpu-prof-dir=/tmp/prof scripts/bench/floor/profile-loop.ts
 * @module
 */
import process from "node:process";
import { createProcessApi } from "../../../src/create-process-api.ts";
import { ProcessManager } from "../../../src/core/process-manager.ts";
import { createSpawner } from "../../../src/runtimes/create-spawner.ts";
import { posixHost } from "../../../src/runtimes/posix/host.ts";
const manager = new ProcessManager({ spawner: createSpawner(), host: posixHost, env: process.env });
const api = createProcessApi({});
const scope = { chatId: null, ancestorIds: [] };
const n = Number(process.env.N ?? 1000);
const layer = process.env.LAYER ?? "manager";
const ops: Record<string, () => Promise<unknown>> = {
  manager: async () => {
    const { process: proc } = await manager.start({ command: "true" }, scope);
    await manager.waitForExit(proc, 60_000);
  },
  api: async () => {
    const request = new Request("http://127.0.0.1/api/v0/processes/run", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"command":"true"}',
    });
    const response = await api.fetch(request);
    if (response.status !== 200) throw new Error(`expected 200, got ${response.status}: ${await response.text()}`);
    await response.text();
  },
};
const op = ops[layer];
if (!op) throw new Error(`LAYER must be one of ${Object.keys(ops).join(", ")}`);
const t0 = performance.now();
for (let i = 0; i < n; i++) await op();
console.log(((performance.now() - t0) / n).toFixed(3), "ms per", layer);
await manager.close();
await api.close();
process.exit(0);
