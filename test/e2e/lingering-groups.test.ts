// A record whose shell exited while its descendants live on (`npm run dev &`) stays under control until they are
// gone (docs/api.md §4.3, §4.8): `group_alive` says so, retention does not drop it, DELETE refuses it, and a
// signal still reaches them. The OS is checked with ps, not with the server's own /proc reader.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { caller, type Caller } from "../support/http.ts";
import { testRuntime } from "../support/runtime.ts";
import { liveGroup, startServer, type TestServer } from "../support/server.ts";

const T = { timeout: 60_000 };

describe(`lingering groups on ${testRuntime()}`, () => {
  let server: TestServer;
  let call: Caller;

  before(async () => {
    // Nothing exited is kept: only a live group keeps its record.
    server = await startServer(["--retention-ms", "0", "--max-exited", "0", "--pipe-grace-ms", "300", "--quiet"]);
    call = caller(`${server.url}/api/v0/processes`);
  });

  after(async () => {
    await server?.stop();
  });

  it("keeps, reports and refuses to delete a record whose group outlives the shell, until it is killed", T, async () => {
    const started = await call("POST", "/start", { body: { command: "sleep 300 >/dev/null 2>&1 & echo up" } });
    const id = started.body.id as string;
    const plain = (await call("POST", "/start", { body: { command: "true" } })).body.id as string;
    const out = await call("GET", `/${id}/output?wait=true`);
    assert.deepEqual([out.body.running, out.body.exit_code, out.body.group_alive, out.body.output], [false, 0, true, "up\n"]);
    await call("GET", `/${plain}/output?wait=true`);
    const pid = out.body.pid as number;
    assert.equal((await liveGroup(pid)).length, 1, "the background sleep lives on in the group");

    const listed = (await call("GET", "/list")).body.processes.map((p: { id: string }) => p.id);
    assert.deepEqual(listed, [id], "retention dropped the plain record and kept the live group's");
    const info = (await call("GET", `/${id}`)).body;
    assert.deepEqual([info.running, info.group_alive], [false, true]);

    const refused = await call("DELETE", `/${id}`);
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.code, "still_running");
    assert.match(refused.body.detail, /1 member of its process group is alive/);

    const killed = await call("POST", `/${id}/signal`, { body: { signal: "kill", wait_ms: 5000 } });
    assert.equal(killed.status, 200, JSON.stringify(killed.body));
    assert.deepEqual([killed.body.exited, killed.body.survivors], [true, []]);
    assert.deepEqual(await liveGroup(pid), []);
    assert.equal((await call("GET", `/${id}`)).body.group_alive, false);
    const again = await call("POST", `/${id}/signal`, { body: { signal: "kill" } });
    assert.equal(again.status, 409, "a group seen empty is gone for good");
    assert.equal((await call("DELETE", `/${id}`)).status, 200);
  });
});
