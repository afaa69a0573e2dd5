// Waiting for what agents wait for (docs/api.md §4.5, §4.9, §4.12), over real HTTP on real processes: a line that
// matches a pattern (also split across writes, on a terminal through escape sequences), a port the group starts
// listening on (the leader or a child; checked from outside with a TCP connect and ps), liveness figures that rise
// with a busy process, bad conditions as 400s that run nothing, and a hostile pattern that cannot stall the server.
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { assertError } from "../support/assert.ts";
import { caller, type Caller } from "../support/http.ts";
import { testRuntime } from "../support/runtime.ts";
import { eventually, freePort, liveGroup, startServer, type TestServer } from "../support/server.ts";

const T = { timeout: 60_000 };
const PYTHON = "python3";


/** Whether a TCP connection to 127.0.0.1:`port` is accepted: a look from outside the server. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

describe(`wait conditions and liveness on ${testRuntime()}`, () => {
  let server: TestServer;
  let call: Caller;

  before(async () => {
    server = await startServer(["--quiet", "--pipe-grace-ms", "300"]);
    call = caller(`${server.url}/api/v0/processes`);
  });

  after(async () => {
    await server?.stop();
  });

  const start = async (body: Record<string, unknown>) => {
    const reply = await call("POST", "/start", { body });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    return reply.body.id as string;
  };
  const kill = (id: string) => call("POST", `/${id}/signal`, { body: { signal: "kill", wait_ms: 5000 } });

  it("until=match wakes on the line that appears later, while the process runs on", T, async () => {
    const id = await start({ command: "echo booting; sleep 2; echo 'Listening on http://localhost:4000'; sleep 30" });
    const asked = Date.now();
    const reply = await call("GET", `/${id}/output?until=match&pattern=${encodeURIComponent("on http://\\S+:(\\d+)")}&wait_ms=20000`);
    const answered = Date.now();
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.deepEqual(reply.body.match, { text: "Listening on http://localhost:4000", cursor: "booting\n".length });
    assert.equal(reply.body.running, true, "woke on the line, not on the exit");
    assert.ok(answered - asked < 20_000, "and not at wait_ms");
    // The line's own arrival, by the server's clock, is when it was answered, give or take the trip.
    assert.ok(reply.body.last_output_at_ms <= answered + 1000);
    await kill(id);
  });

  it("a line already written counts from cursor 0; a cursor past it does not; flags=i", T, async () => {
    const id = await start({ command: "echo 'Server READY'; echo second; sleep 30" });
    assert.ok(await eventually(async () => (await call("GET", `/${id}/output`)).body.total_bytes >= 20));
    const first = await call("GET", `/${id}/output?until=match&pattern=ready&flags=i&wait_ms=5000`);
    assert.deepEqual(first.body.match, { text: "Server READY", cursor: 0 });
    const caseSensitive = await call("GET", `/${id}/output?until=match&pattern=ready&wait_ms=300`);
    assert.equal(caseSensitive.body.match, undefined);
    assert.equal(caseSensitive.body.running, true);
    const past = await call("GET", `/${id}/output?until=match&pattern=READY&cursor=13&wait_ms=300`);
    assert.equal(past.body.match, undefined, "the line ends before the cursor");
    const inside = await call("GET", `/${id}/output?until=match&pattern=READY&cursor=5&wait_ms=300`);
    assert.deepEqual(inside.body.match, { text: "Server READY", cursor: 0 }, "a cursor inside a line keeps it whole");
    await kill(id);
  });

  it("a pattern that never appears answers at wait_ms, running, without match", T, async () => {
    const id = await start({ command: "while :; do echo tick; sleep 0.1; done" });
    const reply = await call("GET", `/${id}/output?until=match&pattern=never&wait_ms=700&cursor=0`);
    assert.equal(reply.status, 200);
    assert.equal(reply.body.running, true);
    assert.equal(reply.body.match, undefined);
    assert.match(reply.body.output, /tick/);
    await kill(id);
  });

  it("a line written in pieces is matched whole; the exit ends a wait with the last unended line tried", T, async () => {
    const split = await call("POST", "/run", {
      body: { command: "printf 'sta'; sleep 0.4; printf 'rted\\n'; sleep 30", until: "match", pattern: "^started$" },
    });
    assert.deepEqual(split.body.match, { text: "started", cursor: 0 });
    assert.equal(split.body.running, true);
    await kill(split.body.id);
    const unended = await call("POST", "/run", { body: { command: "echo a; printf 'done'", until: "match", pattern: "done$" } });
    assert.deepEqual(unended.body.match, { text: "done", cursor: 2 });
    assert.equal(unended.body.running, false);
    const none = await call("POST", "/run", { body: { command: "echo nope", until: "match", pattern: "yes" } });
    assert.equal(none.body.running, false, "the exit ends the wait");
    assert.equal(none.body.match, undefined);
  });

  it("matches a terminal's line through its escape sequences and CRLF", T, async () => {
    const command = "printf '\\033[1;32mREADY\\033[0m in 42 ms\\n'; sleep 30";
    const run = await call("POST", "/run", { body: { command, tty: true, until: "match", pattern: "^READY in \\d+ ms$" } });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    assert.deepEqual(run.body.match, { text: "READY in 42 ms", cursor: 0 });
    await kill(run.body.id);
  });

  it("until=port wakes once the leader listens, with the address and pid; a TCP connect agrees", T, async () => {
    const port = await freePort();
    const run = await call("POST", "/run", {
      body: { command: `exec ${PYTHON} -m http.server ${port} --bind 127.0.0.1`, until: "port", port, wait_ms: 20_000 },
    });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    assert.equal(run.body.running, true);
    assert.deepEqual(run.body.listening, [{ port, address: "127.0.0.1", pid: run.body.pid }]);
    assert.equal(await accepts(port), true, "the port takes connections when the server says it listens");
    const info = (await call("GET", `/${run.body.id}`)).body;
    assert.deepEqual(info.listening_ports, [port]);
    await kill(run.body.id);
  });

  it("until=port sees a child of the shell listen on IPv6 too, and names the child", T, async () => {
    const port = await freePort();
    const id = await start({ command: `sleep 1; ${PYTHON} -m http.server ${port} --bind :: & wait` });
    const reply = await call("GET", `/${id}/output?until=port&port=${port}&wait_ms=20000`);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const [socket] = reply.body.listening;
    assert.equal(socket.port, port);
    assert.equal(socket.address, "::");
    const members = await liveGroup(reply.body.pid);
    assert.ok(socket.pid !== reply.body.pid && members.includes(socket.pid), `${socket.pid} is a member: ${members}`);
    await kill(id);
  });

  it("until=port ends with the exit when nothing listened", T, async () => {
    const port = await freePort();
    const run = await call("POST", "/run", { body: { command: "sleep 0.3", until: "port", port, wait_ms: 20_000 } });
    assert.equal(run.body.running, false);
    assert.equal(run.body.listening, undefined);
  });

  it("liveness: a busy process's cpu_ms rises; members, rss, state; /list only with stats=true", T, async () => {
    const id = await start({ command: "exec yes > /dev/null", timeout_ms: 20_000 });
    assert.ok(await eventually(async () => ((await call("GET", `/${id}`)).body.cpu_ms as number) > 0));
    const first = (await call("GET", `/${id}`)).body;
    await new Promise((r) => setTimeout(r, 600));
    const later = (await call("GET", `/${id}`)).body;
    assert.ok(later.cpu_ms > first.cpu_ms, `${first.cpu_ms} → ${later.cpu_ms}`);
    assert.equal(later.state, "R");
    assert.equal(later.group_members, (await liveGroup(later.pid)).length);
    assert.ok(later.rss_bytes > 0);
    assert.deepEqual(later.listening_ports, []);
    const plain = (await call("GET", "/list")).body.processes.find((p: { id: string }) => p.id === id);
    assert.equal(plain.cpu_ms, undefined, "a plain list stays cheap");
    const stats = (await call("GET", "/list?stats=true")).body.processes.find((p: { id: string }) => p.id === id);
    assert.ok(stats.cpu_ms >= later.cpu_ms && stats.group_members >= 1);
    await kill(id);
    const gone = (await call("GET", `/${id}`)).body;
    assert.deepEqual([gone.group_members, gone.cpu_ms, gone.rss_bytes, gone.state], [0, 0, 0, undefined]);
  });

  it("bad conditions are 400 with the reason, and /run starts nothing", T, async () => {
    const id = await start({ command: "sleep 30" });
    const bad: [string, string, RegExp][] = [
      ["until=match&pattern=(", "pattern", /Unterminated group|Invalid regular expression/],
      ["until=match&pattern=(%3F%3Da)", "pattern", /linear-time/],
      ["until=match&pattern=(a)%5C1", "pattern", /linear-time/],
      [`until=match&pattern=${"a".repeat(1025)}`, "pattern", /1024/],
      ["until=match&pattern=a&flags=g", "flags", /g/],
      ["until=match", "pattern", /needs a pattern/],
      ["until=exit&pattern=a", "pattern", /until=match/],
      ["until=port&port=0", "port", /at least 1/],
      ["until=port&port=65536", "port", /at most 65535/],
      ["until=port&port=http", "port", /integer/],
      ["until=port", "port", /needs a port/],
      ["until=match&pattern=a&port=80", "port", /until=port/],
      ["until=later", "until", /until must be/],
    ];
    for (const [query, field, message] of bad) {
      const reply = await call("GET", `/${id}/output?${query}&wait_ms=100`);
      assertError(reply, 400, "invalid_request", field);
      assert.match(reply.body.message, message, query);
    }
    const before = (await call("GET", "/list?limit=1000")).body.processes.length;
    const runs = [
      { until: "match", pattern: "(" },
      { until: "match", pattern: "(?<=a)b" },
      { until: "port" },
      { until: "output", port: 3000 },
      { until: "port", port: 1.5 },
    ];
    for (const condition of runs) assertError(await call("POST", "/run", { body: { command: "touch /tmp/no", ...condition } }), 400, "invalid_request");
    assert.equal((await call("GET", "/list?limit=1000")).body.processes.length, before, "nothing ran");
    await kill(id);
  });

  it("a hostile pattern on long lines does not stall the server: it answers others meanwhile", T, async () => {
    // (a+)+$ against "aaa…ab" backtracks for ages in a JS engine's own RegExp; here it is linear.
    const command = `for i in 1 2 3 4 5 6 7 8; do printf '%02000d' 0 | tr 0 a; echo b; done; sleep 30`;
    const id = await start({ command });
    const waiting = call("GET", `/${id}/output?until=match&pattern=${encodeURIComponent("^(a+)+$")}&wait_ms=1500`);
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    const reply = await waiting;
    assert.equal(reply.status, 200);
    assert.equal(reply.body.match, undefined);
    assert.equal(reply.body.running, true);
    await kill(id);
  });
});
