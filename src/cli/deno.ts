/**
 * `deno serve -A src/cli/deno.ts`: edgeproc on `deno serve` (`scripts/start-deno.sh` passes `--port`/`--host`).
 * @module
 */
import { prepareServer, serveLifecycle } from "./lifecycle.ts";

const { api } = prepareServer("npm run start:deno --");

export default {
  fetch: api.fetch,
  onListen(addr: { hostname: string; port: number }) {
    serveLifecycle(api, `http://${addr.hostname}:${addr.port}`, () => undefined);
  },
};
