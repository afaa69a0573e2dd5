// Strict input at the boundary (docs/api.md §3.1, issue 12 item 5): what a real environment and exec cannot hold
// is refused with a 400 that names the field, never a 500 and never a value dropped without a word; nothing runs.
// The same over real HTTP on real processes: test/e2e/browsers.test.ts.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { createProcessApi, type ProcessApi } from "../../src/create-process-api.ts";
import { FakeSpawner } from "../support/fake-spawner.ts";
import { assertError } from "../support/assert.ts";
import { caller, CHAT_A, type Caller } from "../support/http.ts";

let api: ProcessApi | null = null;
let spawner: FakeSpawner;
let call: Caller;

function setup(): void {
  spawner = new FakeSpawner();
  api = createProcessApi({ spawner, env: { PATH: "/usr/bin:/bin" } });
  call = caller("http://edgeproc.test/api/v0/processes", api.fetch);
}

afterEach(async () => {
  for (const p of spawner?.processes ?? []) p.die("SIGKILL");
  await api?.close();
  api = null;
});

describe("an embedded API's token", () => {
  it("throws for an empty or blank token instead of serving without auth", () => {
    for (const token of ["", " ", "\t\n"]) {
      const refused = (err: unknown) => err instanceof TypeError && /token/.test(err.message);
      assert.throws(() => createProcessApi({ spawner: new FakeSpawner(), token }), refused);
    }
  });
});

describe("strict input", () => {
  const refused: [string, Record<string, unknown>, string, RegExp][] = [
    ["an env key with =", { env: { "CODER_CHAT_ID=forged": "x" } }, "env.CODER_CHAT_ID=forged", /must not contain "="/],
    ["an empty env key", { env: { "": "x" } }, "env.", /must not be empty/],
    ["an env key with NUL", { env: { "A\u0000B": "x" } }, "env.A\u0000B", /NUL/],
    ["an env value with NUL", { env: { SECRET: "s3cret\u0000tail" } }, "env.SECRET", /NUL/],
    ["CODER_CHAT_ID in env", { env: { CODER_CHAT_ID: CHAT_A } }, "env.CODER_CHAT_ID", /set by the server/],
    ["a command with NUL", { command: "echo a\u0000b" }, "command", /NUL/],
    ["a workdir with NUL", { workdir: "/tmp\u0000x" }, "workdir", /NUL/],
  ];
  for (const [what, fields, field, message] of refused) {
    it(`refuses ${what} with 400 invalid_request naming ${JSON.stringify(field)}, on /start and /run`, async () => {
      setup();
      for (const route of ["/start", "/run"]) {
        const reply = await call("POST", route, { body: { command: "true", ...fields } });
        assertError(reply, 400, "invalid_request", field);
        assert.match(reply.body.validations.find((v: { field: string }) => v.field === field).detail, message);
        assert.ok(!JSON.stringify(reply.body).includes("s3cret"), "the answer never echoes an env value");
      }
      assert.equal(spawner.processes.length, 0, "nothing ran");
    });
  }

  it("refuses __proto__, constructor and prototype as env keys instead of dropping them", async () => {
    setup();
    // JSON.stringify of an object literal would drop __proto__: write it as the wire carries it.
    for (const key of ["__proto__", "constructor", "prototype"]) {
      const raw = `{"command":"true","env":{"${key}":"x","KEPT":"y"}}`;
      assertError(await call("POST", "/start", { raw }), 400, "invalid_request", `env.${key}`);
    }
    assert.equal(spawner.processes.length, 0);
  });

  it("keeps every ordinary key, values with = and unusual names included", async () => {
    setup();
    const env = { "A.B": "1", "lower-case": "x=y=z", EMPTY: "", "Ünïcode": "ü", toString: "t", hasOwnProperty: "h" };
    const reply = await call("POST", "/start", { body: { command: "true", env } });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    for (const [key, value] of Object.entries(env)) assert.equal(spawner.last.request.env[key], value, key);
  });

  it("answers invalid UTF-8 in a body with 400 invalid_json instead of replacing it", async () => {
    setup();
    const body = new Uint8Array([...new TextEncoder().encode('{"command":"echo '), 0xff, 0xfe, ...new TextEncoder().encode('"}')]);
    const reply = await api!.fetch(
      new Request("http://edgeproc.test/api/v0/processes/start", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      }),
    );
    assertError({ status: reply.status, body: await reply.json() }, 400, "invalid_json", /valid JSON/);
    assert.equal(spawner.processes.length, 0);
  });
});
