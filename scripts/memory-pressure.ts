/**
 * `npm run load:memory`: the memory cases of issue 11 against a real server on loopback, with the server's RSS
 * sampled every 100 ms (bounded in count and time; never more than 300 processes at once):
 *
 * - `records`: 1000 processes write 2 MiB each and exit, 32 at a time, all kept (retention 1 h);
 * - `flood`: 256 processes run `yes` for `--flood-s` seconds (20), then are killed;
 * - `stdin`: 300 parallel 1 MB stdin writes to one child that never reads.
 *
 * Prints one Markdown row per case: RSS at start, peak, after (once the case's processes are gone), and the
 * retained output `/healthz` reports. `--root DIR` runs the server of another checkout (an older commit, for a
 * before/after in one run); `--runtime bun|deno|node`; `--cases records,flood,stdin`; `--flood-s N`; `--trace`
 * prints RSS every half second on stderr.
 * @module
 */
import process from "node:process";
import { caller } from "../test/support/http.ts";
import { ROOT, serverCommand, testRuntime, type Runtime } from "../test/support/runtime.ts";
import { launch, rssKiB, type TestServer } from "../test/support/server.ts";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1]!;
};
const runtime = option("runtime", testRuntime()) as Runtime;
const root = option("root", ROOT);
const cases = option("cases", "records,flood,stdin").split(",");
const FLOOD_S = Number(option("flood-s", "20"));
const MiB = 1024;
const TRACE = args.includes("--trace");

interface Row {
  name: string;
  startMiB: number;
  peakMiB: number;
  afterMiB: number;
  retained: string;
  note: string;
}

/** Samples the server's RSS until stopped; the peak is the largest sample. */
function sampler(pid: number) {
  let peak = 0;
  let stop = false;
  let samples = 0;
  const t0 = performance.now();
  const done = (async () => {
    while (!stop) {
      const rss = await rssKiB(pid).catch(() => 0);
      const seconds = ((performance.now() - t0) / 1000).toFixed(1);
      if (TRACE && samples++ % 5 === 0) console.error(`  ${seconds} s: ${(rss / MiB).toFixed(0)} MiB`);
      peak = Math.max(peak, rss);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return async () => {
    stop = true;
    await done;
    return peak;
  };
}

async function retained(server: TestServer): Promise<string> {
  const health = (await (await fetch(`${server.url}/healthz`)).json()) as { output?: { retained_bytes: number } };
  return health.output ? `${(health.output.retained_bytes / 1048576).toFixed(1)} MiB` : "n/a";
}

/** Runs `n` tasks, `width` at a time. */
async function pool(n: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await task(next++);
  }));
}

async function measure(name: string, extra: string[], body: (server: TestServer) => Promise<string>): Promise<Row> {
  const [cmd, argv] = serverCommand(runtime, ["--port", "0", "--quiet", ...extra], root);
  const server = await launch(cmd, argv);
  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const start = await rssKiB(server.pid);
    const peakOf = sampler(server.pid);
    const note = await body(server);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = await rssKiB(server.pid);
    const peak = Math.max(await peakOf(), after);
    const kept = await retained(server);
    const row = { name, startMiB: start / MiB, peakMiB: peak / MiB, afterMiB: after / MiB, retained: kept, note };
    console.log(format(row));
    if (TRACE) console.error(server.log());
    return row;
  } finally {
    await server.stop();
  }
}

const format = (r: Row) =>
  `| ${runtime} | ${r.name} | ${r.startMiB.toFixed(0)} | ${r.peakMiB.toFixed(0)} | ${r.afterMiB.toFixed(0)} | ` +
  `${r.retained} | ${r.note} |`;

const RECORDS_FLAGS = ["--max-exited", "1000", "--retention-ms", "3600000", "--max-processes", "64"];
const CASES: Record<string, () => Promise<Row>> = {
  records: () =>
    measure("1000 × 2 MiB, exited", RECORDS_FLAGS, async (server) => {
      const call = caller(`${server.url}/api/v0/processes`);
      let bad = 0;
      await pool(1000, 32, async () => {
        const run = await call("POST", "/run", { body: { command: "head -c 2097152 /dev/zero" } });
        if (run.status !== 200 || run.body.exit_code !== 0) bad++;
      });
      const list = await call("GET", "/list?limit=1000");
      return `${list.body.processes?.length ?? "?"} records kept, ${bad} failed runs`;
    }),
  flood: () =>
    measure(`256 × yes for ${FLOOD_S} s`, ["--max-processes", "256"], async (server) => {
      const call = caller(`${server.url}/api/v0/processes`);
      const ids: string[] = [];
      await pool(256, 16, async () => {
        const started = await call("POST", "/start", { body: { command: "exec yes" } });
        if (started.status === 200) ids.push(started.body.id);
      });
      await new Promise((resolve) => setTimeout(resolve, FLOOD_S * 1000));
      const during = await retained(server);
      let total = 0;
      await pool(ids.length, 32, async (i) => {
        const killed = await call("POST", `/${ids[i]}/signal`, { body: { signal: "kill", wait_ms: 10000 } });
        const info = await call("GET", `/${ids[i]}`);
        total += info.body.total_bytes ?? 0;
        if (killed.status !== 200) console.error(`kill ${ids[i]}: ${killed.status}`);
      });
      return `${ids.length} started, ${(total / 2 ** 30).toFixed(1)} GiB read, retained ${during} while flooding`;
    }),
  stdin: () =>
    measure("300 × 1 MB stdin, never read", [], async (server) => {
      const call = caller(`${server.url}/api/v0/processes`);
      const started = await call("POST", "/start", { body: { command: "exec sleep 600", stdin: true } });
      const id = started.body.id as string;
      const data = "x".repeat(1_000_000);
      const statuses = new Map<number, number>();
      // The writes that get queued wait up to --max-wait-ms: killing the child ends them.
      const writes = Array.from({ length: 300 }, () =>
        call("POST", `/${id}/stdin`, { body: { data } }).then((r) => {
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 5000));
      await call("POST", `/${id}/signal`, { body: { signal: "kill", wait_ms: 10000 } });
      await Promise.all(writes);
      return [...statuses].sort().map(([status, n]) => `${n} × ${status}`).join(", ");
    }),
};

console.log(`| runtime | case | RSS start MiB | peak | after | retained | notes |`);
console.log(`|---|---|---|---|---|---|---|`);
for (const name of cases) {
  const run = CASES[name];
  if (!run) throw new Error(`unknown case ${name}; known: ${Object.keys(CASES).join(", ")}`);
  await run();
}
