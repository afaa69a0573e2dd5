/**
 * What one `sh -c true` round trip costs at each layer, in process, on the runtime running this file: the raw
 * runtime API, edgeproc's spawner, the process manager (start + wait for exit), and the whole fetch handler
 * (`POST /run` through `api.fetch`, no network). CPU time of this process per operation, from
 * /proc/self/task/*\/schedstat, and the median wall time. Prints one JSON object per layer.
 *
 *   bun scripts/bench/floor/layer-cost.ts | node --import tsx ... | deno run -A scripts/bench/floor/layer-cost.ts
 * @module
 */
import { spawn as nodeSpawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import process from "node:process";
import { createProcessApi } from "../../../src/create-process-api.ts";
import { ProcessManager } from "../../../src/core/process-manager.ts";
import { createSpawner, detectRuntime } from "../../../src/runtimes/create-spawner.ts";
import { posixHost } from "../../../src/runtimes/posix/host.ts";

const cpuNs = () =>
  readdirSync("/proc/self/task").reduce(
    (sum, tid) => sum + Number(readFileSync(`/proc/self/task/${tid}/schedstat`, "utf8").split(" ")[0]),
    0,
  );

async function drain(stream: ReadableStream<Uint8Array>): Promise<void> {
  const reader = stream.getReader();
  while (!(await reader.read()).done);
}

interface DenoLike {
  Command: new (cmd: string, options: object) => { spawn(): { stdout: ReadableStream<Uint8Array>; status: Promise<unknown> } };
}
/** The part of `Bun` used here; no Bun types are loaded outside src/runtimes/bun. */
interface BunLike {
  spawn(argv: string[], options: object): { stdout: ReadableStream<Uint8Array>; exited: Promise<number> };
}
const bun = (globalThis as { Bun?: BunLike }).Bun;
const deno = (globalThis as unknown as { Deno?: DenoLike }).Deno;

function rawSpawn(): Promise<unknown> {
  if (bun) {
    const proc = bun.spawn(["/bin/sh", "-c", "true"], { stdin: "ignore", stdout: "pipe", stderr: "ignore" });
    return drain(proc.stdout).then(() => proc.exited);
  }
  if (deno) {
    const child = new deno.Command("/bin/sh", { args: ["-c", "true"], stdin: "null", stdout: "piped", stderr: "null" }).spawn();
    return drain(child.stdout).then(() => child.status);
  }
  return new Promise((resolve) => {
    const child = nodeSpawn("/bin/sh", ["-c", "true"], { stdio: ["ignore", "pipe", "ignore"] });
    child.stdout!.resume();
    child.once("close", resolve);
  });
}

const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
const spawner = createSpawner();
const manager = new ProcessManager({ spawner, host: posixHost, env: process.env });
const api = createProcessApi({});
const scope = { chatId: null, ancestorIds: [] };
// A loopback Host and a JSON Content-Type, or the API answers 403 forbidden_host / 415 before reaching the route.
const post = (body: string) =>
  api.fetch(
    new Request("http://127.0.0.1/api/v0/processes/run", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    }),
  );
/** The answer's status must be `status`: a bench of an error page measures nothing. */
async function expect(response: Response, status: number): Promise<void> {
  const text = await response.text();
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${text}`);
}

const layers: Record<string, () => Promise<unknown>> = {
  "raw runtime spawn": rawSpawn,
  "spawner (new session)": async () => {
    const proc = await spawner.spawn({ command: "true", cwd: process.cwd(), env, stdin: false });
    await drain(proc.output);
    await proc.exited;
  },
  "manager start + wait": async () => {
    const { process: proc } = await manager.start({ command: "true" }, scope);
    await manager.waitForExit(proc, 60_000);
  },
  "api.fetch POST /run": async () => expect(await post('{"command":"true"}'), 200),
  "api.fetch POST /run → 400": async () => expect(await post('{"command":""}'), 400),
};

const rounds = Number(process.env.BENCH_LAYER_ROUNDS ?? 15);
const cpu = new Map<string, number>();
const wall = new Map<string, number[]>();
for (const op of Object.values(layers)) for (let i = 0; i < 10; i++) await op();
for (let r = 0; r < rounds; r++) {
  for (const [name, op] of Object.entries(layers)) {
    const before = cpuNs();
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      await op();
      wall.set(name, [...(wall.get(name) ?? []), performance.now() - started]);
    }
    cpu.set(name, (cpu.get(name) ?? 0) + cpuNs() - before);
  }
}
for (const name of Object.keys(layers)) {
  const times = wall.get(name)!.sort((a, b) => a - b);
  const line = { runtime: detectRuntime(), layer: name, cpuUs: cpu.get(name)! / times.length / 1000, medianMs: times[times.length >> 1] };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
await manager.close();
await api.close();
process.exit(0);
