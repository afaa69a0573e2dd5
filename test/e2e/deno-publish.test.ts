// `deno publish --dry-run` (issue 13): deno.json names a JSR package whose sources type-check under Deno, have no
// slow types and ship only what the package needs. It needs no network: the npm dependencies come from node_modules
// ("nodeModulesDir": "manual") and there are no JSR ones. It does not depend on the runtime under test and takes a
// full type check, so it runs once, under `deno test`.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { ROOT, testRuntime } from "../support/runtime.ts";

const T = { timeout: 120_000, skip: testRuntime() !== "deno" && "runtime-independent: runs once, under deno test" };
const deno = JSON.parse(readFileSync(join(ROOT, "deno.json"), "utf8")) as { name: string; version: string };

/** Runs the dry run to its end; resolves with its exit code and everything it printed. */
function dryRun(): Promise<{ code: number; output: string }> {
  const args = ["publish", "--dry-run", "--allow-dirty"];
  const options = { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" }, timeout: 110_000, maxBuffer: 16 << 20 };
  return new Promise((resolve) =>
    execFile(join(ROOT, "node_modules/.bin/deno"), args, options, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    }),
  );
}

// No runtime's name as a word in the titles: the report check reads it as the runtime under test.
describe("JSR package (deno.json)", () => {
  it("publishes in a dry run: Deno's type check passes, no slow types, only src/ and the documents", T, async () => {
    const { code, output } = await dryRun();
    assert.equal(code, 0, output);
    assert.match(output, new RegExp(`Simulating publish of ${deno.name}@${deno.version.replaceAll(".", "\\.")} `));
    assert.doesNotMatch(output, /warning/i);
    const root = pathToFileURL(ROOT).href;
    const files = [...output.matchAll(/^\s+(file:\/\/\S+) \(/gm)].map((m) => m[1]!.slice(root.length));
    assert.ok(files.includes("src/index.ts") && files.includes("src/serve/node.ts"), output);
    const documents = ["LICENSE", "README.md", "deno.json", "docs/api.md", "package.json"];
    assert.deepEqual(files.filter((file) => !file.startsWith("src/")).sort(), documents);
  });
});
