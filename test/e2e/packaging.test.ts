// The package as a user gets it (issue 13): `npm pack` (whose prepack builds dist/), the tarball installed into a
// scratch project outside this checkout, and there, on the runtime under test: the three entry points import and
// serve a command, the bin prints its help and serves `/healthz`, and a strict TypeScript consumer type-checks.
// Nothing of src/, tsx or this checkout's node_modules is reachable from the scratch project.
import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { after, describe, it } from "node:test";
import { SLEEPER } from "../support/fixtures.ts";
import { listening, ROOT, testRuntime, type Runtime } from "../support/runtime.ts";
import { childrenMarked, eventually, liveGroup } from "../support/server.ts";

const HELPER = "edgeproc-fork-helper";

const runtime = testRuntime();
const T = { timeout: 120_000 };
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const bin = (name: string) => join(ROOT, "node_modules/.bin", name);

/** The environment of every child: no npm variables of the `npm test` around us, no NODE_OPTIONS (no tsx). */
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== "NODE_OPTIONS"),
) as Record<string, string>;

/** Runs `cmd` to its end (bounded); a non-zero exit rejects with everything it printed. */
function run(cmd: string, args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  const options = { cwd, env: cleanEnv, timeout: 90_000, maxBuffer: 16 << 20 };
  return new Promise((resolve, reject) =>
    execFile(cmd, args, options, (error, stdout, stderr) => {
      if (!error) return resolve({ stdout, stderr });
      reject(new Error(`${cmd} ${args.join(" ")} failed: ${error.message}\n${stdout}${stderr}`));
    }),
  );
}

const dir = mkdtempSync(join(tmpdir(), "edgeproc-packaging-"));
const app = join(dir, "app");
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) kill(child, "SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** Signals the child's whole process group: npx runs the bin as a child of its own. */
function kill(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    child.kill(signal);
  }
}

/** Packs once and installs the tarball with what a Node user adds next to it; every test awaits this. */
let installed: Promise<{ files: string[]; tarball: string }> | undefined;
function install(): Promise<{ files: string[]; tarball: string }> {
  return (installed ??= (async () => {
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", dir], ROOT);
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), `${JSON.stringify({ name: "scratch", private: true, type: "module" })}\n`);
    const deps = ["@hono/node-server", "@types/node"].map((name) => `${name}@${versionOf(name)}`);
    const args = ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"];
    await run("npm", [...args, join(dir, packed!.filename), ...deps], app);
    return { files: packed!.files.map((f) => f.path), tarball: join(dir, packed!.filename) };
  })());
}

function versionOf(name: string): string {
  return pkg.dependencies[name] ?? pkg.devDependencies[name];
}

/** How a user runs a file of their own on `runtime`. */
function scratchScript(rt: Runtime, file: string): [string, string[]] {
  if (rt === "bun") return [bin("bun"), [file]];
  if (rt === "deno") return [bin("deno"), ["run", "-A", "--quiet", file]];
  return ["node", [file]];
}

/** How a user runs the installed bin on `runtime`, and the usage line its help prints. */
function scratchBin(rt: Runtime): { cmd: string; args: string[]; usage: string } {
  if (rt === "bun") return { cmd: bin("bun"), args: ["x", "--bun", "edgeproc"], usage: "bunx --bun edgeproc" };
  if (rt === "deno") {
    return { cmd: bin("deno"), args: ["run", "-A", "npm:edgeproc"], usage: "deno run -A npm:edgeproc" };
  }
  return { cmd: "npx", args: ["--offline", "edgeproc"], usage: "npx edgeproc" };
}

const SERVE = `import { getRequestListener } from "@hono/node-server";
import { createServer } from "node:http";
import { createProcessApi, VERSION } from "edgeproc";
import { createClient } from "edgeproc/client";
import { createAgentTools } from "edgeproc/tools";

const api = createProcessApi({ workdir: process.cwd() });
const server = createServer(getRequestListener(api.fetch, { overrideGlobalObjects: false }));
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const client = createClient({ baseUrl: "http://127.0.0.1:" + server.address().port });
const { output, exit_code } = await client.run({ command: "echo packaged" });
const tools = Object.keys(createAgentTools(client));
// Twice: a failed load of the SDK is tried again on the next request, and neither one ends the process.
const mcpAnswer = [];
for (const _ of [1, 2]) {
  const mcp = await api.fetch(new Request("http://127.0.0.1/mcp", MCP_LIST));
  mcpAnswer.push({ status: mcp.status, code: (await mcp.json()).code });
}
await api.close();
server.close();
// The serve helper of the runtime that runs this.
const helperEntry =
  typeof Bun !== "undefined" ? "edgeproc/bun" : typeof Deno !== "undefined" ? "edgeproc/deno" : "edgeproc/node";
const { serve } = await import(helperEntry);
const served = await serve({ port: 0, handleSignals: false });
const helper = (await createClient({ baseUrl: served.url }).run({ command: "echo served" })).output;
await served.close();
console.log(JSON.stringify({ version: VERSION, output, exit_code, tools, helper, mcp: mcpAnswer }));
`;

