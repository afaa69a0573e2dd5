/**
 * edgeproc on `Deno.serve`: `PORT=0 deno run -A examples/deno-serve.ts`.
 * In this repository `import "edgeproc"` is the built `dist/`: run `npm run build` first, or add
 * `--conditions=edgeproc-source` after `node`, `bun run` or `deno run` to run `src/` (as test/e2e/examples does).
 * @module
 */
import { createProcessApi } from "edgeproc";

/** The part of the `Deno` namespace this file uses; no Deno types are installed in this repository. */
interface DenoRuntime {
  env: { get(name: string): string | undefined };
  serve(
    options: { hostname: string; port: number; onListen(addr: { port: number }): void },
    handler: (request: Request) => Promise<Response>,
  ): { shutdown(): Promise<void> };
  addSignalListener(signal: "SIGTERM" | "SIGINT", handler: () => void): void;
  exit(code: number): never;
}
const deno = (globalThis as unknown as { Deno: DenoRuntime }).Deno;

const api = createProcessApi({ token: deno.env.get("EDGEPROC_TOKEN") });

// Deno.serve has no idle timeout, so long waits need no setting here. Run with the repository's deno.json (its
// "no-legacy-abort") so a finished response does not look like a client disconnect.
const server = deno.serve(
  {
    hostname: "127.0.0.1",
    port: Number(deno.env.get("PORT") ?? 7070),
    onListen: ({ port }) => console.log(`edgeproc listening on http://127.0.0.1:${port}`),
  },
  api.fetch,
);

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  deno.addSignalListener(signal, async () => {
    // Ends every process group (TERM, then KILL after the grace) so none outlives the server.
    await api.close();
    await server.shutdown();
    deno.exit(0);
  });
}
