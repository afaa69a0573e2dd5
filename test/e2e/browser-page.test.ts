// A real web page on another origin, in headless Chromium (test/support/browser-probe.mjs), tries to run commands
// on a default server: a no-cors fetch with a text/plain body, a text/plain form post, and a JSON fetch (which
// the browser preflights). None runs. With that page's origin in --allowed-origins, the JSON fetch runs and its
// answer is readable (so the probe can see a command run), while the two simple requests still run nothing.
// Needs Debian's chromium (`npm run install:browser`); skipped, saying so, where it is missing.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ROOT, testRuntime } from "../support/runtime.ts";
import { freePort, startServer } from "../support/server.ts";

const CHROMIUM = "/usr/bin/chromium";
const T = { timeout: 90_000, skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM} (npm run install:browser)` };


function probe(url: string, mark: string, port: number): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    // Plain Node drives Chromium whatever runtime serves edgeproc: playwright needs Node's child_process pipes.
    execFile("node", [join(ROOT, "test/support/browser-probe.mjs"), url, mark, String(port)], { timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout.trim().split("\n").at(-1)!)),
    );
  });
}

describe(`a web page on another origin, in Chromium, on ${testRuntime()}`, () => {
  const mark = join(tmpdir(), `edgeproc-page-${process.pid}`);
  const ran = (kind: string) => existsSync(`${mark}.${kind}`) && (rmSync(`${mark}.${kind}`), true);

  it("runs nothing on a default server, whatever the page tries", T, async () => {
    const server = await startServer(["--quiet"]);
    try {
      const seen = await probe(server.url, mark, await freePort());
      assert.equal(seen.nocors, "opaque", JSON.stringify(seen));
      assert.match(String(seen.cors), /^error: /, "the preflight is refused, so the JSON fetch fails");
      for (const kind of ["nocors", "cors", "form"]) assert.equal(ran(kind), false, `${kind} ran`);
    } finally {
      await server.stop();
    }
  });

  it("lets an allowed origin's JSON fetch run and read its answer, and still no simple request", T, async () => {
    const port = await freePort();
    const server = await startServer(["--quiet", "--allowed-origins", `http://127.0.0.1:${port}`]);
    try {
      const seen = await probe(server.url, mark, port);
      assert.equal(seen.cors?.status, 200, JSON.stringify(seen));
      assert.match(seen.cors.text, /"started":true/);
      assert.equal(ran("cors"), true, "the allowed page's command ran");
      assert.equal(ran("nocors"), false);
      assert.equal(ran("form"), false);
    } finally {
      await server.stop();
    }
  });
});
