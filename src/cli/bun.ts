/**
 * `bun run src/cli/bun.ts`: edgeproc on Bun's own server.
 * @module
 */
import { listen } from "../runtimes/bun/serve.ts";
import { listenAndServe } from "./lifecycle.ts";

await listenAndServe("bun run src/cli/bun.ts", listen);
