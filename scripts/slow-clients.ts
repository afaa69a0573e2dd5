/**
 * `npm run slow-clients`: the server's memory under clients that never finish a request (docs/api.md §5,
 * `--request-timeout-ms`). For each runtime it starts a real server on loopback, opens `--connections` (500)
 * connections that send a `POST /start` whose body stops after `--partial-bytes` (16384) of its announced 65536,
 * or (`--kind headers`) whose headers never end, and samples the server's RSS: before, at the peak, once the server
 * has dropped them (or `--hold-s` has passed), and once the client has closed what is still open; `--rounds` (3)
 * times on the same server, so memory that is kept rather than reused shows as a climb. It also checks that no
 * process was started and that the server still answers. Prints a table and writes it to docs/load.md (unless
 * `--no-write`).
 *
 * `--before DIR` runs the same against another checkout (e.g. the code before the change, in a `git worktree`) in
 * the same run, interleaved; a checkout without `--request-timeout-ms` gets no such flag.
 *
 * Flags: `--runtimes bun,node,deno`, `--kinds body,headers`, `--connections N` (at most 2000),
 * `--partial-bytes N`, `--request-timeout-ms N` (3000), `--hold-s N` (15), `--rounds N` (3), `--before DIR`,
 * `--out FILE`, `--no-write`.
 * @module
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { caller } from "../test/support/http.ts";
import { listening, ROOT, RUNTIMES, type Runtime, serverCommand } from "../test/support/runtime.ts";
import { rssKiB } from "../test/support/server.ts";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1]!;
};
const list = (name: string, fallback: string) => option(name, fallback).split(",").filter(Boolean);
const CONNECTIONS = Math.min(2000, Number(option("connections", "500")));
const PARTIAL = Number(option("partial-bytes", "16384"));
const TIMEOUT_MS = Number(option("request-timeout-ms", "3000"));
const HOLD_MS = Number(option("hold-s", "15")) * 1000;
const ROUNDS = Math.max(1, Math.min(10, Number(option("rounds", "3"))));
const BEFORE = args.includes("--before") ? option("before", "") : undefined;
const OUT = option("out", fileURLToPath(new URL("../docs/load.md", import.meta.url)));
const runtimes = list("runtimes", RUNTIMES.join(",")) as Runtime[];
const kinds = list("kinds", "body,headers") as Kind[];
type Kind = "body" | "headers";

const MiB = 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Row {
  runtime: Runtime;
  code: string;
  kind: Kind;
  before: number;
  /** Per round: the peak RSS, once the server dropped them (or the hold passed), once the client closed the rest. */
  rounds: { peak: number; dropped: number; closed: number }[];
  answered: Map<string, number>;
  droppedBy: number;
  lastDropS: number;
  started: number;
  alive: boolean;
}

/** One connection that stops before its request is complete; remembers what the server did with it. */
interface SlowClient {
  socket: Socket;
  /** The status line of what the server answered, without "HTTP/1.1 "; "" if nothing. */
  status(): string;
  /** When the server closed the connection (performance.now()), 0 while open. */
  closedAt(): number;
}

function slowClient(port: number, kind: Kind): Promise<SlowClient> {
  const head = `POST /api/v0/processes/start HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n`;
  const body = `{"command":"${"x".repeat(PARTIAL - 12)}`;
  const request = kind === "headers" ? `${head}X-Slow: 1` : `${head}Content-Length: 65536\r\n\r\n${body}`;
  let first = "";
  let closedAt = 0;
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(request);
      resolve({ socket, status: () => first.split("\r\n")[0]!.replace(/^HTTP\/1\.1 /, ""), closedAt: () => closedAt });
    });
    socket.on("data", (chunk) => void (first ||= chunk.toString("latin1")));
    socket.on("error", () => undefined);
    socket.on("close", () => void (closedAt ||= performance.now()));
    socket.once("error", reject);
  });
}

