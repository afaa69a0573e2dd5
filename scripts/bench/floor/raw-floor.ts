/**
 * The floor a server cannot beat: the runtime itself, in process, spawning and reaping `sh -c true` with its
 * stdout on a pipe read to EOF, and reading a large pipe to EOF, on the runtime's own subprocess API
 * (`Bun.spawn`, `Deno.Command`, `node:child_process`). No edgeproc code is involved.
 *
 * A worker driven over stdin/stdout with one JSON object per line, so a benchmark can interleave its rounds
 * with requests to a server:
 *   {"op":"spawn","n":10,"session":true} -> {"samples":[ms, ...]}  (each: spawn, read stdout to EOF, reap;
 *                                    with `session`, in a new session as edgeproc needs: the API's `detached`;
 *                                    `"session":"setsid"`, through setsid(1) as the Deno spawner does)
 *   {"op":"ingest","bytes":1048576}  -> {"ms":123.4,"bytes":1048576}   (head -c bytes /dev/zero, read to EOF)
 *
 *   bun scripts/bench/floor/raw-floor.ts | node --import tsx ... | deno run -A scripts/bench/floor/raw-floor.ts
 * @module
 */
import process from "node:process";
import { createInterface } from "node:readline";
import { runPiped } from "./run-piped.ts";

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  const request = JSON.parse(line) as { op: string; n?: number; bytes?: number; session?: boolean | "setsid" };
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
