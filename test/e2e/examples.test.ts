// The embedding examples run: each one that applies to the runtime under test starts as a child process, serves
// a command over real HTTP, and on SIGTERM ends its processes and exits.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { after, describe, it } from "node:test";
import { SLEEPER } from "../support/fixtures.ts";
import { caller } from "../support/http.ts";
import { ROOT, scriptCommand, testRuntime } from "../support/runtime.ts";
import { eventually, launch, liveGroup } from "../support/server.ts";

const runtime = testRuntime();
const TOKEN = "examples-test-token";

const EXAMPLES: { file: string; runtimes: string[] }[] = [
  { file: "hono-app.ts", runtimes: ["node", "bun", "deno"] },
  { file: "node-http.ts", runtimes: ["node", "bun", "deno"] },
  { file: "bun-serve.ts", runtimes: ["bun"] },
  { file: "deno-serve.ts", runtimes: ["deno"] },
  { file: "serve-node.ts", runtimes: ["node", "deno"] },
  { file: "serve-bun.ts", runtimes: ["bun"] },
];

const children: ChildProcess[] = [];
after(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

/** Starts an example on a free port and waits for its listening line. */
async function startExample(file: string) {
  const [cmd, argv] = scriptCommand(runtime, `${ROOT}examples/${file}`);
  const example = await launch(cmd, argv, { PORT: "0", EDGEPROC_TOKEN: TOKEN });
  children.push(example.child);
  return example;
}

describe(`examples under ${runtime}`, () => {
  for (const { file, runtimes } of EXAMPLES) {
    const skip = !runtimes.includes(runtime) && `only runs under ${runtimes.join(", ")}`;
    it(`${file} serves a command and shuts down on SIGTERM`, { timeout: 60_000, skip }, async () => {
      const example = await startExample(file);
      const headers = { authorization: `Bearer ${TOKEN}` };
      const call = caller(`${example.url}/api/v0/processes`);
      assert.equal((await call("GET", "/list")).status, 401, "the example passes EDGEPROC_TOKEN on");

      const started = await call("POST", "/start", { headers, body: { command: "echo hi" } });
      assert.equal(started.status, 200, JSON.stringify(started.body));
      const output = await call("GET", `/${started.body.id}/output?wait=true`, { headers });
      assert.equal(output.status, 200);
      assert.equal(output.body.output, "hi\n");
      assert.equal(output.body.running, false);
      assert.equal(output.body.exit_code, 0);

      if (file === "hono-app.ts") {
        const hello = await fetch(`${example.url}/hello`);
        assert.equal(await hello.text(), "hello from the host app\n");
      }

      const sleeper = await call("POST", "/start", { headers, body: { command: SLEEPER } });
      const { pid } = (await call("GET", `/${sleeper.body.id}`, { headers })).body;
      assert.equal(typeof pid, "number");
      example.child.kill("SIGTERM");
      const exit = await example.exited;
      // Deno's node:child_process reports the signal it sent as the child's exit, whatever the child did.
      if (!(globalThis as { Deno?: unknown }).Deno) assert.equal(exit.code, 0, `${JSON.stringify(exit)} ${example.log()}`);
      assert.ok(await eventually(async () => (await liveGroup(pid)).length === 0), `sleep ${pid} outlived ${file}`);
    });
  }
});
