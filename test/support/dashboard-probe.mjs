// Uses the dashboard at `/ui` as a person would, in headless Chromium (playwright-core, Debian's chromium):
//   node test/support/dashboard-probe.mjs <edgeproc url> kill <id of a finished process> [screenshot.png]
//   node test/support/dashboard-probe.mjs <edgeproc url> token <token> <id of a process to see listed>
//   node test/support/dashboard-probe.mjs <edgeproc url> flood
// `kill` starts a command from the page's form, waits for its output (plain, then red), optionally takes a
// screenshot, presses Kill and waits for the exit and for the process under Finished, then selects the finished
// process with the keyboard only and deletes it. `token` sees the token form, enters the token and waits for the
// list. `flood` starts a command printing 2.4 MB and looks at what stays in the DOM. Prints one JSON line: what the
// page showed, and every console error or CSP violation. Run by test/e2e/dashboard.test.ts on each runtime.
import { chromium } from "playwright-core";

const [edgeproc, mode, ...rest] = process.argv.slice(2);
const COMMAND = `sh -c 'echo first; sleep 1; printf "\\033[31mred\\033[0m\\n"; sleep 30'`;
const WAIT = { timeout: 20_000 };
const outputHas = (text) => document.getElementById("output").textContent.includes(text);

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox"] });
const seen = { errors: [] };
try {
  const tab = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // The browser asks for /favicon.ico by itself; a 404 there is no error of the page's.
  tab.on("console", (m) => {
    if (m.type() === "error" && !m.location().url.endsWith("/favicon.ico")) seen.errors.push(m.text());
  });
  tab.on("pageerror", (e) => seen.errors.push(String(e)));
  await tab.goto(`${edgeproc}/ui`);
  if (mode === "kill") await kill(tab, rest[0], rest[1]);
  else if (mode === "flood") await flood(tab);
  else if (mode === "token") await token(tab, rest[0], rest[1]);
  else throw new Error(`Unknown mode ${JSON.stringify(mode)}: kill or token.`);
} catch (err) {
  seen.failure = String(err?.stack ?? err);
} finally {
  await browser.close();
}
console.log(JSON.stringify(seen));

async function kill(tab, finishedId, screenshot) {
  await tab.waitForFunction(() => document.getElementById("running-count").textContent !== "", null, WAIT);
  seen.tokenFormHidden = await tab.isHidden("#token-form");
  // Keyboard only, as a person without a mouse would: Tab into the form, type, Enter.
  await tab.focus("#command");
  await tab.keyboard.type(COMMAND);
  await tab.keyboard.press("Enter");
  await tab.waitForFunction(outputHas, "first", WAIT);
  seen.first = true;
  await tab.waitForFunction(outputHas, "red", WAIT);
  Object.assign(
    seen,
    await tab.evaluate(() => {
      const output = document.getElementById("output");
      const red = [...output.querySelectorAll("span.fg1")].map((s) => s.textContent);
      return {
        id: document.querySelector('#running button[aria-current="true"]')?.dataset.id ?? null,
        output: output.textContent,
        red,
        redColour: output.querySelector("span.fg1") && getComputedStyle(output.querySelector("span.fg1")).color,
      };
    }),
  );
  if (screenshot) await tab.screenshot({ path: screenshot });
  await tab.click("#kill");
  await tab.waitForFunction(() => /SIGKILL/.test(document.getElementById("exit").textContent), null, WAIT);
  seen.exit = await tab.textContent("#exit");
  await tab.waitForFunction(
    (id) => [...document.querySelectorAll("#finished button")].some((b) => b.dataset.id === id),
    seen.id,
    WAIT,
  );
  seen.finished = await tab.textContent(`#finished button[data-id="${seen.id}"]`);
  seen.status = await tab.textContent("#status");
  // Tab from the form into the list until the finished process has focus (a bounded walk), then Space selects it.
  await tab.focus("#command");
  for (let i = 0; i < 20; i++) {
    await tab.keyboard.press("Tab");
    if ((await tab.evaluate(() => document.activeElement?.dataset?.id)) === finishedId) break;
  }
  seen.focusOutline = await tab.evaluate((id) => {
    const el = document.activeElement;
    return el?.dataset?.id === id ? getComputedStyle(el).outlineStyle : null;
  }, finishedId);
  await tab.keyboard.press("Space");
  await tab.waitForFunction(outputHas, "ok", WAIT);
  seen.keyboardSelected = await tab.evaluate(() => ({
    output: document.getElementById("output").textContent,
    green: [...document.querySelectorAll("#output span.fg2")].map((s) => s.textContent),
    exit: document.getElementById("exit").textContent,
    deleteEnabled: !document.getElementById("delete").disabled,
  }));
  await tab.click("#delete");
  await tab.waitForFunction(
    (id) => ![...document.querySelectorAll("#finished button")].some((b) => b.dataset.id === id),
    finishedId,
    WAIT,
  );
  seen.afterDelete = await tab.textContent("#detail-title");
}

async function flood(tab) {
  await tab.fill("#command", "for i in $(seq 1 40); do head -c 60000 /dev/zero | tr '\\0' x; echo; sleep 0.02; done");
  await tab.click("#start-form button");
  await tab.waitForFunction(() => /exit code 0/.test(document.getElementById("exit").textContent), null, WAIT);
  // The exit event comes after the last output; two frames later every batch is drawn.
  await tab.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  Object.assign(
    seen,
    await tab.evaluate(() => {
      const text = document.getElementById("output").textContent;
      const dropped = document.getElementById("dropped");
      return { length: text.length, tail: text.slice(-4), note: dropped.hidden ? null : dropped.textContent };
    }),
  );
}

async function token(tab, secret, id) {
  await tab.waitForSelector("#token-form:not([hidden])", WAIT);
  seen.tokenForm = true;
  seen.appHidden = await tab.isHidden("#app");
  await tab.fill("#token", secret);
  await tab.press("#token", "Enter");
  await tab.waitForFunction(
    (id) => [...document.querySelectorAll("#running button, #finished button")].some((b) => b.dataset.id === id),
    id,
    WAIT,
  );
  seen.listed = true;
  seen.tokenFormHidden = await tab.isHidden("#token-form");
  seen.stored = await tab.evaluate(() => sessionStorage.getItem("edgeproc.token") !== null);
}
