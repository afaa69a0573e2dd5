// What each start reads from the machine, on every runtime: the server's live environment (read once per start,
// in one call on Deno) and the working directory checks of posixHost.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { after, describe, it } from "node:test";
import { createProcessApi } from "../../src/index.ts";
import { posixHost, serverEnvironment } from "../../src/runtimes/posix/host.ts";
import { caller } from "../support/http.ts";

const KEY = "EDGEPROC_TEST_LIVE_ENV";

describe("the server's environment as the base of every child", () => {
  const api = createProcessApi({});
  const call = caller("http://127.0.0.1/api/v0/processes", api.fetch);
  after(async () => {
    delete process.env[KEY];
    await api.close();
  });
  const echo = async () => {
    const reply = await call("POST", "/run", { body: { command: `printf '%s' "\${${KEY}-unset}"` } });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    return reply.body.output as string;
  };

  it("reaches a real child, and a change made after the API was built reaches the next one", async () => {
    process.env[KEY] = "first";
    assert.equal(await echo(), "first");
    process.env[KEY] = "second value";
    assert.equal(await echo(), "second value");
    delete process.env[KEY];
    assert.equal(await echo(), "unset");
  });

  it("is read afresh on every call, as strings only", () => {
    const read = serverEnvironment();
    process.env[KEY] = "x";
    const one = read();
    assert.equal(one[KEY], "x");
    one[KEY] = "changed by a caller";
    assert.equal(read()[KEY], "x", "each read is a copy");
    assert.ok(Object.values(read()).every((v) => typeof v === "string"));
    delete process.env[KEY];
    assert.equal(read()[KEY], undefined);
  });
});

describe("posixHost.isDirectory", () => {
  const dir = mkdtempSync(join(tmpdir(), "edgeproc-host-"));
  const file = join(dir, "file");
  writeFileSync(file, "x");
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("is true for a directory only, false for a file, a missing path and a path through a file", async () => {
    assert.equal(await posixHost.isDirectory(dir), true);
    assert.equal(await posixHost.isDirectory(file), false);
    assert.equal(await posixHost.isDirectory(join(dir, "missing")), false);
    assert.equal(await posixHost.isDirectory(join(file, "below")), false, "ENOTDIR is no directory, not a throw");
    assert.equal(await posixHost.isDirectory(""), false);
  });
});
