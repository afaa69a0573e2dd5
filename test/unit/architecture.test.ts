// The layering of src/ (README "Architecture"), checked on the source text: where runtime APIs may appear, what
// the core may import, what `import "edgeproc"` loads, and how long a file may grow.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const src = join(root, "src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

const sources = files(src).map((path) => ({ path, rel: relative(src, path), text: readFileSync(path, "utf8") }));

/** The static import and export-from specifiers of a file (dynamic `import()` excluded). */
function staticImports(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gm)) found.push(m[1]!);
  for (const m of text.matchAll(/^\s*import\s+"([^"]+)"/gm)) found.push(m[1]!);
  return found;
}

describe("architecture", () => {
  it("names Bun., Deno. and node:child_process only under src/runtimes/", () => {
    const leaks = sources
      .filter((f) => !f.rel.startsWith("runtimes/"))
      .filter((f) => /\bBun\.|\bDeno\.|node:child_process/.test(f.text))
      .map((f) => f.rel);
    assert.deepEqual(leaks, []);
  });

  it("keeps the core free of HTTP, wire shapes and runtimes", () => {
    const allowed = (spec: string) => spec.startsWith("./") || spec.startsWith("../output/") || spec === "nanoid" || spec === "node:path";
    const bad = sources
      .filter((f) => f.rel.startsWith("core/"))
      .flatMap((f) => staticImports(f.text).filter((spec) => !allowed(spec)).map((spec) => `${f.rel} imports ${spec}`));
    assert.deepEqual(bad, []);
  });

  it("keeps the output store pure: it imports only itself", () => {
    const bad = sources
      .filter((f) => f.rel.startsWith("output/"))
      .flatMap((f) => staticImports(f.text).filter((spec) => !spec.startsWith("./")).map((spec) => `${f.rel} imports ${spec}`));
    assert.deepEqual(bad, []);
  });

  it('loads no spawner module on import "edgeproc": they are imported on first use', () => {
    const seen = new Set<string>();
    const visit = (path: string) => {
      if (seen.has(path)) return;
      seen.add(path);
      for (const spec of staticImports(readFileSync(path, "utf8"))) {
        if (spec.startsWith(".")) visit(resolve(dirname(path), spec));
      }
    };
    visit(join(src, "index.ts"));
    const spawners = [...seen].map((p) => relative(src, p)).filter((p) => /^runtimes\/(node|bun|deno)\//.test(p));
    assert.ok(seen.has(join(src, "create-process-api.ts")), "the walk follows the imports");
    assert.deepEqual(spawners, []);
  });

  it("keeps every file in src/ at 300 lines or fewer", () => {
    const long = sources.map((f) => [f.rel, f.text.split("\n").length - 1] as const).filter(([, n]) => n > 300);
    assert.deepEqual(long, []);
  });

  it("gives no Bun or Deno types to the whole program", () => {
    const config = JSON.parse(readFileSync(join(root, "tsconfig.json"), "utf8"));
    assert.deepEqual(config.compilerOptions.types, ["node"]);
  });
});
