/**
 * The floor of an HTTP round trip: the runtime's own server (`Bun.serve`, `Deno.serve`, `node:http`) answering
 * `POST /run` by spawning `sh -c true` in a new session with its stdout on a pipe, reading it to EOF and reaping
 * it (run-piped.ts), then answering JSON; or `POST /start` answering an id at once and `GET /wait/{id}` answering
 * once that process ended. No edgeproc code, no router, no validation, no access log: what any server on this
 * runtime pays for a `/run`, or a start and a wait, with the contract's new session.
 *
 *   bun scripts/bench/floor/http-floor.ts --port 0     # prints "edgeproc listening on http://127.0.0.1:N"
 * @module
 */
import { createServer } from "node:http";
import process from "node:process";
import { runPiped } from "./run-piped.ts";

interface BunLike {
  serve(options: {
    hostname: string;
    port: number;
    idleTimeout: number;
    fetch: (request: Request) => Promise<Response>;
  }): { port: number };
}
interface DenoLike {
  serve(
    options: { hostname: string; port: number; onListen: (address: { port: number }) => void },
    handler: (request: Request) => Promise<Response>,
  ): unknown;
}
const bun = (globalThis as { Bun?: BunLike }).Bun;
const deno = (globalThis as unknown as { Deno?: DenoLike }).Deno;

const at = process.argv.indexOf("--port");
const port = at >= 0 ? Number(process.argv[at + 1]) : 0;
const hostname = "127.0.0.1";
const REPLY = JSON.stringify({ running: false, exit_code: 0 });
const announce = (bound: number) => console.log(`edgeproc listening on http://${hostname}:${bound}`);

const started = new Map<string, Promise<number>>();
let nextId = 0;

/** The handler: the body parsed (as any server must), the command run (to its end for `/run`), the answer. */
async function handle(method: string, path: string, body: string): Promise<string> {
  if (method === "GET" && path.startsWith("/wait/")) {
    const id = path.slice("/wait/".length);
    await started.get(id);
    started.delete(id);
    return REPLY;
  }
  if (JSON.parse(body).command !== "true") throw new Error("the floor runs `true` only");
  if (path === "/run") {
    await runPiped("true", true);
    return REPLY;
  }
  const id = String(nextId++);
  started.set(id, runPiped("true", true));
  return JSON.stringify({ id });
}
const answer = async (request: Request) =>
  new Response(await handle(request.method, new URL(request.url).pathname, await request.text()), { headers: json });
const json = { "content-type": "application/json" };

if (bun) {
  const server = bun.serve({
    hostname,
    port,
    idleTimeout: 0,
    fetch: answer,
  });
  announce(server.port);
} else if (deno) {
  deno.serve({ hostname, port, onListen: (address) => announce(address.port) }, answer);
} else {
  const server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => {
      handle(request.method ?? "GET", request.url ?? "/", body).then(
        (reply) => response.writeHead(200, json).end(reply),
        (error: Error) => response.writeHead(500).end(error.message),
      );
    });
  });
  server.listen(port, hostname, () => {
    const address = server.address();
    announce(typeof address === "object" && address ? address.port : 0);
  });
}
process.on("SIGTERM", () => process.exit(0));
