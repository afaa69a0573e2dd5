/**
 * The runtimes edgeproc runs on, the one under test, the commands that start a server or a script under each,
 * exactly as the npm scripts run them, and the wait for a started server's "listening on" line. Shared by the tests
 * (`server.ts`, the server entry test) and the benchmarks (`scripts/bench/lib/servers.ts`), so there is one place
 * that says how each runtime is started.
 * @module
 */
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";

/** A runtime edgeproc serves on. */
export type Runtime = "bun" | "deno" | "node";

/** Every runtime, in the order `npm test` runs them after Node. */
export const RUNTIMES: readonly Runtime[] = ["bun", "node", "deno"];

/** The repository root, with a trailing slash. */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * The runtime under test: the one running this file unless `EDGEPROC_E2E_RUNTIME` says otherwise.
 * @example
 * ```ts
 * describe(`e2e core on ${testRuntime()}`, () => {});
 * ```
 */
export function testRuntime(): Runtime {
  const forced = process.env.EDGEPROC_E2E_RUNTIME;
  if (forced === "bun" || forced === "deno" || forced === "node") return forced;
  const g = globalThis as { Bun?: unknown; Deno?: unknown };
  return g.Bun ? "bun" : g.Deno ? "deno" : "node";
}

/** `node_modules/.bin/<name>` of this checkout (bun and deno come from the dev dependencies). */
const bin = (name: string) => join(ROOT, "node_modules/.bin", name);

/**
 * The command of the npm `start` scripts for `runtime` (`start`, `start:node`, `start:deno`), with `args`
 * appended; `root` is the checkout whose entry files run (the benchmarks may point at another one).
 * @example
 * ```ts
 * const [cmd, argv] = serverCommand("bun", ["--port", "0"]);
 * ```
 */
export function serverCommand(runtime: Runtime, args: string[], root: string = ROOT): [string, string[]] {
  // No .env and no bunfig.toml from the working directory: Bun reads both by default (SECURITY.md).
  if (runtime === "bun") {
    return [bin("bun"), ["--no-env-file", "--config=/dev/null", "run", join(root, "src/cli/bun.ts"), ...args]];
  }
  if (runtime === "deno") return ["bash", [join(root, "scripts/start-deno.sh"), ...args]];
  // The `node` on PATH (Node 20, or the one scripts/with-node.sh put first) on the built entry, as `npm run start:node`
  // runs it. A checkout from before that entry (a benchmark's BENCH_SERVER_ROOT) still runs its sources through tsx,
  // by path: `--import tsx` is resolved from the working directory, which need not be a checkout.
  const launcher = join(root, "scripts/start-node.mjs");
  if (existsSync(launcher)) return ["node", [launcher, ...args]];
  const tsx = pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href;
  return ["node", ["--import", tsx, join(root, "src/cli/node.ts"), ...args]];
}

/** The export condition under which `import "edgeproc"` is `src/` rather than the built `dist/` (package.json). */
const SOURCE_CONDITION = "--conditions=edgeproc-source";

/**
 * The command that runs a TypeScript file under `runtime` (Node 20 needs tsx to run TypeScript), with
 * `import "edgeproc"` resolved to the sources, so the examples run what is checked out without a build.
 * @example
 * ```ts
 * const [cmd, argv] = scriptCommand("deno", "examples/deno-serve.ts");
 * ```
 */
export function scriptCommand(runtime: Runtime, script: string, args: string[] = []): [string, string[]] {
  if (runtime === "bun") return [bin("bun"), ["run", SOURCE_CONDITION, script, ...args]];
  if (runtime === "deno") {
    return [bin("deno"), ["run", "-A", "--no-check", "--quiet", SOURCE_CONDITION, script, ...args]];
  }
  return ["node", [SOURCE_CONDITION, "--import", "tsx", script, ...args]];
}

/** What a started server printed so far, and the address it announced. */
export interface Listening {
  /** Resolves with the URL of the "edgeproc listening on" line; rejects if the child exits before it. */
  url: Promise<string>;
  /** What the child printed on stdout and stderr, its last `keepChars` characters. */
  log(): string;
}

/**
 * Collects what `child` prints and waits for its "edgeproc listening on" line; `name` goes in the error.
 * @example
 * ```ts
 * const child = spawn(...serverCommand("node", ["--port", "0"]), { stdio: ["ignore", "pipe", "pipe"] });
 * const { url, log } = listening(child, "edgeproc (node)");
 * console.log(await url);
 * ```
 */
export function listening(child: ChildProcess, name: string, keepChars = Infinity): Listening {
  let output = "";
  const url = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-keepChars);
      const match = /edgeproc listening on (http:\/\/[^\s/]+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${name} exited (${code}) before listening:\n${output}`)));
  });
  return { url, log: () => output };
}
