/**
 * Drives `floor/raw-floor.ts` under a runtime as a long-lived worker, so floor rounds interleave with server rounds.
 * @module
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { type Runtime, scriptCommand } from "../../../test/support/runtime.ts";
import { ROOT } from "./servers.ts";

/** A running floor worker. */
export interface Floor {
  pid: number;
  /**
   * Spawns and reaps `sh -c true` `n` times in the worker (in a new session if `session`; through setsid(1) with
   * `"setsid"`, floor/run-piped.ts); each one's ms.
   */
  spawn(n: number, session: boolean | "setsid"): Promise<number[]>;
  /** Reads `bytes` of `head -c bytes /dev/zero` through a pipe in the worker; the time it took, in ms. */
  ingest(bytes: number): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts the floor worker under `runtime`.
 * @example
 * ```ts
 * const floor = await startFloor("bun");
 * const samples = await floor.spawn(10, false);
 * await floor.stop();
 * ```
 */
export async function startFloor(runtime: Runtime): Promise<Floor> {
  const [cmd, args] = scriptCommand(runtime, join(ROOT, "scripts/bench/floor/raw-floor.ts"));
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] });
  const replies = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ask = async <T>(request: object): Promise<T> => {
    child.stdin!.write(`${JSON.stringify(request)}\n`);
    const { done, value } = await replies.next();
    if (done) throw new Error(`floor worker (${runtime}) exited`);
    return JSON.parse(value as string) as T;
  };
  return {
    pid: child.pid!,
    spawn: async (n, session) => (await ask<{ samples: number[] }>({ op: "spawn", n, session })).samples,
    ingest: async (bytes) => {
      const reply = await ask<{ ms: number; bytes: number }>({ op: "ingest", bytes });
      if (reply.bytes !== bytes) throw new Error(`floor read ${reply.bytes} bytes, expected ${bytes}`);
      return reply.ms;
    },
    async stop() {
      child.stdin!.end(`${JSON.stringify({ op: "exit" })}\n`);
      await exited;
    },
  };
}
