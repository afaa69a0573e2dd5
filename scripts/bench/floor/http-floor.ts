/**
 * The floor of an HTTP round trip: the runtime's own server (`Bun.serve`, `Deno.serve`, `node:http`) answering
 * `POST /run` by spawning `sh -c true` in a new session with its stdout on a pipe, reading it to EOF and reaping
 * it (run-piped.ts), then answering JSON. No edgeproc code, no router, no validation, no access log: what any
 * server on this runtime pays for a `/run` with the contract's new session.
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

/** The handler: the body parsed (as any server must), the command run to its end, the answer. */
async function run(body: string): Promise<string> {
  if (JSON.parse(body).command !== "true") throw new Error("the floor runs `true` only");
  await runPiped("true", true);
  return REPLY;
}
const json = { "content-type": "application/json" };

if (bun) {
  const server = bun.serve({
    hostname,
    port,
    idleTimeout: 0,
    fetch: async (request) => new Response(await run(await request.text()), { headers: json }),
  });
  announce(server.port);
} else if (deno) {
  deno.serve({ hostname, port, onListen: (address) => announce(address.port) }, async (request) => {
    return new Response(await run(await request.text()), { headers: json });
  });
} else {
  const server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => {
      run(body).then(
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
