/**
 * The Rust peer sandbox-agent: installed on demand into a scratch directory (never into this repository's
 * package.json) and started on a free port.
 * @module
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { freePort, type ServerHandle, stopper } from "./servers.ts";

/** The registry package that holds the sandbox-agent binary. */
export const SANDBOX_AGENT_PACKAGE = "@sandbox-agent/cli-linux-x64@0.4.2";

/**
 * Installs sandbox-agent into a scratch directory (once; later runs reuse it) and returns its binary, or the
 * reason it could not. Never touches the repository's package.json.
 * @example
 * ```ts
 * const found = installSandboxAgent();
 * if ("error" in found) console.log(found.error);
 * ```
 */
export function installSandboxAgent(): { binary: string; dir: string } | { error: string } {
  const dir = process.env.BENCH_SCRATCH ?? join(tmpdir(), "edgeproc-bench");
  const binary = join(dir, "node_modules/@sandbox-agent/cli-linux-x64/bin/sandbox-agent");
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    console.error(`bench: installing ${SANDBOX_AGENT_PACKAGE} into ${dir} ...`);
    const npm = spawnSync("npm", ["install", "--prefix", dir, "--no-save", "--no-audit", "--no-fund", SANDBOX_AGENT_PACKAGE], {
      encoding: "utf8",
      timeout: 180_000,
    });
    if (npm.status !== 0 || !existsSync(binary)) {
      return { error: `npm install ${SANDBOX_AGENT_PACKAGE} failed: ${(npm.stderr || npm.error?.message || "").trim().slice(-300)}` };
    }
  }
  // The package's postinstall only chmods; npm may skip install scripts.
  spawnSync("chmod", ["+x", binary]);
  return { binary, dir };
}

/**
 * Starts sandbox-agent (`--no-token server --no-telemetry`, HOME in the scratch directory) on a free port and
 * waits for `/v1/health`; returns the reason instead when it cannot be installed or started.
 * @example
 * ```ts
 * const peer = await startSandboxAgent();
 * if ("error" in peer) console.log(`skipping sandbox-agent: ${peer.error}`);
 * ```
 */
export async function startSandboxAgent(): Promise<ServerHandle | { error: string }> {
  if (process.env.BENCH_SKIP_SANDBOX_AGENT) return { error: "BENCH_SKIP_SANDBOX_AGENT is set" };
  const found = installSandboxAgent();
  if ("error" in found) return found;
  const home = join(found.dir, "home");
  mkdirSync(home, { recursive: true });
  const port = await freePort();
  const child = spawn(found.binary, ["--no-token", "server", "--no-telemetry", "--port", String(port)], {
    env: { ...process.env, HOME: home },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const stop = stopper(child);
  const url = `http://127.0.0.1:${port}`;
  const deadline = performance.now() + 15_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) break;
    const ok = await fetch(`${url}/v1/health`).then((r) => r.ok, () => false);
    if (ok) return { name: "sandbox-agent", url, pid: child.pid!, stop, log: () => output };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  return { error: `sandbox-agent did not answer /v1/health within 15 s: ${output.trim().slice(-300)}` };
}