/** A script's MCP `tools/list` request, by `api.fetch` in process. */
const MCP_LIST_INIT = `const MCP_LIST = {
  method: "POST",
  headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
  body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
};
`;

const MCP_ONLY = `import { createProcessApi } from "edgeproc";
${MCP_LIST_INIT}
const api = createProcessApi();
const mcp = await api.fetch(new Request("http://127.0.0.1/mcp", MCP_LIST));
const body = await mcp.json();
await api.close();
console.log(JSON.stringify({ status: mcp.status, tools: body.result.tools.map((tool) => tool.name) }));
`;

const CONSUMER = `import { createProcessApi, type ProcessApi, VERSION } from "edgeproc";
import { createClient, EdgeprocError, type EdgeprocClient } from "edgeproc/client";
import { type AgentTools, createAgentTools } from "edgeproc/tools";
import { serve, type Served, type ServeOptions } from "edgeproc/node";
import { serve as serveOnBun } from "edgeproc/bun";
import { type DenoServeModule, serve as serveOnDeno, serveDefault } from "edgeproc/deno";

const api: ProcessApi = createProcessApi({ workdir: "/tmp", limits: { maxRunning: 4 } });
const client: EdgeprocClient = createClient({ baseUrl: "http://127.0.0.1:7070" });
const tools: AgentTools = createAgentTools(client);
export const names: string[] = Object.values(tools).map((tool) => tool.name);
export const helpers: ((options?: ServeOptions) => Promise<Served>)[] = [serve, serveOnBun, serveOnDeno];
export const forDenoServe: (options?: { workdir?: string }) => DenoServeModule = serveDefault;
export async function once(): Promise<string> {
  const response: Response = await api.fetch(new Request("http://127.0.0.1/healthz"));
  const { output, exit_code } = await client.run({ command: "echo hi" });
  await api.close();
  return [VERSION, response.status, output, exit_code, EdgeprocError.name].join(" ");
}
`;

const STRICT = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    lib: ["ES2023"],
    types: ["node"],
    strict: true,
    noEmit: true,
    skipLibCheck: false,
  },
  files: ["consumer.ts"],
};

/** The specifier of a static import or export-from, a bare `import "x"`, or a dynamic `import("x")`. */
const IMPORT_SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm;

/** Every file under `root`, relative to it. */
function walk(root: string, prefix = ""): string[] {
  return readdirSync(join(root, prefix), { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? walk(root, rel) : [rel];
  });
}

