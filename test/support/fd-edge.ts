/**
 * Run by test/contract/spawner-fd-edges.test.ts under `ulimit -n 64`: for every count of free descriptors from 0
 * to 12, with and without stdin, takes all other descriptors, asks a spawner to run `touch DIR/<case>`, gives the
 * descriptors back, and prints one JSON line per case: `{case, threw}` (the error message, or null). Whether the
 * command ran is for the test to see in DIR.
 *
 *   <runtime> test/support/fd-edge.ts runtime|node|node-direct|node-helper DIR
 * @module
 */
import { closeSync, openSync } from "node:fs";
import process from "node:process";
import { createSpawner } from "../../src/runtimes/create-spawner.ts";
import { createNodeSpawner } from "../../src/runtimes/node/spawner.ts";

const [which, dir] = process.argv.slice(2);
const spawner =
  which === "node"
    ? createNodeSpawner()
    : which === "node-direct" || which === "node-helper"
      ? createNodeSpawner({ forkHelper: which === "node-helper" })
      : createSpawner();
const env = { PATH: process.env.PATH ?? "/usr/bin:/bin" };

async function run(command: string, stdin: boolean): Promise<void> {
  const proc = await spawner.spawn({ command, cwd: dir!, env, stdin });
  await proc.stdin?.close();
  await new Response(proc.output).arrayBuffer();
  await proc.exited;
}

// A first start of each kind, with fds to spare: whatever a spawner keeps for later starts is open from here on.
await run("true", false);
await run("true", true);
for (const stdin of [false, true]) {
  for (let free = 0; free <= 12; free++) {
    const name = `${stdin ? "stdin" : "plain"}-${free}`;
    const held: number[] = [];
    try {
      for (;;) held.push(openSync("/dev/null", "r"));
    } catch {
      // Out of descriptors: the table is full.
    }
    for (const fd of held.splice(0, free)) closeSync(fd);
    let threw: string | null = null;
    let started: Promise<unknown> | null = null;
    try {
      const proc = await spawner.spawn({ command: `touch ${name}`, cwd: dir!, env, stdin });
      started = (async () => {
        await proc.stdin?.close();
        await new Response(proc.output).arrayBuffer();
        await proc.exited;
      })();
    } catch (error) {
      threw = (error as Error).message;
    } finally {
      for (const fd of held) closeSync(fd);
    }
    await started;
    console.log(JSON.stringify({ case: name, threw }));
  }
}
process.exit(0);
