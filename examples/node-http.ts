/**
 * edgeproc on a plain `node:http` server: `getRequestListener` adapts IncomingMessage/ServerResponse to the
 * web-standard Request/Response that `api.fetch` speaks. `PORT=0 node --import tsx examples/node-http.ts`
 * (Bun and Deno run it too, through their `node:http`).
 * In this repository `import "edgeproc"` is the built `dist/`: run `npm run build` first, or add
 * `--conditions=edgeproc-source` after `node`, `bun run` or `deno run` to run `src/` (as test/e2e/examples does).
 * @module
 */
import { getRequestListener } from "@hono/node-server";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import process from "node:process";
import { createProcessApi } from "edgeproc";

const api = createProcessApi({ token: process.env.EDGEPROC_TOKEN });

// Keep the runtime's own Request/Response: by default @hono/node-server replaces the globals.
const server = createServer(getRequestListener(api.fetch, { overrideGlobalObjects: false }));
server.listen(Number(process.env.PORT ?? 7070), "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  console.log(`edgeproc listening on http://127.0.0.1:${port}`);
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, async () => {
    // Ends every process group (TERM, then KILL after the grace) so none outlives the server.
    await api.close();
    server.close();
    process.exit(0);
  });
}
