// A start that fails has not run (docs/api.md §4.1): at every edge of the open-file limit, with 0 to 12
// descriptors free, with and without stdin, a spawner either starts the command or throws, never both
// (a start answered 500 whose command ran anyway would leave an untracked process). The runtime's own spawner and the
// node:child_process fallback are each driven by test/support/fd-edge.ts under `ulimit -n 64`; whether a command
// ran is seen in the directory it touches.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ROOT, scriptCommand, testRuntime } from "../support/runtime.ts";

/** The runtime's own spawner, the node:child_process one as it is by default, forking itself, through the helper. */
type Which = "runtime" | "node" | "node-direct" | "node-helper";
const NAMES: Record<Which, string> = {
  runtime: "the runtime's own spawner",
  node: "the node:child_process fallback",
  "node-direct": "the node:child_process spawner forking itself (no fork helper)",
  "node-helper": "the node:child_process spawner through the fork helper",
};

interface Case {
  case: string;
  threw: string | null;
}

function sweep(spawner: Which, dir: string): Promise<Case[]> {
  const [cmd, argv] = scriptCommand(testRuntime(), "test/support/fd-edge.ts", [spawner, dir]);
  const limited = ["-c", 'ulimit -n 64 && exec "$0" "$@"', cmd, ...argv];
  return new Promise((resolve, reject) =>
    execFile("sh", limited, { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${error.message}\n${stderr}`));
      resolve(stdout.trim().split("\n").map((line) => JSON.parse(line)));
    }),
  );
}

describe(`spawners at the open-file limit on ${testRuntime()}`, () => {
  for (const spawner of ["runtime", "node", "node-direct", "node-helper"] as const) {
    const name = NAMES[spawner];
    it(`${name} runs a command or throws, never both`, { timeout: 90_000 }, async () => {
      const dir = await realpath(await mkdtemp(join(tmpdir(), "edgeproc-fd-edge-")));
      try {
        const cases = await sweep(spawner, dir);
        assert.equal(cases.length, 26, JSON.stringify(cases));
        const ran = (name: string) => existsSync(join(dir, name));
        assert.deepEqual(cases.filter((c) => c.threw !== null && ran(c.case)), [], "threw, yet the command ran");
        const lost = cases.filter((c) => c.threw === null && !ran(c.case));
        assert.deepEqual(lost, [], "started, yet the command never ran");
        assert.ok(cases.some((c) => c.threw !== null), `no case ran out of descriptors: ${JSON.stringify(cases)}`);
        assert.ok(cases.some((c) => c.threw === null), `no case had enough descriptors: ${JSON.stringify(cases)}`);
        for (const c of cases.filter((c) => c.threw !== null)) {
          assert.match(c.threw!, /EMFILE|Too many open files/i, c.case);
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
