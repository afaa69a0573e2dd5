/**
 * The browser half of the dashboard that talks to the API: the process list (every 2 s and right after an action),
 * the selected process's live output (`/{id}/stream`, resumed from its cursor after a dropped connection), the
 * start form, the signal and delete buttons, and the token form (kept in session storage, sent as a bearer header
 * on every request). Plain JavaScript, in a string, sent after `OUTPUT_SCRIPT` as `ui/app.js`.
 * @module
 */

/**
 * The app; expects `EdgeprocOutput` and the markup of `dashboardHtml`.
 * @example
 * ```ts
 * const js = OUTPUT_SCRIPT + DASHBOARD_SCRIPT;
 * ```
 */
export const DASHBOARD_SCRIPT: string = String.raw`
(() => {
  const $ = (id) => document.getElementById(id);
  const base = JSON.parse($("edgeproc-config").textContent).base;
  const TOKEN_KEY = "edgeproc.token";
  const REFRESH_MS = 2000;
  const view = new EdgeprocOutput.OutputView($("output"), $("dropped"));
  let selected = null;
  let processes = [];
  let following = null;
  let timer = 0;

  class Unauthorized extends Error {}

  function say(text) { $("status").textContent = text; }

  function headers(extra) {
    const h = Object.assign({}, extra);
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) h.Authorization = "Bearer " + token;
    return h;
  }

  async function api(method, path, body) {
    const init = { method, headers: headers(body ? { "content-type": "application/json" } : {}) };
    if (body) init.body = JSON.stringify(body);
    const res = await fetch(base + path, init);
    if (res.status === 401) throw new Unauthorized("A token is required.");
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(data.message || "HTTP " + res.status);
    return data;
  }

  function needToken(message) {
    $("token-form").hidden = false;
    $("app").hidden = true;
    say(message);
    $("token").focus();
  }

  function failed(err) {
    if (err instanceof Unauthorized) {
      const had = sessionStorage.getItem(TOKEN_KEY);
      sessionStorage.removeItem(TOKEN_KEY);
      needToken(had ? "The token was refused; enter it again." : "This server needs a token.");
    } else say(String(err.message || err));
  }

  function duration(ms) {
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return s + "s";
    if (s < 3600) return Math.floor(s / 60) + "m " + (s % 60) + "s";
    return Math.floor(s / 3600) + "h " + Math.floor((s % 3600) / 60) + "m";
  }

  function exitText(p) {
    if (p.running) return "running";
    let text = p.signal ? "killed by " + p.signal : "exit code " + p.exit_code;
    if (p.timed_out) text += " (timed out)";
    return text;
  }

  const STATES = { R: "running", S: "sleeping", D: "waiting on disk", T: "stopped", Z: "zombie" };

  function meta(p) {
    const parts = [p.running ? "Running" : "Finished: " + exitText(p), "age " + duration(Date.now() - p.started_at_ms)];
    if (p.running && p.state) parts.push("state " + p.state + " (" + (STATES[p.state] || p.state) + ")");
    if (p.cpu_ms !== undefined) parts.push("CPU " + (p.cpu_ms / 1000).toFixed(1) + "s");
    if (p.group_members !== undefined && p.running) parts.push(p.group_members + " in group");
    return parts.join(" · ");
  }

  function item(p) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.id = p.id;
    button.setAttribute("aria-current", String(p.id === selected));
    const cmd = document.createElement("span");
    cmd.className = "cmd";
    cmd.textContent = p.command;
    const info = document.createElement("span");
    info.className = "meta";
    info.textContent = p.id + " · " + meta(p);
    button.append(cmd, info);
    button.addEventListener("click", () => select(p.id));
    li.append(button);
    return li;
  }

  function fill(list, items, empty) {
    const focused = document.activeElement && list.contains(document.activeElement)
      ? document.activeElement.dataset.id : null;
    list.replaceChildren(...items.map(item));
    if (!items.length) {
      const li = document.createElement("li");
      li.className = "empty";
      li.textContent = empty;
      list.append(li);
    }
    if (focused) for (const b of list.querySelectorAll("button")) if (b.dataset.id === focused) b.focus();
  }

  function render() {
    const running = processes.filter((p) => p.running);
    const finished = processes.filter((p) => !p.running);
    fill($("running"), running, "Nothing running.");
    fill($("finished"), finished, "Nothing finished.");
    $("running-count").textContent = "(" + running.length + ")";
    $("finished-count").textContent = "(" + finished.length + ")";
    const p = processes.find((q) => q.id === selected);
    $("terminate").disabled = $("kill").disabled = !p || !p.running;
    $("delete").disabled = !p || p.running;
    if (!p) {
      $("detail-title").textContent = selected === null ? "No process selected" : "Process " + selected + " is gone";
      $("detail-info").textContent = "";
      return;
    }
    $("detail-title").textContent = p.command;
    $("detail-info").textContent = p.id + " · pid " + p.pid + " · " + meta(p);
  }

  async function refresh() {
    clearTimeout(timer);
    try {
      const data = await api("GET", "/list?stats=true&limit=100");
      processes = data.processes.sort((a, b) => b.started_at_ms - a.started_at_ms);
      render();
      if (!$("token-form").hidden) { $("token-form").hidden = true; $("app").hidden = false; say(""); }
      clearTimeout(timer);
      timer = setTimeout(refresh, REFRESH_MS);
    } catch (err) {
      failed(err);
      clearTimeout(timer);
      if (!(err instanceof Unauthorized)) timer = setTimeout(refresh, REFRESH_MS);
    }
  }

  function select(id) {
    if (following) following.abort();
    selected = id;
    view.clear();
    $("exit").textContent = "";
    render();
    if (id === null) return;
    following = new AbortController();
    follow(id, following.signal);
  }

  function showExit(exit) {
    let text = "Exited: " + (exit.signal ? "signal " + exit.signal : "exit code " + exit.exit_code);
    if (exit.timed_out) text += " (timed out)";
    $("exit").textContent = text;
  }

  // Reads the stream to its exit event; a dropped connection resumes at the last cursor, a few times.
  async function follow(id, signal) {
    let cursor = 0;
    let failures = 0;
    while (!signal.aborted && failures < 5) {
      let ended = false;
      try {
        const h = headers({ Accept: "text/event-stream" });
        if (cursor > 0) h["Last-Event-ID"] = String(cursor);
        const url = base + "/" + encodeURIComponent(id) + "/stream?cursor=" + cursor;
        const res = await fetch(url, { headers: h, signal });
        if (res.status === 401) throw new Unauthorized("A token is required.");
        if (!res.ok) {
          const body = await res.json().catch(() => ({}));
          return say(body.message || "HTTP " + res.status);
        }
        const parse = EdgeprocOutput.sseParser((ev) => {
          const data = JSON.parse(ev.data);
          if (ev.event === "output") { view.append(data.data); cursor = data.next_cursor; failures = 0; }
          else if (ev.event === "gap") view.notice(data.gap_bytes + " bytes of output were dropped by the server");
          else if (ev.event === "exit") { ended = true; showExit(data); refresh(); }
        });
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (let r = await reader.read(); !r.done; r = await reader.read()) parse(r.value);
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof Unauthorized) return failed(err);
      }
      if (ended || signal.aborted) return;
      failures++;
      say("Output stream dropped; resuming at byte " + cursor + "…");
      await new Promise((done) => setTimeout(done, 500 * failures));
    }
    if (!signal.aborted) say("The output stream keeps failing; select the process again to retry.");
  }

  async function act(label, method, path, body) {
    const id = selected;
    say(label + "…");
    try {
      const data = await api(method, "/" + encodeURIComponent(id) + path, body);
      say(data.message || label + " done.");
      if (method === "DELETE") select(null);
    } catch (err) { failed(err); }
    refresh();
  }

  $("terminate").addEventListener("click", () =>
    act("Terminating", "POST", "/signal", { signal: "terminate", wait_ms: 5000 }));
  $("kill").addEventListener("click", () => act("Killing", "POST", "/signal", { signal: "kill", wait_ms: 5000 }));
  $("delete").addEventListener("click", () => act("Deleting", "DELETE", ""));

  $("start-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const command = $("command").value;
    if (!command.trim()) return;
    say("Starting…");
    try {
      const data = await api("POST", "/start", { command });
      say("Started " + data.id + ".");
      $("command").value = "";
      await refresh();
      select(data.id);
    } catch (err) { failed(err); }
  });

  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
    $("token").value = "";
    say("Checking the token…");
    refresh();
  });

  refresh();
})();
`;
