/**
 * `npm run start:node`: the built server, dist/cli/node.js, on plain Node (no tsx: a faster start and a smaller
 * process). dist/ is rebuilt first when src/ changed since it was built (scripts/build.mjs), so an edit is never
 * served stale; the check costs a few milliseconds, a rebuild about a second and a half.
 * @module
 */
import process from "node:process";
import { ensureBuilt } from "./build.mjs";

try {
  ensureBuilt();
} catch (error) {
  console.error(`edgeproc: ${error.message}`);
  process.exit(1);
}
await import("../dist/cli/node.js");
