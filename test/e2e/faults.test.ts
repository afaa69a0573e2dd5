// Fault matrix, end to end over real HTTP: processes that misbehave (fork and leave, hold or close the pipe,
// ignore SIGTERM, leave their group, flood, write bytes that are not UTF-8, die from outside). Each case checks
// the reported state and output, then the OS through /proc (zombies count as gone), and that the server answers.
import assert from "node:assert/strict";
import { mkdtemp, readFile, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { after, before, describe, it } from "node:test";
import { caller, type Caller } from "../support/http.ts";
import { testRuntime } from "../support/runtime.ts";
import { eventually, liveGroup, startServer, type TestServer } from "../support/server.ts";

const T = { timeout: 60_000 };
// Short graces keep the matrix fast; the behaviour is the same as with the defaults.
const PIPE_GRACE_MS = 500;
let server: TestServer;
let call: Caller;
let workdir: string;
/** Every process group this file started, checked empty once the server stopped. */
const pgids: number[] = [];

before(async () => {
  workdir = await realpath(await mkdtemp(join(tmpdir(), "edgeproc-faults-")));
  server = await startServer(["--workdir", workdir, "--pipe-grace-ms", String(PIPE_GRACE_MS), "--kill-grace-ms", "300"]);
  call = caller(`${server.url}/api/v0/processes`);
});

after(async () => {
  try {
    // Leave work running: shutdown must end it too.
    await start("trap '' TERM; sleep 300 & sleep 300 & wait");
    const health = (await caller(server.url)("GET", "/healthz")).body;
    assert.deepEqual([health.activity.waiters, health.activity.streams], [0, 0]);
  } finally {
    await server?.stop();
    await rm(workdir, { recursive: true, force: true });
  }
  for (const pgid of pgids) {
    assert.ok(await eventually(async () => (await liveGroup(pgid)).length === 0, 5000), `group ${pgid} outlived the server`);
  }
});

async function start(command: string, extra: Record<string, unknown> = {}) {
  const reply = await call("POST", "/start", { body: { command, ...extra } });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  const id: string = reply.body.id;
  const pid: number = (await call("GET", `/${id}`)).body.pid;
  pgids.push(pid);
  return { id, pid };
}

async function finished(id: string) {
  const reply = await call("GET", `/${id}/output?wait=true`);
  assert.equal(reply.status, 200);
  assert.equal(reply.body.running, false, JSON.stringify(reply.body));
  return reply.body;
}

/** Kills the group through the API and waits for it to empty; `exited: true` means no member is left. */
async function killGroup(id: string, pgid: number) {
  const reply = await call("POST", `/${id}/signal`, { body: { signal: "kill", wait_ms: 10_000 } });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  assert.deepEqual([reply.body.exited, reply.body.survivors], [true, []]);
  assert.deepEqual(await liveGroup(pgid), []);
}

/** The state, process group and session of `pid` from /proc, or null once it is gone. */
async function procStat(pid: number): Promise<{ state: string; pgid: number; sid: number } | null> {
  const stat = await readFile(`/proc/${pid}/stat`, "latin1").catch(() => null);
  if (stat === null) return null;
  const [state, , pgid, sid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { state: state!, pgid: Number(pgid), sid: Number(sid) };
}

async function alive(pid: number): Promise<boolean> {
  const stat = await procStat(pid);
  return stat !== null && stat.state !== "Z";
}

async function responsive() {
  const health = await caller(server.url)("GET", "/healthz");
  assert.equal(health.status, 200);
}

describe(`e2e faults on ${testRuntime()}`, () => {
  it("forks background grandchildren: the record exits after the pipe grace, the group lives until killed", T, async () => {
    const { id, pid } = await start("sleep 300 & sleep 300 & echo forked");
    const out = await finished(id);
    assert.deepEqual([out.exit_code, out.signal, out.output], [0, undefined, "forked\n"]);
    assert.equal((await liveGroup(pid)).length, 2, "both grandchildren live on in the group");
    await killGroup(id, pid);
    await responsive();
  });

  it("grandchildren that keep writing to the pipe: capture stops after the grace, the writer keeps running", T, async () => {
    const ticks = join(workdir, `ticks-${Date.now()}`);
    const { id, pid } = await start(`(while :; do echo tick; echo t >> ${ticks}; sleep 0.05; done) & echo parent`);
    const out = await finished(id);
    assert.equal(out.exit_code, 0);
    assert.match(out.output, /parent\n/);
    const frozen = out.total_bytes;
    // The writer goes on writing to the pipe after capture stopped (its file keeps growing), and is not killed by
    // SIGPIPE: the server still drains the pipe (docs/api.md §3.5, "the descendant keeps running").
    const size = async () => (await readFile(ticks, "utf8").catch(() => "")).length;
    const seen = await size();
    assert.ok(await eventually(async () => (await size()) >= seen + 10), "the writer stopped writing");
    assert.ok((await liveGroup(pid)).length >= 1, "the writer died");
    assert.equal((await call("GET", `/${id}`)).body.total_bytes, frozen);
    // Its group is alive, so it can still be signalled: 200, then nothing is left.
    await killGroup(id, pid);
    await responsive();
  });

  it("ignores SIGTERM: a timeout SIGKILLs it after kill_grace_ms, timed_out", T, async () => {
    const { id, pid } = await start("trap '' TERM; echo stubborn; sleep 300", { timeout_ms: 200, kill_grace_ms: 300 });
    const out = await finished(id);
    assert.deepEqual([out.timed_out, out.exit_code, out.signal, out.output], [true, -1, "SIGKILL", "stubborn\n"]);
    assert.ok(await eventually(async () => (await liveGroup(pid)).length === 0, 5000));
    await responsive();
  });

  it("a descendant ignores SIGTERM after its shell died of it: the timeout's SIGKILL still reaches it", T, async () => {
    const { id, pid } = await start("(trap '' TERM; sleep 300) & sleep 300", { timeout_ms: 200, kill_grace_ms: 300 });
    const out = await finished(id);
    assert.deepEqual([out.timed_out, out.exit_code, out.signal], [true, -1, "SIGTERM"]);
    assert.ok(await eventually(async () => (await liveGroup(pid)).length === 0, 5000), `survivors ${await liveGroup(pid)}`);
    await responsive();
  });

  it("setsid leaves the group: the verified kill cannot see it (the documented limit); cleaned up by pid", T, async () => {
    const { id, pid } = await start("setsid sleep 300 & echo $!; sleep 300");
    let escapee = 0;
    try {
      assert.ok(await eventually(async () => /^\d+\n$/.test((await call("GET", `/${id}/output`)).body.output)));
      escapee = Number((await call("GET", `/${id}/output`)).body.output);
      assert.ok(await eventually(async () => (await procStat(escapee))?.sid === escapee), "setsid did not take effect");
      const stat = (await procStat(escapee))!;
      assert.deepEqual([stat.pgid, stat.sid], [escapee, escapee], "the escapee leads its own session and group");
      assert.ok(!(await liveGroup(pid)).includes(escapee), "the escapee is not in the group");
      // SECURITY.md: the group kill reports the group empty while the escapee still runs.
      await killGroup(id, pid);
      assert.ok(await alive(escapee), "the escapee was expected to survive the group kill");
      const out = await finished(id);
      assert.deepEqual([out.exit_code, out.signal], [-1, "SIGKILL"]);
    } finally {
      if (escapee > 0) process.kill(escapee, "SIGKILL");
    }
    assert.ok(await eventually(async () => !(await alive(escapee))), "the escapee outlived its SIGKILL");
    await responsive();
  });

  it("a fork that exits at once: state and output exact, nothing left", T, async () => {
    const waited = await start('( exit 7 ) & wait $!; echo "child=$?"');
    assert.deepEqual(pick(await finished(waited.id)), { exit_code: 0, output: "child=7\n" });
    const orphaned = await start("true & exit 5");
    assert.deepEqual(pick(await finished(orphaned.id)), { exit_code: 5, output: "" });
    for (const { pid } of [waited, orphaned]) {
      assert.ok(await eventually(async () => (await liveGroup(pid)).length === 0, 5000));
    }
    await responsive();
  });

  it("floods from 20 processes at once: every total_bytes exact, the server answers meanwhile", T, async () => {
    const sizes = Array.from({ length: 20 }, (_, i) => (i + 1) * 150_000 + i);
    const started = await Promise.all(
      sizes.map((n, i) => start(i % 2 ? `head -c ${n} /dev/zero | tr '\\0' a` : `yes 0123456789 | head -c ${n}`)),
    );
    const snapshot = await call("GET", `/${started[19]!.id}/output`);
    assert.equal(snapshot.status, 200);
    assert.equal((await call("GET", "/list?limit=1000")).status, 200);
    await responsive();
    const outs = await Promise.all(started.map(({ id }) => finished(id)));
    outs.forEach((out, i) => {
      assert.equal(out.exit_code, 0);
      assert.equal(out.total_bytes, sizes[i]);
      assert.equal(out.truncated.original_bytes, sizes[i]);
      assert.equal(out.truncated.omitted_bytes, sizes[i]! - 32_768);
    });
    for (const { pid } of started) assert.ok(await eventually(async () => (await liveGroup(pid)).length === 0, 5000));
  });

  it("writes invalid UTF-8 and very long lines: valid UTF-8 with U+FFFD, lines cut on character boundaries", T, async () => {
    const { id } = await start(
      "printf 'ok \\377\\376 end\\n'; head -c 5000 /dev/zero | tr '\\0' y; echo; yes é | head -n 1500 | tr -d '\\n'; echo; printf 'end\\342\\202'",
    );
    const out = await finished(id);
    const suffix = " ... [truncated]";
    const expected = ["ok \uFFFD\uFFFD end", `${"y".repeat(2032)}${suffix}`, `${"é".repeat(1016)}${suffix}`, "end\uFFFD"];
    assert.equal(out.output, expected.join("\n"));
    assert.equal(out.total_bytes, 10 + 5001 + 3001 + 5);
    assert.ok(isWellFormed(out.output));
    // Cursor reads are never cut by lines but still valid UTF-8.
    const raw = (await call("GET", `/${id}/output?cursor=0&limit=4000`)).body;
    assert.ok(isWellFormed(raw.output));
    assert.ok(raw.output.startsWith("ok \uFFFD\uFFFD end\ny"));
    await responsive();
  });

  it("closes stdout early but keeps running: running until its shell exits", T, async () => {
    const held = await start("echo before; exec >&- 2>&-; sleep 300");
    assert.ok(await eventually(async () => (await call("GET", `/${held.id}/output`)).body.output === "before\n"));
    // The pipe is closed and the shell sleeps: an EOF alone is not an exit.
    assert.ok(await eventually(async () => (await liveGroup(held.pid)).length === 2));
    const running = (await call("GET", `/${held.id}`)).body;
    assert.deepEqual([running.running, running.exit_code, running.total_bytes], [true, undefined, 7]);
    assert.equal((await call("POST", `/${held.id}/signal`, { body: { signal: "terminate" } })).status, 200);
    const ended = await finished(held.id);
    assert.deepEqual([ended.exit_code, ended.signal, ended.output], [-1, "SIGTERM", "before\n"]);

    const natural = await start("echo before; exec >&-; sleep 2");
    const done = await finished(natural.id);
    assert.deepEqual([done.exit_code, done.signal, done.output], [0, undefined, "before\n"]);
    assert.ok(await eventually(async () => (await liveGroup(natural.pid)).length === 0, 5000));
    await responsive();
  });

  it("killed from outside with kill -9: exit_code -1, signal SIGKILL; the orphan is still ours to kill", T, async () => {
    const { id, pid } = await start("echo up; sleep 300; echo never");
    assert.ok(await eventually(async () => (await liveGroup(pid)).length === 2));
    process.kill(pid, "SIGKILL");
    const out = await finished(id);
    assert.deepEqual([out.exit_code, out.signal, out.output, out.timed_out], [-1, "SIGKILL", "up\n", false]);
    // Its `sleep` lives on in the group (it held the pipe until the grace); the group kill still reaches it.
    assert.equal((await liveGroup(pid)).length, 1);
    await killGroup(id, pid);
    await responsive();
  });
});

function pick(out: { exit_code: number; output: string }) {
  return { exit_code: out.exit_code, output: out.output };
}

/** `String.prototype.isWellFormed`, spelled out for lib targets without it: no lone surrogate. */
function isWellFormed(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}
