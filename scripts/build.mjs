/**
 * `npm run build` (tsc's emit of src/ into dist/), and the freshness check that lets `npm run start:node` run dist/
 * on plain Node without ever running stale code. Plain JavaScript: it runs before anything is built, on Node 20.
 *
 *   node scripts/build.mjs              # always compiles
 *   node scripts/build.mjs --if-stale   # compiles only when the inputs changed since dist/ was built
 *
 * dist/ keeps the SHA-256 of its inputs (every file of src/, the package and tsconfig files, the TypeScript
 * version) in dist/.inputs-sha256, which package.json `files` leaves out of the package. Hashing the ~100 inputs
 * costs a few milliseconds; mtimes would be cheaper but are set back by `cp -p`, tar and rsync.
 *
 * tsc writes into a fresh folder, which replaces dist/ only when its output differs, by two renames: a server that
 * is loading dist/ (a test, a benchmark) never reads a half-written file, and an identical rebuild (`npm pack` in
 * the packaging test) leaves dist/ as it was.
 * @module
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** The folder `npm run start:node`, the `exports` and the bin load. */
export const DIST = join(ROOT, "dist");
/** The hash of the inputs dist/ was built from. */
const STAMP = ".inputs-sha256";
const CONFIG = join(ROOT, "tsconfig.build.json");

/** Every file below `dir`, relative to it, sorted. */
function filesBelow(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath ?? entry.path, entry.name)))
    .sort();
}

function typescriptPackage() {
  return createRequire(import.meta.url).resolve("typescript/package.json");
}

/**
 * The SHA-256 of what tsc reads to build dist/: src/, package.json (its `type`), both tsconfig files, and the
 * TypeScript version.
 * @example
 * ```js
 * inputsHash(); // "711f4a99…"
 * ```
 */
export function inputsHash() {
  const hash = createHash("sha256");
  const sources = filesBelow(join(ROOT, "src")).map((file) => `src/${file}`);
  for (const file of [...sources, "package.json", "tsconfig.json", "tsconfig.build.json"]) {
    hash.update(`${file}\0`).update(readFileSync(join(ROOT, file))).update("\0");
  }
  hash.update(`typescript ${JSON.parse(readFileSync(typescriptPackage(), "utf8")).version}`);
  return hash.digest("hex");
}

/** The hash dist/ was built from, or `null` when there is no dist/ or it has no stamp. */
function builtFrom() {
  try {
    return readFileSync(join(DIST, STAMP), "utf8").trim();
  } catch {
    return null;
  }
}

/** Whether two folders hold the same files with the same bytes, the stamp aside. */
function sameOutput(a, b) {
  if (!existsSync(b)) return false;
  const files = filesBelow(a).filter((f) => f !== STAMP);
  if (files.join("\n") !== filesBelow(b).filter((f) => f !== STAMP).join("\n")) return false;
  return files.every((f) => readFileSync(join(a, f)).equals(readFileSync(join(b, f))));
}

/**
 * Compiles src/ into dist/ with tsc (tsconfig.build.json) and stamps it with {@link inputsHash}; tsc's messages go
 * to stderr. Throws when tsc reports an error, leaving dist/ as it was.
 * @example
 * ```js
 * build(); // dist/ now matches src/
 * ```
 */
export function build() {
  const hash = inputsHash();
  const fresh = join(ROOT, `.dist-${process.pid}`);
  rmSync(fresh, { recursive: true, force: true });
  try {
    const tsc = join(dirname(typescriptPackage()), "bin/tsc");
    const args = [tsc, "-p", CONFIG, "--outDir", fresh];
    const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ["ignore", 2, 2] });
    if (result.status !== 0) {
      const why = result.error?.message ?? `exit code ${result.status}${result.signal ? `, ${result.signal}` : ""}`;
      throw new Error(`Cannot build dist/: tsc -p tsconfig.build.json failed (${why}); see its messages above`);
    }
    writeFileSync(join(fresh, STAMP), `${hash}\n`);
    if (!sameOutput(fresh, DIST)) replaceDist(fresh);
    else if (builtFrom() !== hash) renameSync(join(fresh, STAMP), join(DIST, STAMP));
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
}

/** Puts `fresh` in the place of dist/; a build that finishes at the same moment may win, with the same output. */
function replaceDist(fresh) {
  const old = join(ROOT, `.dist-old-${process.pid}`);
  try {
    renameSync(DIST, old);
  } catch (error) {
    if (error.code !== "ENOENT") throw error;
  }
  try {
    renameSync(fresh, DIST);
  } catch (error) {
    if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
  }
  rmSync(old, { recursive: true, force: true });
}

/**
 * Builds dist/ unless it was built from the inputs as they are now, saying why on stderr; returns whether it built.
 * @example
 * ```js
 * ensureBuilt(); // false: dist/ is up to date
 * ```
 */
export function ensureBuilt() {
  const stamp = builtFrom();
  if (stamp !== null && stamp === inputsHash()) return false;
  const why = !existsSync(DIST)
    ? "there is no dist/ yet"
    : stamp === null
      ? "dist/ does not say what it was built from"
      : "src/ (or package.json, a tsconfig, TypeScript) changed since dist/ was built";
  console.error(`edgeproc: ${why}: building it (npm run build)`);
  build();
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  try {
    if (process.argv.includes("--if-stale")) ensureBuilt();
    else build();
  } catch (error) {
    console.error(`edgeproc: ${error.message}`);
    process.exit(1);
  }
}
