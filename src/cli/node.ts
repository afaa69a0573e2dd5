/**
 * `node --import tsx src/cli/node.ts`: edgeproc on Node through `@hono/node-server`.
 * @module
 */
import { listen } from "../runtimes/node/serve.ts";
import { prepareServer, serveLifecycle } from "./lifecycle.ts";

const { config, api } = prepareServer("npm run start:node --");
const { requestTimeoutMs } = api.manager.limits;
const server = await listen(api.fetch, { hostname: config.host, port: config.port, requestTimeoutMs });
serveLifecycle(api, server.url, server.stop);
