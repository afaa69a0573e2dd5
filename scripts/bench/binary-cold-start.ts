/**
 * The single executable (`npm run build:binary`) against `npm start`: size, cold start (exec → first 200 on
 * `/healthz`, as P5 measures it) and resident memory once it answers, for the build as shipped and for the
 * `bun build` flags worth trying (`--minify`, `--bytecode`). Commands alternate run by run.
 *
 *   bun scripts/bench/binary-cold-start.ts      # BENCH_BINARY_N (default 10)
 * @module
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { envInt, printSection, progress, table, writeResults } from "./lib/report.ts";
import { memory } from "./lib/proc-stats.ts";
import { coldStart, ROOT } from "./lib/servers.ts";
import { fmt, summarize, type Summary } from "./lib/stats.ts";
import { serverCommand } from "../../test/support/runtime.ts";

/** The variants built: the extra `bun build` flags and the environment of the build script. */
const VARIANTS: Record<string, { flags: string[]; env: Record<string, string> }> = {
  "binary (as shipped: --bytecode)": { flags: [], env: {} },
  "binary --bytecode --minify": { flags: ["--minify"], env: {} },
  "binary without bytecode": { flags: [], env: { BUILD_BYTECODE: "0" } },
  "binary without bytecode, --minify": { flags: ["--minify"], env: { BUILD_BYTECODE: "0" } },
};

interface Row {
  name: string;
  sizeMiB: number | null;
  ms: Summary;
  rssKiB: Summary;
}

const n = Math.max(1, envInt("BENCH_BINARY_N", 10));
const dir = mkdtempSync(join(tmpdir(), "edgeproc-binary-bench-"));
try {
  const commands = new Map<string, [string, string[]]>();
  const sizes = new Map<string, number | null>();
  for (const [name, { flags, env }] of Object.entries(VARIANTS)) {
    const out = join(dir, `edgeproc-${commands.size}`);
    progress(`building ${name}`);
    const options = { stdio: "ignore", env: { ...process.env, ...env } } as const;
    execFileSync("bash", [join(ROOT, "scripts/build-binary.sh"), out, ...flags], options);
    commands.set(name, [out, []]);
    sizes.set(name, statSync(out).size / 2 ** 20);
  }
  commands.set("bun run src/cli/bun.ts", serverCommand("bun", []));
  sizes.set("bun run src/cli/bun.ts", null);

  const names = [...commands.keys()];
  const times = new Map<string, number[]>(names.map((name) => [name, []]));
  const rss = new Map<string, number[]>(names.map((name) => [name, []]));
  for (const name of names) await startOnce(commands.get(name)!); // page cache
  for (let i = 0; i < n; i++) {
    progress(`run ${i + 1}/${n}`);
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length]!;
      const sample = await startOnce(commands.get(name)!);
      times.get(name)!.push(sample.ms);
      rss.get(name)!.push(sample.rssKiB);
    }
  }
  const rows: Row[] = names.map((name) => ({
    name,
    sizeMiB: sizes.get(name)!,
    ms: summarize(times.get(name)!),
    rssKiB: summarize(rss.get(name)!),
  }));
  const path = writeResults("binary-cold-start", { config: { n }, rows });
  const cells = rows.map((r) => [
    `\`${r.name}\``,
    r.sizeMiB === null ? "-" : fmt(r.sizeMiB, 1),
    fmt(r.ms.median, 0),
    fmt(r.ms.p90, 0),
    fmt(r.ms.min, 0),
    fmt(r.ms.max, 0),
    fmt(r.rssKiB.median / 1024, 1),
  ]);
  const headers = ["command", "size MiB", "median ms", "p90", "min", "max", "RSS MiB"];
  printSection(`Single executable: cold start, exec → first 200 on /healthz (N=${n})`, table(headers, cells), path);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** One start: the time to the first 200 on `/healthz`, and the server's RSS right then. */
async function startOnce([cmd, args]: [string, string[]]): Promise<{ ms: number; rssKiB: number }> {
  const { ms, ready } = await coldStart([cmd, [...args, "--quiet"]], ROOT, async (pid) => (await memory(pid)).rssKiB);
  return { ms, rssKiB: ready };
}
