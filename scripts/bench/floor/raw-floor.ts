/**
 * The floor a server cannot beat: the runtime itself, in process, spawning and reaping `sh -c true` with its
 * stdout on a pipe read to EOF, and reading a large pipe to EOF, on the runtime's own subprocess API
 * (`Bun.spawn`, `Deno.Command`, `node:child_process`). No edgeproc code is involved.
 *
 * A worker driven over stdin/stdout with one JSON object per line, so a benchmark can interleave its rounds
 * with requests to a server:
 *   {"op":"spawn","n":10,"session":true} -> {"samples":[ms, ...]}  (each: spawn, read stdout to EOF, reap;
 *                                    with `session`, in a new session as edgeproc needs: the API's `detached`)
 *   {"op":"ingest","bytes":1048576}  -> {"ms":123.4,"bytes":1048576}   (head -c bytes /dev/zero, read to EOF)
 *
 *   bun scripts/bench/floor/raw-floor.ts | node --import tsx ... | deno run -A scripts/bench/floor/raw-floor.ts
 * @module
 */
import { spawn as nodeSpawn } from "node:child_process";
import process from "node:process";
import { createInterface } from "node:readline";

interface DenoChild {
  stdout: ReadableStream<Uint8Array>;
  status: Promise<unknown>;
}
interface DenoLike {
  Command: new (cmd: string, options: Record<string, unknown>) => { spawn(): DenoChild };
}

/** The part of `Bun` used here; no Bun types are loaded outside src/runtimes/bun. */
interface BunLike {
  spawn(argv: string[], options: object): { stdout: ReadableStream<Uint8Array>; exited: Promise<number> };
}
const bun = (globalThis as { Bun?: BunLike }).Bun;
const deno = (globalThis as unknown as { Deno?: DenoLike }).Deno;

/**
 * Runs `sh -c script` with stdout piped, reads it to EOF and waits for the exit; resolves with the bytes read.
 * `session`: in a new session (`detached`), which on Deno means a fork instead of posix_spawn.
 */
async function runPiped(script: string, session: boolean): Promise<number> {
  if (bun) {
    const proc = bun.spawn(["/bin/sh", "-c", script], { stdin: "ignore", stdout: "pipe", stderr: "ignore", detached: session });
    const bytes = await drain(proc.stdout);
    await proc.exited;
    return bytes;
  }
  if (deno) {
    const child = new deno.Command("/bin/sh", {
      args: ["-c", script],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
      detached: session,
    }).spawn();
    const bytes = await drain(child.stdout);
    await child.status;
    return bytes;
  }
  return new Promise((resolve, reject) => {
    const child = nodeSpawn("/bin/sh", ["-c", script], { stdio: ["ignore", "pipe", "ignore"], detached: session });
    let bytes = 0;
    child.stdout!.on("data", (chunk: Buffer) => (bytes += chunk.byteLength));
    child.once("error", reject);
    // 'close' comes after both the exit and the pipe's EOF.
    child.once("close", () => resolve(bytes));
  });
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<number> {
  const reader = stream.getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return bytes;
    bytes += value.byteLength;
  }
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  const request = JSON.parse(line) as { op: string; n?: number; bytes?: number; session?: boolean };
  if (request.op === "spawn") {
    const samples: number[] = [];
    for (let i = 0; i < (request.n ?? 1); i++) {
      const started = performance.now();
      await runPiped("true", request.session ?? false);
      samples.push(performance.now() - started);
    }
    process.stdout.write(`${JSON.stringify({ samples })}\n`);
  } else if (request.op === "ingest") {
    const started = performance.now();
    const bytes = await runPiped(`head -c ${request.bytes} /dev/zero`, false);
    process.stdout.write(`${JSON.stringify({ ms: performance.now() - started, bytes })}\n`);
  } else {
    break;
  }
}
process.exit(0);
