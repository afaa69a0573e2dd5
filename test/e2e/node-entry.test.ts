// `npm run start:node` as a developer meets it (issue 13): the built JavaScript on plain Node, never stale. It runs
// in a scratch copy of the sources, so this checkout's dist/ is left alone, whose node_modules holds everything but
// tsx: the first start builds dist/, the next does not, an edit to src/ is rebuilt and served, a type error stops
// the start rather than serve the last build, and the server runs a command and stops on SIGTERM.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { after, describe, it } from "node:test";
import { listening, ROOT, testRuntime } from "../support/runtime.ts";
import { alive, childrenMarked, eventually, liveGroup } from "../support/server.ts";

const runtime = testRuntime();
const T = { timeout: 90_000, skip: runtime !== "node" && "start:node is Node's entry" };
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const ENTRY = "scripts/start-node.mjs";

/** No npm variables and no NODE_OPTIONS of the test run around us. */
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== "NODE_OPTIONS"),
) as Record<string, string>;

let scratch: string | undefined;
after(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** The scratch copy: what the build reads and the entry, with every package of this checkout but tsx. */
function copy(): string {
  if (scratch) return scratch;
  scratch = mkdtempSync(join(tmpdir(), "edgeproc-node-entry-"));
  for (const path of ["src", "scripts/build.mjs", ENTRY, "package.json", "tsconfig.json", "tsconfig.build.json"]) {
    cpSync(join(ROOT, path), join(scratch, path), { recursive: true });
  }
  mkdirSync(join(scratch, "node_modules"));
  for (const name of readdirSync(join(ROOT, "node_modules"))) {
    if (name === "tsx" || name === ".bin") continue;
    symlinkSync(join(ROOT, "node_modules", name), join(scratch, "node_modules", name));
  }
  return scratch;
}

/** Runs the entry in the scratch copy to its end. */
function runEntry(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile("node", [ENTRY, ...args], { cwd: copy(), env: cleanEnv, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error.code as number | undefined) ?? null) : 0, stdout, stderr }),
    ),
  );
}

/** Replaces `from` with `to` in a file of the scratch copy. */
function edit(path: string, from: string, to: string): void {
  const file = join(copy(), path);
  const text = readFileSync(file, "utf8");
  assert.ok(text.includes(from), `${path} no longer holds ${JSON.stringify(from)}`);
  writeFileSync(file, text.replace(from, to));
}

describe(`npm run start:node (${runtime})`, () => {
  it("is the entry the tests and benchmarks start (test/support/runtime.ts)", T, () => {
    assert.equal(pkg.scripts["start:node"], `node ${ENTRY}`);
  });

  it("builds dist/ on the first start, and not on the next", T, async () => {
    const first = await runEntry(["--help"]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /there is no dist\/ yet: building it/);
    assert.match(first.stdout, /^Usage: npm run start:node -- \[flags\]\n/);
    const second = await runEntry(["--help"]);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stderr, "");
    assert.equal(second.stdout, first.stdout);
  });

  it("rebuilds after an edit to src/ and runs the edited code", T, async () => {
    edit("src/cli/server-config.ts", "an HTTP process API for AI agents.", "edited in src/.");
    const { code, stdout, stderr } = await runEntry(["--help"]);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /src\/ \(or package.json, a tsconfig, TypeScript\) changed since dist\/ was built: building/);
    assert.match(stdout, /edgeproc: edited in src\/\./);
  });

  it("refuses to start when src/ does not compile, rather than run the last build", T, async () => {
    const good = readFileSync(join(copy(), "src/cli/node.ts"), "utf8");
    writeFileSync(join(copy(), "src/cli/node.ts"), `${good}export const broken: number = "text";\n`);
    try {
      const { code, stdout, stderr } = await runEntry(["--help"]);
      assert.equal(code, 1);
      assert.equal(stdout, "");
      assert.match(stderr, /TS2322/);
      assert.match(stderr, /Cannot build dist\/: tsc -p tsconfig.build.json failed/);
      assert.match(readFileSync(join(copy(), "dist/cli/server-config.js"), "utf8"), /edited in src\//);
    } finally {
      writeFileSync(join(copy(), "src/cli/node.ts"), good);
    }
  });

  it("serves a command from dist/ without tsx and leaves nothing behind on SIGTERM", T, async () => {
    const child = spawn("node", [ENTRY, "--port", "0", "--quiet"], {
      cwd: copy(),
      env: cleanEnv,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    let helpers: number[] = [];
    try {
      const url = await listening(child, "start:node").url;
      const ran = await fetch(`${url}/api/v0/processes/run`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ command: "echo from-dist" }),
      });
      assert.equal(((await ran.json()) as { output: string }).output, "from-dist\n");
      helpers = await childrenMarked(child.pid!, "edgeproc-");
      assert.ok(helpers.length > 0, "the watchdog runs");
    } finally {
      child.kill("SIGTERM");
    }
    assert.equal(await exited, 0);
    assert.ok(await eventually(async () => (await liveGroup(child.pid!)).length === 0), "a process outlived SIGTERM");
    assert.ok(await eventually(async () => !helpers.some(alive)), "a helper outlived the server");
  });
});
