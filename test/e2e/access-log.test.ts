// The access log of a real server entry: JSON lines on stderr without the token, env or stdin of a request;
// `--quiet` prints none. The fields of each line are checked in process in test/in-process/access-log.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { AccessLogLine } from "../../src/http/access-log.ts";
import { assertLogLine, assertNoSecrets, ENV_VALUE, STDIN_DATA, TOKEN } from "../support/access-log.ts";
import { caller } from "../support/http.ts";
import { startServer, type TestServer } from "../support/server.ts";

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** Resolves once `server`'s output satisfies `done`, checking on each chunk it prints. */
function waitForLog(server: TestServer, done: (log: string) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!done(server.log())) return;
      server.child.stderr!.off("data", check);
      resolve();
    };
    server.child.stderr!.on("data", check);
    void server.exited.then(() => reject(new Error(`server exited:\n${server.log()}`)));
    check();
  });
}

function accessLines(log: string): AccessLogLine[] {
  return log
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as AccessLogLine);
}

describe("access log of a server entry", () => {
  it("prints JSON lines on stderr without token, env or stdin; --quiet prints none", { timeout: 60_000 }, async () => {
    for (const quiet of [false, true]) {
      const server = await startServer(["--token", TOKEN, ...(quiet ? ["--quiet"] : [])]);
      cleanups.push(() => server.stop());
      const headers = { authorization: `Bearer ${TOKEN}` };
      const call = caller(`${server.url}/api/v0/processes`);
      const body = { command: "cat", env: { SECRET: ENV_VALUE }, stdin: true };
      const start = await call("POST", "/start", { headers, body });
      assert.equal(start.status, 200);
      const id: string = start.body.id;
      assert.equal((await call("POST", `/${id}/stdin`, { headers, body: { data: STDIN_DATA, eof: true } })).status, 200);
      assert.equal((await call("GET", `/${id}/output?wait=true`, { headers })).body.output, STDIN_DATA);
      if (quiet) {
        await server.stop();
        assert.deepEqual(accessLines(server.log()), []);
        continue;
      }
      await waitForLog(server, (log) => accessLines(log).length >= 3);
      const lines = accessLines(server.log());
      assert.deepEqual(lines.map((l) => [l.method, l.status, l.process_id]), [
        ["POST", 200, undefined],
        ["POST", 200, id],
        ["GET", 200, id],
      ]);
      for (const line of lines) assertLogLine(line);
      assertNoSecrets(server.log());
      await server.stop();
    }
  });
});
