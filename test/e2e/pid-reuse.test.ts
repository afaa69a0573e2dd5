// A reused pid is never signalled (docs/api.md §3.4): the server runs in a private pid namespace, where a test can
// hand a finished record's pid to a stranger (`/proc/sys/kernel/ns_last_pid`), a `setsid` process that leads its
// own group with that very pgid. The signal route, a timeout whose kill grace spans the reuse, and shutdown must
// all leave the stranger alone. Checked from outside the server with nsenter and the shell's own `kill -0`.
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import process from "node:process";
import { after, before, describe, it } from "node:test";
import { caller, CHAT_A, CHAT_B, type Caller } from "../support/http.ts";
import { serverCommand, testRuntime } from "../support/runtime.ts";
import { launch, type TestServer } from "../support/server.ts";

const T = { timeout: 60_000 };
const KILL_GRACE_MS = 1500;

/** Why the namespace cannot be made here, or null when it can (it needs root, or user namespaces). */
function unavailable(): string | null {
  try {
    execFileSync("unshare", ["--pid", "--fork", "--mount-proc", "true"], { stdio: "ignore" });
    execFileSync("nsenter", ["--version"], { stdio: "ignore" });
    return null;
  } catch (error) {
    return `needs unshare --pid and nsenter (root): ${(error as Error).message}`;
  }
}
const skip = unavailable() ?? false;

/** The one child of `pid`, from /proc. */
function childOf(pid: number): number {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "latin1").trim().split(/\s+/).map(Number);
  assert.equal(children.length, 1, `expected one child of ${pid}: ${children}`);
  return children[0]!;
}

describe(`pid reuse on ${testRuntime()}`, { skip }, () => {
  let server: TestServer;
  /** Host pid of the namespace's init: a keeper shell that outlives the server, so strangers can be looked at after. */
  let keeper: number;
  let serverPid: number;
  const as = (chat: string | null): Caller => caller(`${server.url}/api/v0/processes`, (r) => {
    if (chat) r.headers.set("coder-chat-id", chat);
    return fetch(r);
  });

  /** Runs `script` with sh inside the server's pid namespace and answers its stdout. */
  const inside = (script: string) =>
    new Promise<string>((resolve, reject) =>
      execFile("nsenter", ["-t", String(keeper), "-p", "-m", "sh", "-c", script], (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      ),
    );

  /** Starts a stranger: a `setsid` loop that gets exactly `pid` (so its pgid is `pid` too) and is none of ours. */
  async function stranger(pid: number): Promise<void> {
    const loop = "while :; do sleep 0.05; done";
    const got = await inside(`echo ${pid - 1} > /proc/sys/kernel/ns_last_pid; setsid sh -c '${loop}' >/dev/null 2>&1 & echo $!`);
    assert.equal(Number(got), pid, "the pid was not handed out again (the reuse could not be forced)");
    assert.equal((await inside(`ps -o pgid= -p ${pid}`)).trim(), String(pid), "the stranger leads its own group");
  }

  /** "alive" or "gone" (a zombie is gone: orphans are reparented to the keeper, which does not reap them). */
  const alive = async (pid: number) => {
    const stat = (await inside(`ps -o stat= -p ${pid} || true`)).trim();
    return stat === "" || stat.startsWith("Z") ? "gone" : "alive";
  };

  /** Starts `command` as `chat`, waits for it to exit, and answers its pid. */
  async function finished(chat: Caller, command: string, extra: Record<string, unknown> = {}) {
    const started = await chat("POST", "/start", { body: { command, ...extra } });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const out = await chat("GET", `/${started.body.id}/output?wait=true`);
    assert.equal(out.body.running, false);
    return { id: started.body.id as string, pid: out.body.pid as number, out: out.body };
  }

  before(async () => {
    const [cmd, argv] = serverCommand(testRuntime(), ["--port", "0", "--kill-grace-ms", String(KILL_GRACE_MS), "--quiet"]);
    const keep = `"$@" & wait $!; sleep 30`;
    server = await launch("unshare", ["--pid", "--fork", "--mount-proc", "--kill-child", "sh", "-c", keep, "sh", cmd, ...argv]);
    keeper = childOf(server.pid);
    serverPid = childOf(keeper);
  });

  after(() => {
    server?.child.kill("SIGKILL"); // --kill-child: the namespace and everything in it go with it
  });

  it("answers 409 for a finished record whose pid now leads a stranger's group, and leaves it alone", T, async () => {
    const a = as(CHAT_A);
    const { id, pid } = await finished(a, "true");
    await stranger(pid);
    const reply = await a("POST", `/${id}/signal`, { body: { signal: "kill" } });
    assert.equal(reply.status, 409, JSON.stringify(reply.body));
    assert.equal(reply.body.code, "not_running");
    const waited = await a("POST", `/${id}/signal`, { body: { signal: "terminate", wait_ms: 100 } });
    assert.equal(waited.status, 409);
    const info = (await a("GET", `/${id}`)).body;
    assert.equal(info.group_alive, false);
    // Liveness reads the group through the same proof: the stranger's CPU, memory and state are not reported.
    assert.deepEqual([info.group_members, info.cpu_ms, info.rss_bytes, info.state], [0, 0, 0, undefined]);
    const waitPort = await a("GET", `/${id}/output?until=port&port=1&wait_ms=200`);
    assert.equal(waitPort.body.listening, undefined);
    assert.equal(await alive(pid), "alive");
    await inside(`kill -9 ${pid}`);
  });

  it("does not send a timeout's SIGKILL to a stranger that took the pid during the grace", T, async () => {
    const b = as(CHAT_B);
    const started = Date.now();
    const { pid, out } = await finished(b, "sleep 30", { timeout_ms: 100, kill_grace_ms: KILL_GRACE_MS });
    assert.deepEqual([out.timed_out, out.signal], [true, "SIGTERM"]);
    await stranger(pid);
    // The escalation fires KILL_GRACE_MS after the timeout: wait past that deadline, then look.
    const deadline = started + 100 + KILL_GRACE_MS + 500;
    while (Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await alive(pid), "alive");
    await inside(`kill -9 ${pid}`);
  });

  it("does not signal a stranger's group on shutdown, and still ends its own", T, async () => {
    const op = as(null);
    const { pid } = await finished(op, "true");
    await stranger(pid);
    const own = await op("POST", "/start", { body: { command: "trap '' TERM; sleep 300" } });
    const ownPid = (await op("GET", `/${own.body.id}`)).body.pid as number;
    process.kill(serverPid, "SIGTERM");
    // The keeper outlives the server (and reaps it): wait until the server's process is gone.
    const gone = () => {
      try {
        return readFileSync(`/proc/${serverPid}/stat`, "latin1").split(") ")[1]!.startsWith("Z");
      } catch {
        return true;
      }
    };
    while (!gone()) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await alive(pid), "alive", "shutdown signalled the stranger");
    assert.equal(await alive(ownPid), "gone", "shutdown left its own group running");
  });
});
