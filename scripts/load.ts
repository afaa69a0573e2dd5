/**
 * `npm run load`: a bounded load test against a real server on loopback. A few thousand starts at concurrency 64,
 * mixed with waits, snapshots, streams, lists and kills, against a server with a low `--max-processes`. Checks:
 * no lost record (every started id is found), no 5xx, a 429 only while the running limit is reached, running never
 * above the limit, and afterwards no waiter or stream left and server memory back near its start. Prints the
 * figures and writes them to `docs/load.md` (unless `--no-write`). Exits 1 when a check fails.
 *
 * The starts are split into rounds (`--rounds`, 4); after each, every record is read back, then deleted, and the
 * server's RSS taken: a leak shows as RSS climbing round after round.
 *
 * Flags: `--starts N` (3000), `--rounds N` (4), `--concurrency N` (64), `--max-processes N` (32),
 * `--runtime bun|deno|node` (the one running this script), `--time-limit-s N` (180), `--out FILE` (docs/load.md),
 * `--no-write`.
 * @module
 */
import { readFile, writeFile } from "node:fs/promises";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { caller } from "../test/support/http.ts";
import { testRuntime } from "../test/support/runtime.ts";
import { rssKiB, startServer } from "../test/support/server.ts";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1]!;
};
const STARTS = Number(option("starts", "3000"));
const CONCURRENCY = Number(option("concurrency", "64"));
const MAX_PROCESSES = Number(option("max-processes", "32"));
const TIME_LIMIT_MS = Number(option("time-limit-s", "180")) * 1000;
const ROUNDS = Math.max(1, Number(option("rounds", "4")));
const OUT = option("out", fileURLToPath(new URL("../docs/load.md", import.meta.url)));
const WRITE = !args.includes("--no-write");
process.env.EDGEPROC_E2E_RUNTIME = option("runtime", testRuntime());
const runtime = testRuntime();

type Op = "start" | "wait" | "snapshot" | "kill" | "list" | "stream";
const failures: string[] = [];
const fail = (why: string) => {
  if (failures.length < 20) console.error(`FAIL: ${why}`);
  failures.push(why);
};
const latencies = new Map<Op, number[]>();
const statuses = new Map<string, number>();
const tally = (key: string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);

// Client-side accounting for the 429 check (see `checkRefusal`).
const startedIds: string[] = [];
/** id → the exit sequence number at which this client saw it exited. */
const exitSeen = new Map<string, number>();
let exitSeq = 0;
let startsInFlight = 0;
let startsIssued = 0;
let refusals = 0;
let peakRunning = 0;
let peakRss = 0;
let totalStarted = 0;

const server = await startServer([
  "--max-processes", String(MAX_PROCESSES),
  // Keep every record for the whole run, so "every started id is found" is exact.
  "--max-exited", "1000000",
  "--retention-ms", "3600000",
  "--kill-grace-ms", "500",
  "--pipe-grace-ms", "500",
]);
if (!server.url.startsWith("http://127.0.0.1:")) throw new Error(`not loopback: ${server.url}`);
// A last resort if something hangs: the script and its server stop by themselves.
const watchdog = setTimeout(() => {
  console.error("load: watchdog fired; stopping");
  server.child.kill("SIGKILL");
  process.exit(3);
}, TIME_LIMIT_MS + 120_000);
watchdog.unref?.();

const call = caller(`${server.url}/api/v0/processes`);
const health = caller(server.url);
const rssCold = await rssKiB(server.pid);

function markExited(id: string) {
  if (!exitSeen.has(id)) exitSeen.set(id, ++exitSeq);
}

function randomId(): string | null {
  // Mostly ids not yet seen exited, so waits and kills have work to do.
  const open = startedIds.filter((id) => !exitSeen.has(id));
  const pool = open.length > 0 && Math.random() < 0.85 ? open : startedIds;
  return pool.length === 0 ? null : pool[Math.floor(Math.random() * pool.length)]!;
}

function command(): string {
  const r = Math.random();
  if (r < 0.35) return "true";
  if (r < 0.55) return "echo load $$";
  if (r < 0.75) return `sleep 0.${1 + Math.floor(Math.random() * 5)}`;
  if (r < 0.93) return "sleep 30";
  return "head -c 200000 /dev/zero";
}

/**
 * A 429 must mean the server counted `maxProcesses` running or starting. Every process it could have counted
 * when it decided is one this client started and had not seen exited before sending this request, or a start
 * still in flight: if even that upper bound is below the limit, the 429 was wrong.
 */
function checkRefusal(seqAtSend: number) {
  let bound = startsInFlight;
  for (const id of startedIds) {
    const seen = exitSeen.get(id);
    if (seen === undefined || seen > seqAtSend) bound++;
  }
  if (bound < MAX_PROCESSES) fail(`429 while at most ${bound} of ${MAX_PROCESSES} could be running`);
}

