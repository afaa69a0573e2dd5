// The usage line of the `edgeproc` bin names the command the user typed (src/cli/invoked-as.ts); the bin itself
// is run from an installed tarball by test/e2e/packaging.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { invokedAs } from "../../src/cli/invoked-as.ts";

describe("invokedAs", () => {
  it("reads npx and bunx from what npm and Bun set", () => {
    const exec = (event: string) => ({ npm_command: "exec", npm_lifecycle_event: event });
    assert.equal(invokedAs("node", exec("npx")), "npx edgeproc");
    assert.equal(invokedAs("node", exec("bunx")), "bunx edgeproc");
    assert.equal(invokedAs("bun", exec("bunx")), "bunx --bun edgeproc");
  });

  it("is the bare bin otherwise, and the npm: specifier under Deno", () => {
    assert.equal(invokedAs("node", {}), "edgeproc");
    assert.equal(invokedAs("node", { npm_command: "run-script", npm_lifecycle_event: "serve" }), "edgeproc");
    assert.equal(invokedAs("bun", {}), "edgeproc");
    assert.equal(invokedAs("deno", {}), "deno run -A npm:edgeproc");
  });
});
