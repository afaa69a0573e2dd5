// A real web page on another origin attacks edgeproc, in headless Chromium (playwright-core, Debian's chromium):
// `node test/support/browser-probe.mjs <edgeproc url> <mark file> <port>`. It serves a page on that port of
// 127.0.0.1 (another origin than edgeproc's), which tries what any page can: a no-cors fetch with a text/plain body, a
// text/plain form post, and a CORS fetch with JSON (preflighted). Each command would create `<mark file>.<n>`.
// Prints one JSON line: what the page saw. Run by test/e2e/browser-page.test.ts under every runtime's server.
import { createServer } from "node:http";
import { chromium } from "playwright-core";

const [edgeproc, mark, port] = process.argv.slice(2);
const start = `${edgeproc}/api/v0/processes/start`;

const page = `<!doctype html><meta charset="utf-8"><title>a stranger</title>
<form id="f" method="POST" enctype="text/plain" action="${start}" target="sink">
  <input name='{"command":"touch ${mark}.form","x":"' value='"}'>
</form>
<iframe name="sink"></iframe>
<script>
window.results = {};
async function attack() {
  const body = (n) => JSON.stringify({ command: "touch ${mark}." + n });
  try {
    const r = await fetch("${start}", { method: "POST", mode: "no-cors", body: body("nocors") });
    window.results.nocors = r.type;
  } catch (e) { window.results.nocors = "error: " + e.message; }
  try {
    const r = await fetch("${start}", { method: "POST", headers: { "content-type": "application/json" }, body: body("cors") });
    window.results.cors = { status: r.status, text: await r.text() };
  } catch (e) { window.results.cors = "error: " + e.message; }
  document.getElementById("f").submit();
  await new Promise((done) => setTimeout(done, 1000));
  window.results.done = true;
}
</script>`;

const site = createServer((_, res) => res.writeHead(200, { "content-type": "text/html" }).end(page));
await new Promise((done) => site.listen(Number(port), "127.0.0.1", done));
const origin = `http://127.0.0.1:${site.address().port}`;
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox"] });
try {
  const tab = await browser.newPage();
  await tab.goto(origin);
  await tab.evaluate(() => window.attack());
  await tab.waitForFunction(() => window.results.done, null, { timeout: 20_000 });
  const results = await tab.evaluate(() => window.results);
  console.log(JSON.stringify({ origin, ...results }));
} finally {
  await browser.close();
  site.close();
}