async function timed<T>(op: Op, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    let list = latencies.get(op);
    if (!list) latencies.set(op, (list = []));
    list.push(performance.now() - t0);
  }
}

function expect(op: Op, reply: { status: number; body: any }, allowed: number[]) {
  tally(`${op} ${reply.status}${reply.status >= 300 ? ` ${reply.body?.code}` : ""}`);
  if (reply.status >= 500) fail(`${op}: ${reply.status} ${JSON.stringify(reply.body)}`);
  else if (!allowed.includes(reply.status)) fail(`${op}: unexpected ${reply.status} ${JSON.stringify(reply.body)}`);
}

async function start() {
  startsIssued++;
  const seqAtSend = exitSeq;
  startsInFlight++;
  let reply;
  try {
    reply = await timed("start", () => call("POST", "/start", { body: { command: command() } }));
  } finally {
    startsInFlight--;
  }
  expect("start", reply, [200, 429]);
  if (reply.status === 200) startedIds.push(reply.body.id);
  if (reply.status === 429) {
    refusals++;
    checkRefusal(seqAtSend);
  }
}

async function observe(op: "wait" | "snapshot", id: string) {
  const query = op === "wait" ? "?wait_ms=2000" : "";
  const reply = await timed(op, () => call("GET", `/${id}/output${query}`));
  expect(op, reply, [200]);
  if (reply.status === 200 && reply.body.running === false) markExited(id);
}

async function kill(id: string) {
  const reply = await timed("kill", () => call("POST", `/${id}/signal`, { body: { signal: "kill" } }));
  expect("kill", reply, [200, 409]);
}

async function stream(id: string) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 3000);
  await timed("stream", async () => {
    try {
      const response = await fetch(`${server.url}/api/v0/processes/${id}/stream`, { signal: abort.signal });
      tally(`stream ${response.status}`);
      if (response.status !== 200) fail(`stream: ${response.status} ${await response.text()}`);
      const text = await response.text();
      if (text.includes("event: exit")) markExited(id);
    } catch (err) {
      // Our own abort after 3 s of a long sleeper: the server must free the stream (checked at the end).
      if (!abort.signal.aborted) fail(`stream: ${err}`);
    } finally {
      clearTimeout(timer);
    }
  });
}

async function list() {
  const reply = await timed("list", () => call("GET", "/list?limit=1000"));
  expect("list", reply, [200]);
}

const deadline = performance.now() + TIME_LIMIT_MS;
async function worker(goal: number) {
  while (startsIssued < goal && performance.now() < deadline) {
    const r = Math.random();
    const id = randomId();
    if (r < 0.5 || id === null) await start();
    else if (r < 0.65) await observe("wait", id);
    else if (r < 0.8) await observe("snapshot", id);
    else if (r < 0.9) await kill(id);
    else if (r < 0.95) await stream(id);
    else await list();
  }
}

