// deno.json describes the JSR package (issue 13). Its version and exports are package.json's, kept equal by this
// test rather than generated: deno.json also holds the settings every `deno` command here reads, so it is a checked-in
// file either way, and `npm version` then fails here until deno.json says the same.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ROOT } from "../support/runtime.ts";

interface Manifest {
  version: string;
  exports: Record<string, string | Record<string, string>>;
}

const read = (name: string): Manifest => JSON.parse(readFileSync(join(ROOT, name), "utf8"));
const deno = read("deno.json");
const pkg = read("package.json");

describe("deno.json", () => {
  it("has package.json's version", () => {
    assert.equal(deno.version, pkg.version);
  });

  it("exports each entry point of package.json as its source file (the edgeproc-source condition)", () => {
    const sources = Object.entries(pkg.exports).flatMap(([path, target]) =>
      typeof target === "string" ? [] : [[path, target["edgeproc-source"]] as const],
    );
    assert.ok(sources.length >= 5, "package.json's entry points are read");
    assert.deepEqual(deno.exports, Object.fromEntries(sources));
  });
});
