/**
 * `bun run src/cli/bun.ts`: edgeproc on `Bun.serve`.
 * @module
 */
import { prepareServer, serveLifecycle } from "./lifecycle.ts";

const { config, api } = prepareServer("bun run src/cli/bun.ts");
// Bun closes idle connections after 10 s by default, which would cut every long wait: 0 turns that off.
const server = Bun.serve({ fetch: api.fetch, hostname: config.host, port: config.port, idleTimeout: 0 });
serveLifecycle(api, `http://${config.host}:${server.port}`, () => server.stop());
