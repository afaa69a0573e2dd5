/**
 * `bun run src/cli/bun.ts`: edgeproc on Bun's own server.
 * @module
 */
import { listen } from "../runtimes/bun/serve.ts";
import { prepareServer, serveLifecycle } from "./lifecycle.ts";

const { config, api } = prepareServer("bun run src/cli/bun.ts");
const server = await listen(api.fetch, { hostname: config.host, port: config.port });
serveLifecycle(api, server.url, server.stop);
