/**
 * `deno serve -A src/cli/deno.ts`: edgeproc on `deno serve` (`scripts/start-deno.sh` passes `--port`/`--host`).
 * @module
 */
import { httpUrl } from "../runtimes/listen-options.ts";
import { prepareServer, serveLifecycle } from "./lifecycle.ts";

const { api } = prepareServer("npm run start:deno --");

export default {
  fetch: api.fetch,
  onListen(addr: { hostname: string; port: number }) {
    serveLifecycle(api, httpUrl(addr.hostname, addr.port), () => undefined);
  },
};
