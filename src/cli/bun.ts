/**
 * `bun run src/cli/bun.ts`: edgeproc on Bun's own server.
 * @module
 */
import { listen } from "../runtimes/bun/serve.ts";
import { prepareServer, serveLifecycle } from "./lifecycle.ts";

const { config, api } = prepareServer("bun run src/cli/bun.ts");
const { requestTimeoutMs } = api.manager.limits;
const server = await listen(api.fetch, { hostname: config.host, port: config.port, requestTimeoutMs });
serveLifecycle(api, server.url, server.stop);
