/**
 * The runtime's own spawn of `sh -c script` with stdout on a pipe, read to EOF and reaped: the floors'
 * (raw-floor.ts, http-floor.ts) one operation. No edgeproc code is involved.
 * @module
 */
import { spawn as nodeSpawn } from "node:child_process";

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
 * `session`: in a new session (`detached`), which on Deno means a fork instead of posix_spawn. `"setsid"`: in a new
 * session the way edgeproc's Deno spawner makes one without forking the runtime, `setsid(1)` and a first shell that
 * writes a ready byte and execs `sh -c script` with stderr on stdout (src/runtimes/posix/shell.ts): the cheapest
 * spawn that meets the contract through an API that can neither fork cheaply nor give fd 2 the pipe of fd 1.
 */
export async function runPiped(script: string, session: boolean | "setsid"): Promise<number> {
  if (session === "setsid") {
    return runPipedArgv(["/usr/bin/setsid", "/bin/sh", "-c", 'printf .; exec /bin/sh -c "$1" 2>&1', "sh", script], false);
  }
  return runPipedArgv(["/bin/sh", "-c", script], session);
}

async function runPipedArgv([command, ...args]: string[], session: boolean): Promise<number> {
  if (bun) {
    const proc = bun.spawn([command!, ...args], { stdin: "ignore", stdout: "pipe", stderr: "ignore", detached: session });
    const bytes = await drain(proc.stdout);
    await proc.exited;
    return bytes;
  }
  if (deno) {
    const child = new deno.Command(command!, {
      args,
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
    const child = nodeSpawn(command!, args, { stdio: ["ignore", "pipe", "ignore"], detached: session });
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

