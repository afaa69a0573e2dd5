/**
 * `node --import tsx src/cli/node.ts`: edgeproc on Node through `@hono/node-server`.
 * @module
 */
import { listen } from "../runtimes/node/serve.ts";
import { listenAndServe } from "./lifecycle.ts";

await listenAndServe("npm run start:node --", listen);
