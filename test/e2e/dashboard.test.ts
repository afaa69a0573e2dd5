// The dashboard at /ui (docs/api.md §4.10) in headless Chromium (test/support/dashboard-probe.mjs), against a real
// server on the runtime under test: a command started from the page's form streams its output live (a red line as
// a coloured span, no escape bytes), Kill ends its whole group (checked with ps, not by the product) and the page
// shows the exit under Finished; with a token the page asks for it and then lists. The page's headers, and a foreign
// Origin still refused. `EDGEPROC_SCREENSHOT=docs/dashboard.png` also takes the screenshot of the docs.
// Needs Debian's chromium (`npm run install:browser`); skipped, saying so, where it is missing.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import process from "node:process";
import { describe, it } from "node:test";
import { ROOT, testRuntime } from "../support/runtime.ts";
import { eventually, liveGroup, startServer } from "../support/server.ts";

const CHROMIUM = "/usr/bin/chromium";
const T = { timeout: 90_000, skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM} (npm run install:browser)` };
const BASE = "/api/v0/processes";

function probe(args: string[]): Promise<Record<string, any>> {
  return new Promise((done, fail) => {
    // Plain Node drives Chromium whatever runtime serves edgeproc: playwright needs Node's child_process pipes.
    const script = join(ROOT, "test/support/dashboard-probe.mjs");
    execFile("node", [script, ...args], { timeout: 60_000 }, (err, stdout, stderr) =>
      err ? fail(new Error(`${err.message}\n${stderr}`)) : done(JSON.parse(stdout.trim().split("\n").at(-1)!)),
    );
  });
}

async function start(url: string, command: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${url}${BASE}/start`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ command }),
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { id: string }).id;
}

describe(`the dashboard at /ui, in Chromium, on ${testRuntime()}`, () => {
  it("is served with a strict CSP, nosniff and no framing, and a foreign Origin is still refused", T, async () => {
    const server = await startServer(["--quiet"]);
    try {
      const page = await fetch(`${server.url}/ui`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get("content-type")!, /^text\/html/);
      assert.match(page.headers.get("content-security-policy")!, /default-src 'none'.*frame-ancestors 'none'/);
      assert.equal(page.headers.get("x-content-type-options"), "nosniff");
      assert.equal(page.headers.get("x-frame-options"), "DENY");
      assert.equal(page.headers.get("referrer-policy"), "no-referrer");
      assert.match(await page.text(), /"base":"\/api\/v0\/processes"/);
      const own = new URL(server.url).origin;
      const ok = await fetch(`${server.url}${BASE}/list`, { headers: { origin: own } });
      assert.equal(ok.status, 200, "the page's own origin");
      const port = Number(new URL(server.url).port);
      for (const origin of [`http://127.0.0.1:${port + 1}`, "http://evil.example", `http://localhost:${port}`]) {
        const res = await fetch(`${server.url}${BASE}/list`, { headers: { origin } });
        assert.equal(res.status, 403, origin);
        assert.equal(((await res.json()) as { code: string }).code, "forbidden_origin");
      }
    } finally {
      await server.stop();
    }
  });

  it("starts a command from the form, streams its coloured output, kills its group and shows the exit", T, async () => {
    const server = await startServer(["--quiet"]);
    try {
      // A finished process and a second running one, so the page (and its screenshot) has more than one.
      const done = await start(server.url, "printf 'compiling\\n\\033[32mok\\033[0m\\n'");
      const other = await start(server.url, "sleep 30");
      const screenshot = process.env.EDGEPROC_SCREENSHOT;
      const seen = await probe([server.url, "kill", done, ...(screenshot ? [resolve(screenshot)] : [])]);
      assert.equal(seen.failure, undefined, JSON.stringify(seen));
      assert.deepEqual(seen.errors, [], "no console error, no CSP violation");
      assert.equal(seen.tokenFormHidden, true, "no token form without a token");
      assert.equal(seen.output, "first\nred\n", "both lines, and no escape bytes");
      assert.deepEqual(seen.red, ["red"], "red is a span of the red class");
      assert.equal(seen.redColour, "rgb(205, 49, 49)");
      assert.match(seen.exit, /signal SIGKILL/);
      assert.match(seen.finished, /killed by SIGKILL/);
      const res = await fetch(`${server.url}${BASE}/${seen.id}`);
      const info = (await res.json()) as { pid: number; running: boolean; signal?: string };
      assert.equal(info.running, false);
      assert.equal(info.signal, "SIGKILL");
      assert.ok(await eventually(async () => (await liveGroup(info.pid)).length === 0), "the group is gone");
      const list = (await (await fetch(`${server.url}${BASE}/list`)).json()) as { processes: { id: string }[] };
      assert.ok(list.processes.some((p) => p.id === other), "the other process was left alone");
      // Then, by keyboard only, the finished one: Tab reaches it (with a visible outline) and Space selects it.
      assert.notEqual(seen.focusOutline, null, "Tab reaches the finished process");
      assert.notEqual(seen.focusOutline, "none", "with a visible focus");
      assert.equal(seen.keyboardSelected.output, "compiling\nok\n");
      assert.deepEqual(seen.keyboardSelected.green, ["ok"]);
      assert.match(seen.keyboardSelected.exit, /exit code 0/);
      assert.equal(seen.keyboardSelected.deleteEnabled, true, "Delete is offered for a finished process");
      assert.equal(seen.afterDelete, "No process selected");
      const gone = await fetch(`${server.url}${BASE}/${done}`);
      assert.equal(gone.status, 404, "Delete deleted it");
    } finally {
      await server.stop();
    }
  });

  it("keeps at most the last MiB of a large output in view, and says that the rest was dropped", T, async () => {
    const server = await startServer(["--quiet"]);
    try {
      const seen = await probe([server.url, "flood"]);
      assert.equal(seen.failure, undefined, JSON.stringify(seen));
      assert.deepEqual(seen.errors, []);
      assert.ok(seen.length > 0 && seen.length <= 1 << 20, `${seen.length} characters in view`);
      assert.equal(seen.tail, "xxx\n", "the end of the output is there");
      assert.match(seen.note, /dropped from view/);
    } finally {
      await server.stop();
    }
  });

  it("with a token, shows the token form, then lists with the token entered", T, async () => {
    const server = await startServer(["--quiet", "--token", "s3cret"]);
    try {
      assert.equal((await fetch(`${server.url}/ui`)).status, 200, "the page itself needs no token");
      assert.equal((await fetch(`${server.url}${BASE}/list`)).status, 401);
      const id = await start(server.url, "true", { authorization: "Bearer s3cret" });
      const seen = await probe([server.url, "token", "s3cret", id]);
      assert.equal(seen.failure, undefined, JSON.stringify(seen));
      assert.equal(seen.tokenForm, true);
      assert.equal(seen.appHidden, true, "nothing but the form before the token");
      assert.equal(seen.listed, true);
      assert.equal(seen.tokenFormHidden, true);
      assert.equal(seen.stored, true);
      assert.deepEqual(seen.errors.filter((e: string) => !/401/.test(e)), [], "no error but the first 401");
    } finally {
      await server.stop();
    }
  });
});
