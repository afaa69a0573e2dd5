// A start that fails has not run (docs/api.md §1, 500 `start_failed`): under a low open-file limit (`ulimit -n
// 256`) the server runs out of descriptors part way through 300 starts of `touch DIR/N && exec sleep 60`. Every
// start answered with an error must have left no DIR/N (the command never ran), every 200 must have one, and once
// the server is stopped no process of this test may be left. Processes are found by an env marker in
// /proc/<pid>/environ (it survives the `exec sleep`), read directly, not through the server's own /proc reader.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { after, before, describe, it } from "node:test";
import { caller } from "../support/http.ts";
import { serverCommand, testRuntime } from "../support/runtime.ts";
import { eventually, launch, type TestServer } from "../support/server.ts";

const STARTS = 300;
const IN_FLIGHT = 64;
const MARKER = "EDGEPROC_FD_LIMIT_TEST";

/** Live processes (not zombies) whose environment or command line names `dir`. */
async function processesOf(dir: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const read = (file: string) => readFile(`/proc/${name}/${file}`, "latin1").catch(() => "");
    const [environ, args, stat] = await Promise.all([read("environ"), read("cmdline"), read("stat")]);
    const zombie = stat === "" || stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
    if (!zombie && (environ.includes(`${MARKER}=${dir}\0`) || args.includes(dir))) found.push(Number(name));
  }
  return found;
}

describe(`fd limit on ${testRuntime()}`, () => {
  let dir: string;
  let server: TestServer;

  before(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), "edgeproc-fd-limit-")));
    const flags = ["--port", "0", "--max-processes", "1000", "--kill-grace-ms", "1000", "--quiet"];
    const [cmd, argv] = serverCommand(testRuntime(), flags);
    server = await launch("sh", ["-c", 'ulimit -n 256 && exec "$0" "$@"', cmd, ...argv]);
  });

  after(async () => {
    server?.child.kill("SIGKILL");
    for (const pid of dir ? await processesOf(dir) : []) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone meanwhile.
      }
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const T = { timeout: 50_000 };
  it("answers an error only for starts whose command never ran, and leaves nothing behind", T, async () => {
    const call = caller(`${server.url}/api/v0/processes`);
    const statuses = new Map<number, number>();
    const unreachable = new Map<number, string>();
    let next = 0;
    // A server that hangs must not hold the test past its timeout: no new start after this.
    const deadline = Date.now() + 20_000;
    const worker = async () => {
      for (let n = next++; n < STARTS && Date.now() < deadline; n = next++) {
        try {
          const body = { command: `touch ${dir}/${n} && exec sleep 60`, env: { [MARKER]: dir } };
          statuses.set(n, (await call("POST", "/start", { body, signal: AbortSignal.timeout(10_000) })).status);
        } catch (error) {
          unreachable.set(n, String(error));
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));

    const log = () => `server log:\n${server.log().slice(-2000)}`;
    assert.ok(statuses.size > 0, `no start was answered: ${[...unreachable.values()][0]}\n${log()}`);
    const ok = [...statuses].filter(([, s]) => s === 200).map(([n]) => n);
    const failed = [...statuses].filter(([, s]) => s < 200 || s >= 300).map(([n]) => n);
    const codes = [...new Set(failed.map((n) => statuses.get(n)))];
    const summary = `${ok.length} started, ${failed.length} refused (${codes}), ${unreachable.size} unreachable`;
    assert.ok(failed.length > 0, `the fd limit was never reached (${summary}): nothing here was tested`);

    const ranAll = await eventually(async () => ok.every((n) => existsSync(join(dir, String(n)))), 10_000);
    assert.ok(ranAll, `a start answered 200 but its command never ran (${summary})`);
    // What is checked next is an absence: give a wrongly started command time to run.
    await new Promise((r) => setTimeout(r, 1500));
    const ran = failed.filter((n) => existsSync(join(dir, String(n))));
    assert.deepEqual(ran, [], `starts answered with an error whose command ran anyway (${summary})`);

    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([server.stop(), new Promise((r) => (timer = setTimeout(r, 15_000)))]);
    clearTimeout(timer);
    const stopped = server.child.exitCode ?? server.child.signalCode;
    assert.notEqual(stopped, null, `the server did not stop on SIGTERM\n${log()}`);
    const gone = await eventually(async () => (await processesOf(dir)).length === 0, 10_000);
    assert.ok(gone, `processes outlived the server: ${await processesOf(dir)} (${summary})`);
  });
});
