/**
 * edgeproc inside a Hono app of your own: mount `api.app` next to your routes and serve the whole app. Served
 * here through `node:http` (`@hono/node-server`), so the same file runs on Node, Bun and Deno:
 * `PORT=0 node --import tsx examples/hono-app.ts`, `bun run examples/hono-app.ts`, `deno run -A examples/hono-app.ts`.
 * In this repository `import "edgeproc"` is the built `dist/`: run `npm run build` first, or add
 * `--conditions=edgeproc-source` after `node`, `bun run` or `deno run` to run `src/` (as test/e2e/examples does).
 * @module
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import process from "node:process";
import { createProcessApi } from "edgeproc";

const api = createProcessApi({ token: process.env.EDGEPROC_TOKEN });

const app = new Hono();
// Registered before the mount, so it answers before edgeproc's token check runs; routes added after need the token.
app.get("/hello", (c) => c.text("hello from the host app\n"));
app.route("/", api.app);

const server = serve(
  {
    fetch: app.fetch,
    hostname: "127.0.0.1",
    port: Number(process.env.PORT ?? 7070),
    // Keep the runtime's own Request/Response: by default @hono/node-server replaces the globals.
    overrideGlobalObjects: false,
  },
  (info) => console.log(`edgeproc listening on http://127.0.0.1:${info.port}`),
);

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, async () => {
    // Ends every process group (TERM, then KILL after the grace) so none outlives the app.
    await api.close();
    server.close();
    process.exit(0);
  });
}