describe(`packaging on ${runtime}`, () => {
  it("packs dist/ (JavaScript and declarations), LICENSE and the docs a user reads, nothing else", T, async () => {
    const { files } = await install();
    const shipped = /^(dist\/.+\.(js|d\.ts)|LICENSE|README\.md|SECURITY\.md|docs\/api\.md|package\.json)$/;
    assert.deepEqual(files.filter((path) => !shipped.test(path)), []);
    const entries = ["dist/client/index.js", "dist/tools/index.js"];
    entries.push("dist/serve/node.js", "dist/serve/bun.js", "dist/serve/deno.js");
    for (const path of ["LICENSE", "dist/index.js", "dist/index.d.ts", ...entries]) {
      assert.ok(files.includes(path), `${path} is not in the tarball`);
    }
    assert.ok(files.includes(pkg.bin.edgeproc.replace(/^\.\//, "")), "the bin is in the tarball");
    assert.ok(!existsSync(join(app, "node_modules/tsx")), "tsx is a dev dependency only");
  });

  it("passes publint (strict) and arethetypeswrong (ESM only: no CommonJS or node10 entry is offered)", T, async () => {
    const { tarball } = await install();
    const lint = await run(bin("publint"), ["run", "--strict", tarball], app);
    assert.match(lint.stdout, /All good!/, lint.stdout);
    // Exits non-zero on any problem; node10 and require() resolutions are ignored, as the package is ESM only.
    await run(bin("attw"), ["--profile", "esm-only", "--format", "ascii", tarball], app);
  });

  it("imports no .ts file and no tsx at run time", T, async () => {
    await install();
    const root = join(app, "node_modules/edgeproc/dist");
    const bad = walk(root)
      .filter((file) => file.endsWith(".js"))
      .flatMap((file) => {
        // Without comments: the JSDoc examples kept for the declarations import `.ts` files of src/.
        const text = readFileSync(join(root, file), "utf8").replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, "");
        const specs = [...text.matchAll(IMPORT_SPECIFIER)].map((m) => m[1]!);
        const found = specs.filter((spec) => spec.endsWith(".ts") || /^tsx(\/|$)/.test(spec));
        return found.map((spec) => `${file}: ${spec}`);
      });
    assert.deepEqual(bad, []);
  });

  it(`${runtime} imports edgeproc, edgeproc/client and edgeproc/tools and serves a command`, T, async () => {
    await install();
    writeFileSync(join(app, "serve.mjs"), SERVE.replace("\nconst api =", `\n${MCP_LIST_INIT}const api =`));
    const [cmd, args] = scratchScript(runtime, "serve.mjs");
    const { stdout } = await run(cmd, args, app);
    const result = JSON.parse(stdout.trim().split("\n").at(-1)!);
    assert.deepEqual(result, {
      version: pkg.version,
      output: "packaged\n",
      exit_code: 0,
      tools: ["execute", "process_output", "process_list", "process_signal", "exec_command", "write_stdin"],
      helper: "served\n",
      // The MCP SDK is an optional peer dependency, not installed here.
      mcp: [
        { status: 501, code: "mcp_unavailable" },
        { status: 501, code: "mcp_unavailable" },
      ],
    });
    assert.ok(!existsSync(join(app, "node_modules/@modelcontextprotocol")), "the SDK came with edgeproc");
  });

  it("runs node_modules/.bin/edgeproc through its shebang line (the system's Node, no tsx)", T, async () => {
    await install();
    const { stdout } = await run(join(app, "node_modules/.bin/edgeproc"), ["--version"], app);
    assert.equal(stdout, `${pkg.version}\n`);
    const help = await run(join(app, "node_modules/.bin/edgeproc"), ["--help"], app);
    assert.match(help.stdout, /^Usage: edgeproc \[flags\]\n/);
    assert.match(help.stdout, /--request-timeout-ms N/);
  });

  it(`the bin prints its help, serves /healthz, until=match and /ui, and its ps lists on ${runtime}`, T, async () => {
    await install();
    const { cmd, args, usage } = scratchBin(runtime);
    const help = await run(cmd, [...args, "--help"], app);
    assert.ok(help.stdout.startsWith(`Usage: ${usage} [flags]\n`), help.stdout);

    const child = spawn(cmd, [...args, "--port", "0", "--quiet"], {
      cwd: app,
      env: cleanEnv,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    const exited = new Promise((resolve) => child.on("exit", resolve));
    const url = await listening(child, usage).url;
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    const body = (await health.json()) as { runtime: string; version: string };
    assert.equal(body.runtime, runtime);
    assert.equal(body.version, pkg.version);
    const ran = await fetch(`${url}/api/v0/processes/run`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ command: "echo from-the-bin > /dev/stderr" }),
    });
    assert.equal(((await ran.json()) as { output: string }).output, "from-the-bin\n");
    // On Node the installed server starts children from its fork helper (docs/api.md §6), whose script ships in
    // dist; Bun's and Deno's spawn with their own APIs. The server is one of the launcher's group (npx, bunx).
    const helpers = (await Promise.all((await liveGroup(child.pid!)).map((pid) => childrenMarked(pid, HELPER)))).flat();
    assert.equal(helpers.length, runtime === "node" ? 1 : 0, `fork helpers: ${helpers}`);
    // What the tarball adds beyond the core: the line matcher, the dashboard and the client subcommands.
    const waitFor = { command: "echo booting; echo 'ready on 5173'; sleep 30", until: "match", pattern: "\\d+$" };
    const ready = await fetch(`${url}/api/v0/processes/run`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(waitFor),
    });
    type Ready = { id: string; running: boolean; match?: { text: string; cursor: number } };
    const readyBody = (await ready.json()) as Ready;
    assert.deepEqual([readyBody.running, readyBody.match], [true, { text: "ready on 5173", cursor: 8 }]);
    const page = await fetch(`${url}/ui`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(await page.text(), /ui\/app\.js/);
    const ps = await run(cmd, [...args, "ps", "--url", url, "--json"], app);
    const listed = JSON.parse(ps.stdout) as { processes: { id: string }[] };
    assert.ok(listed.processes.some((p) => p.id === readyBody.id), ps.stdout);
    kill(child, "SIGTERM");
    await exited;
    assert.ok(await eventually(async () => (await liveGroup(child.pid!)).length === 0), "the server outlived SIGTERM");
  });

  it("type-checks a strict NodeNext consumer of the three entry points with 0 errors", T, async () => {
    await install();
    writeFileSync(join(app, "consumer.ts"), CONSUMER);
    writeFileSync(join(app, "tsconfig.json"), `${JSON.stringify(STRICT, null, 2)}\n`);
    const { stdout } = await run(bin("tsc"), ["-p", app], app).catch((err: Error) => assert.fail(err.message));
    assert.equal(stdout, "");
  });

  for (const snippet of readmeSnippets()) {
    const skip = !snippet.runtimes.includes(runtime) && `the README runs it under ${snippet.runtimes.join(", ")}`;
    it(`runs the README's "${snippet.name}" snippet as printed on ${runtime}`, { ...T, skip }, async () => {
      await install();
      await runSnippet(snippet);
    });
  }

  it(`serves /mcp on ${runtime} once the optional MCP SDK is installed next to edgeproc`, T, async () => {
    await install();
    const sdk = `@modelcontextprotocol/sdk@${versionOf("@modelcontextprotocol/sdk")}`;
    await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", sdk], app);
    writeFileSync(join(app, "mcp.mjs"), MCP_ONLY);
    const [cmd, args] = scratchScript(runtime, "mcp.mjs");
    const { stdout } = await run(cmd, args, app);
    assert.deepEqual(JSON.parse(stdout.trim().split("\n").at(-1)!), {
      status: 200,
      tools: ["execute", "process_output", "process_list", "process_signal", "exec_command", "write_stdin"],
    });
  });
});

/** A runnable snippet of the README: a fenced `js snippet=NAME runtimes=A,B` block. */
interface Snippet {
  name: string;
  runtimes: string[];
  code: string;
}

function readmeSnippets(): Snippet[] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/^```js snippet=(\S+) runtimes=(\S+)\n([\s\S]*?)^```$/gm)];
  return blocks.map(([, name, runtimes, code]) => ({ name: name!, runtimes: runtimes!.split(","), code: code! }));
}