async function measure(runtime: Runtime, root: string, code: string, kind: Kind): Promise<Row> {
  const knowsFlag = readFileSync(join(root, "src/cli/server-config.ts"), "utf8").includes("request-timeout-ms");
  const flags = ["--port", "0", "--quiet", ...(knowsFlag ? ["--request-timeout-ms", String(TIMEOUT_MS)] : [])];
  const [cmd, argv] = serverCommand(runtime, flags, root);
  const child = spawn(cmd, argv, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  const url = await listening(child, `edgeproc (${runtime}, ${code})`, 8192).url;
  const port = Number(new URL(url).port);
  const health = caller(url);
  try {
    // Warm up the paths the slow clients take (a start's body read and its 400), then let the heap settle.
    for (let i = 0; i < 50; i++) await health("POST", "/api/v0/processes/start", { raw: "{" });
    await sleep(2000);
    const before = await rssKiB(child.pid!);
    let peak = 0;
    const sample = () => rssKiB(child.pid!).then((kib) => void (peak = Math.max(peak, kib)), () => undefined);
    const sampler = setInterval(() => void sample(), 100);
    const rounds: Row["rounds"] = [];
    const answered = new Map<string, number>();
    let droppedBy = 0;
    let lastDropS = 0;
    for (let round = 0; round < ROUNDS; round++) {
      peak = await rssKiB(child.pid!);
      const t0 = performance.now();
      const clients = [];
      for (let i = 0; i < CONNECTIONS; i += 50) {
        const batch = Math.min(50, CONNECTIONS - i);
        clients.push(...(await Promise.all(Array.from({ length: batch }, () => slowClient(port, kind)))));
      }
      const end = t0 + HOLD_MS;
      while (performance.now() < end && clients.some((c) => c.closedAt() === 0)) await sleep(100);
      await sleep(2000);
      const dropped = await rssKiB(child.pid!);
      droppedBy += clients.filter((c) => c.closedAt() !== 0).length;
      lastDropS = Math.max(lastDropS, ...clients.map((c) => (c.closedAt() ? c.closedAt() - t0 : 0) / 1000));
      for (const c of clients) answered.set(c.status() || "none", (answered.get(c.status() || "none") ?? 0) + 1);
      for (const c of clients) c.socket.destroy();
      await sleep(2000);
      rounds.push({ peak, dropped, closed: await rssKiB(child.pid!) });
    }
    clearInterval(sampler);
    const reply = await health("GET", "/healthz");
    const started = reply.body.processes?.total ?? -1;
    const alive = reply.status === 200;
    return { runtime, code, kind, before, rounds, answered, droppedBy, lastDropS, started, alive };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
  }
}

const checkouts: [string, string][] = [["this change", ROOT]];
if (BEFORE) {
  if (!existsSync(join(BEFORE, "src/cli/server-config.ts"))) throw new Error(`--before ${BEFORE}: not a checkout`);
  checkouts.unshift(["before", BEFORE]);
}
// A last resort if something hangs.
const watchdog = setTimeout(() => (console.error("slow-clients: watchdog fired"), process.exit(3)), 30 * 60_000);
watchdog.unref();

const rows: Row[] = [];
for (const kind of kinds) {
  for (const runtime of runtimes) {
    for (const [code, root] of checkouts) {
      const row = await measure(runtime, root, code, kind);
      rows.push(row);
      console.error(`${runtime} ${code} ${kind}: ${line(row)}`);
    }
  }
}

function line(r: Row): string {
  const mib = (kib: number) => (kib / MiB).toFixed(1);
  const answers = [...r.answered].map(([k, v]) => `${v}× ${k}`).join(", ");
  const drop = r.droppedBy === 0 ? "none" : `${r.droppedBy} (last ${r.lastDropS.toFixed(1)} s)`;
  const rounds = (key: "peak" | "dropped" | "closed") => r.rounds.map((x) => mib(x[key])).join(" / ");
  const rise = mib(Math.max(...r.rounds.map((x) => x.peak)) - r.before);
  const cells = [r.runtime, r.code, r.kind, mib(r.before), `${rounds("peak")} (+${rise})`, rounds("dropped")];
  cells.push(rounds("closed"), answers, drop, String(r.started), r.alive ? "yes" : "NO");
  return `| ${cells.join(" | ")} |`;
}

const header = ["runtime", "code", "stalls in", "RSS before", "peak, by round (most above before)"];
header.push("after the server's drop, by round");
header.push("after the client closes, by round", "answers", "dropped by the server", "processes started");
header.push("still serving");
const report = `## Slow clients

\`npm run slow-clients\` (scripts/slow-clients.ts), ${new Date().toISOString().slice(0, 10)}, on this project's 2-core
machine. Per runtime, a real server on loopback, ${CONNECTIONS} connections that each send a \`POST /start\` and stop:
**body**, after ${PARTIAL} of the 65536 bytes its Content-Length announces; **headers**, before the blank line that
ends them. The server runs with \`--request-timeout-ms ${TIMEOUT_MS}\` (the code before it has no such flag).
${ROUNDS} rounds on the same server; RSS in MiB from /proc, sampled every 100 ms: before the first round, then in each
round its peak, 2 s after the server dropped all of them (or after ${HOLD_MS / 1000} s), and 2 s after the client closed
what was still open. Answers and drops are summed over the rounds; "last" is the latest drop after its round began.

${header.map((h) => `| ${h} `).join("")}|
${header.map(() => "|---").join("")}|
${rows.map(line).join("\n")}
`;
console.log(report);
if (!args.includes("--no-write")) await writeReport(OUT, report);

/** Replaces the slow-clients section of the report file, keeping the rest. */
async function writeReport(file: string, section: string) {
  const begin = "<!-- slow-clients:begin -->";
  const end = "<!-- slow-clients:end -->";
  const block = `${begin}\n${section}${end}`;
  const current = await readFile(file, "utf8");
  const at = current.indexOf(begin);
  const next = at === -1
    ? `${current.trimEnd()}\n\n${block}\n`
    : current.slice(0, at) + block + current.slice(current.indexOf(end) + end.length);
  await writeFile(file, next);
}
