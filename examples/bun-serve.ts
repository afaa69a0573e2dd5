/**
 * edgeproc on `Bun.serve`, the smallest embedding: `PORT=0 bun run examples/bun-serve.ts`.
 * In this repository `import "edgeproc"` is the built `dist/`: run `npm run build` first, or add
 * `--conditions=edgeproc-source` after `node`, `bun run` or `deno run` to run `src/` (as test/e2e/examples does).
 * @module
 */
import process from "node:process";
import { createProcessApi } from "edgeproc";

const api = createProcessApi({ token: process.env.EDGEPROC_TOKEN });

// Bun closes a connection idle for 10 s by default, which would cut every long wait (`?wait=true`): 0 turns that off.
const port = Number(process.env.PORT ?? 7070);
const server = Bun.serve({ fetch: api.fetch, hostname: "127.0.0.1", port, idleTimeout: 0 });
console.log(`edgeproc listening on http://127.0.0.1:${server.port}`);

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, async () => {
    // Ends every process group (TERM, then KILL after the grace) so none outlives the server.
    await api.close();
    await server.stop();
    process.exit(0);
  });
}