/**
 * Runs a snippet in the scratch project (no deno.json there: Deno's legacy abort is on), serves a command through
 * it, checks that a waiter that hangs up is let go, then SIGTERMs it and finds no process of its left.
 */
async function runSnippet(snippet: Snippet): Promise<void> {
  const file = `snippet-${snippet.name}.mjs`;
  writeFileSync(join(app, file), snippet.code);
  const [cmd, args] =
    snippet.name === "deno-serve"
      ? [bin("deno"), ["serve", "-A", "--quiet", "--host", "127.0.0.1", "--port", "0", file]]
      : scratchScript(runtime, file);
  const token = "snippet-token";
  const env = { ...cleanEnv, PORT: "0", EDGEPROC_TOKEN: token };
  const child = spawn(cmd, args, { cwd: app, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const { url, log } = listening(child, file);
  const base = `${await url}/api/v0/processes`;
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const post = async (path: string, body: unknown) =>
    (await fetch(`${base}${path}`, { method: "POST", headers, body: JSON.stringify(body) })).json() as Promise<{
      id: string;
      output: string;
    }>;
  assert.equal((await post("/run", { command: "echo from-the-readme" })).output, "from-the-readme\n", log());
  if (snippet.name === "hono") {
    assert.equal(await (await fetch(`${await url}/hello`)).text(), "hello from the host app\n");
  }
  const { id } = await post("/start", { command: SLEEPER });
  const { pid } = (await (await fetch(`${base}/${id}`, { headers })).json()) as { pid: number };
  const hangUp = new AbortController();
  const waiting = fetch(`${base}/${id}/output?wait=true`, { headers, signal: hangUp.signal }).catch(() => "hung up");
  const waiters = async () =>
    ((await (await fetch(`${await url}/healthz`)).json()) as { activity: { waiters: number } }).activity.waiters;
  assert.ok(await eventually(async () => (await waiters()) === 1), "the waiter is counted");
  hangUp.abort();
  assert.equal(await waiting, "hung up");
  assert.ok(await eventually(async () => (await waiters()) === 0), `a hung-up waiter stays held: ${log()}`);
  kill(child, "SIGTERM");
  const code = await exited;
  // Deno's node:child_process reports the signal it sent as the child's exit, whatever the child did.
  if (runtime !== "deno") assert.equal(code, 0, log());
  assert.ok(await eventually(async () => (await liveGroup(pid)).length === 0), `sleep ${pid} outlived the snippet`);
  assert.doesNotMatch(log(), /error/i);
}