async function sampler(stop: { done: boolean }) {
  while (!stop.done) {
    const reply = await health("GET", "/healthz");
    if (reply.status !== 200) fail(`/healthz ${reply.status}`);
    else {
      peakRunning = Math.max(peakRunning, reply.body.processes.running);
      if (reply.body.processes.running > MAX_PROCESSES) fail(`running ${reply.body.processes.running} > ${MAX_PROCESSES}`);
    }
    peakRss = Math.max(peakRss, await rssKiB(server.pid));
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Warm up (JIT, pools) before the baseline that "back near its start" is measured against.
for (let i = 0; i < 50; i++) {
  const reply = await call("POST", "/run", { body: { command: "true" } });
  await call("DELETE", `/${reply.body.id}`);
}
const rssWarm = await rssKiB(server.pid);
console.log(`load: ${runtime} server at ${server.url}, ${STARTS} starts in ${ROUNDS} rounds, concurrency ${CONCURRENCY}, max ${MAX_PROCESSES}`);

let lost = 0;
let activity = { waiters: -1, streams: -1 };
const rounds: { seconds: number; starts: number; rssDrained: number; rssAfter: number }[] = [];
const stop = { done: false };
const sampling = sampler(stop);
for (let round = 1; round <= ROUNDS; round++) {
  const t0 = performance.now();
  const goal = Math.round((STARTS * round) / ROUNDS);
  await Promise.all(Array.from({ length: CONCURRENCY }, () => worker(goal)));
  const seconds = (performance.now() - t0) / 1000;
  // Drain: kill what still runs, wait for every record, then check that each started id is found and exited.
  for (const id of startedIds.filter((i) => !exitSeen.has(i))) await call("POST", `/${id}/signal`, { body: { signal: "kill" } });
  let stillRunning = 0;
  for (const id of startedIds) {
    const reply = await call("GET", `/${id}/output?wait_ms=10000`);
    if (reply.status === 404) lost++;
    else if (reply.status !== 200) fail(`final read of ${id}: ${reply.status}`);
    else if (reply.body.running) stillRunning++;
    else markExited(id);
  }
  if (lost > 0) fail(`${lost} started ids not found`);
  if (stillRunning > 0) fail(`${stillRunning} records still running after the drain`);
  for (let i = 0; i < 100; i++) {
    activity = (await health("GET", "/healthz")).body.activity;
    if (activity.waiters === 0 && activity.streams === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (activity.waiters !== 0 || activity.streams !== 0) fail(`activity left: ${JSON.stringify(activity)}`);
  const rssDrained = await rssKiB(server.pid);
  // Delete every record: what is left after that is the server itself, ready for the next round.
  for (const id of startedIds) await call("DELETE", `/${id}`);
  const left = (await health("GET", "/healthz")).body.processes.total;
  if (left !== 0) fail(`records left after delete: ${left}`);
  rounds.push({ seconds, starts: startedIds.length, rssDrained, rssAfter: await rssKiB(server.pid) });
  totalStarted += startedIds.length;
  startedIds.length = 0;
}
stop.done = true;
await sampling;
await server.stop();
clearTimeout(watchdog);
const loadSeconds = rounds.reduce((t, r) => t + r.seconds, 0);

const ops = [...latencies].map(([op, ms]) => {
  ms.sort((a, b) => a - b);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!.toFixed(1);
  return { op, count: ms.length, p50: q(0.5), p95: q(0.95), max: ms.at(-1)!.toFixed(1) };
});
const mib = (kib: number) => (kib / 1024).toFixed(1);
const verdict = failures.length === 0 ? "pass" : `FAIL (${failures.length})`;
const report = `## Load

\`npm run load -- --runtime ${runtime}\` (scripts/load.ts), ${new Date().toISOString().slice(0, 10)}, on this project's
2-core machine. A real server on loopback with \`--max-processes ${MAX_PROCESSES}\`; ${CONCURRENCY} concurrent clients issue
${startsIssued} starts (\`true\`, \`echo\`, short and 30 s sleeps, 200 kB of output) mixed with waits
(\`wait_ms=2000\`), snapshots, kills, streams and lists, in ${ROUNDS} rounds; after each round the client kills what
still runs, reads every record back, then deletes them all.

**Result: ${verdict}.** Load phases ${loadSeconds.toFixed(1)} s in all.

| check | result |
|---|---|
| started ids found afterwards | ${totalStarted - lost} of ${totalStarted} |
| 5xx responses | ${[...statuses].filter(([k]) => / 5\d\d/.test(k)).reduce((n, [, v]) => n + v, 0)} |
| 429 refusals (each checked: only while the limit was reached) | ${refusals} |
| peak running seen by /healthz (limit ${MAX_PROCESSES}) | ${peakRunning} |
| /healthz activity afterwards | waiters ${activity.waiters}, streams ${activity.streams} |
| server RSS cold / after warm-up / peak | ${mib(rssCold)} / ${mib(rssWarm)} / ${mib(peakRss)} MiB |

| round | starts | seconds | RSS drained (records kept) | RSS after deleting them |
|---|---|---|---|---|
${rounds.map((r, i) => `| ${i + 1} | ${r.starts} | ${r.seconds.toFixed(1)} | ${mib(r.rssDrained)} MiB | ${mib(r.rssAfter)} MiB |`).join("\n")}

| operation | count | p50 ms | p95 ms | max ms |
|---|---|---|---|---|
${ops.map((o) => `| ${o.op} | ${o.count} | ${o.p50} | ${o.p95} | ${o.max} |`).join("\n")}

Responses by operation and status:

${[...statuses].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `- \`${k}\`: ${v}`).join("\n")}

The 429 check is exact from the client's side: a refusal fails the run unless the processes this client started
and had not yet seen exit, plus its starts in flight, reach the limit. RSS is the server's resident memory from
/proc; the garbage-collected runtimes keep freed heap for reuse, so the figure to watch is the RSS after each
round: flat from round to round means nothing accumulates.
`;
console.log(report);
if (WRITE) await writeReport(OUT, report);
process.exit(failures.length === 0 ? 0 : 1);

/** Replaces this runtime's section of the report file, keeping the rest (other runtimes, the fuzzing notes). */
async function writeReport(file: string, section: string) {
  const begin = `<!-- load:${runtime}:begin -->`;
  const end = `<!-- load:${runtime}:end -->`;
  const block = `${begin}\n${section.replace("## Load", `## Load on ${runtime}`)}${end}`;
  const current = await readFile(file, "utf8").catch(() => "# Load and fuzzing\n");
  const at = current.indexOf(begin);
  const next = at === -1 ? `${current.trimEnd()}\n\n${block}\n` : current.slice(0, at) + block + current.slice(current.indexOf(end) + end.length);
  await writeFile(file, next);
}
