/**
 * edgeproc on Node through `@hono/node-server`. `npm run start:node` runs its build, dist/cli/node.js, on plain Node
 * (scripts/start-node.mjs, which rebuilds dist/ first when src/ changed).
 * @module
 */
import { listen } from "../runtimes/node/serve.ts";
import { listenAndServe } from "./lifecycle.ts";

await listenAndServe("npm run start:node --", listen);
