/**
 * `node --import tsx src/cli/node.ts`: edgeproc on Node through `@hono/node-server`.
 * @module
 */
import { serve } from "@hono/node-server";
import type { Server } from "node:http";
import { prepareServer, serveLifecycle } from "./lifecycle.ts";

const { config, api } = prepareServer("npm run start:node --");
const server = serve(
  {
    fetch: api.fetch,
    hostname: config.host,
    port: config.port,
    // Keep the runtime's own Request/Response: the default swaps the globals for its own classes.
    overrideGlobalObjects: false,
    serverOptions: { requestTimeout: 0 },
  },
  (info) => {
    serveLifecycle(api, `http://${config.host}:${info.port}`, () => {
      // close() waits for open connections; idle keep-alive ones would hold it forever, busy ones finish.
      const closed = new Promise((resolve) => server.close(resolve));
      (server as Server).closeIdleConnections?.();
      return closed;
    });
  },
);
