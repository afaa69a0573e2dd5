/**
 * The browser half of the dashboard that turns a stream into text on screen: a server-sent-events parser (the page
 * reads `/{id}/stream` with `fetch`, since `EventSource` cannot send `Authorization`), an ANSI renderer that keeps
 * SGR colours and bold as classes and strips every other control sequence, and an output view that appends once
 * per animation frame and keeps only the last `MAX_CHARS` characters in the DOM. Output is untrusted: it only ever
 * becomes text nodes and spans made here, never HTML. Plain JavaScript, in a string, sent as part of `ui/app.js`.
 * @module
 */

/**
 * Defines `EdgeprocOutput` with `sseParser(onEvent)`, `AnsiRenderer` and `OutputView`, for the app script.
 * @example
 * ```ts
 * const js = OUTPUT_SCRIPT + DASHBOARD_SCRIPT;
 * ```
 */
export const OUTPUT_SCRIPT: string = String.raw`"use strict";
const EdgeprocOutput = (() => {
  // Characters of output kept in the DOM; older chunks are removed whole.
  const MAX_CHARS = 1024 * 1024;

  // Feeds text chunks, calls onEvent({event, data, id}) per complete event; comments (heartbeats) are skipped.
  function sseParser(onEvent) {
    let buffer = "";
    let event = "";
    let data = [];
    let id = null;
    return (chunk) => {
      buffer += chunk;
      // A chunk may end in the \r of a \r\n whose \n comes next: keep it until then.
      const cr = buffer.endsWith("\r");
      const lines = (cr ? buffer.slice(0, -1) : buffer).split(/\r\n|\r|\n/);
      buffer = lines.pop() + (cr ? "\r" : "");
      for (const line of lines) {
        if (line === "") {
          if (data.length > 0) onEvent({ event: event || "message", data: data.join("\n"), id });
          event = "";
          data = [];
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? "" : line.slice(colon + 1);
        if (value.startsWith(" ")) value = value.slice(1);
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
        else if (field === "id") id = value;
      }
    };
  }

  // CSI, OSC (ended by BEL or ST), and two-character escapes; then the C0 controls a terminal would act on.
  const ESCAPE = /\x1b(?:\[[0-?]*[ -\/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[ -\/]*[0-~])/g;
  const INCOMPLETE = /\x1b(?:\[[0-?]*[ -\/]*|\][^\x07\x1b]*|[PX^_][^\x1b]*|[ -\/]*)$/;
  const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f]/g;

  class AnsiRenderer {
    constructor() { this.reset(); }
    reset() { this.fg = null; this.bg = null; this.bold = false; this.held = ""; }
    className() {
      const names = [];
      if (this.fg !== null) names.push("fg" + this.fg);
      if (this.bg !== null) names.push("bg" + this.bg);
      if (this.bold) names.push("b");
      return names.join(" ");
    }
    sgr(params) {
      const codes = params === "" ? [0] : params.split(";").map((p) => (p === "" ? 0 : Number(p)));
      for (let i = 0; i < codes.length; i++) {
        const n = codes[i];
        if (n === 0) { this.fg = null; this.bg = null; this.bold = false; }
        else if (n === 1) this.bold = true;
        else if (n === 22) this.bold = false;
        else if (n >= 30 && n <= 37) this.fg = n - 30;
        else if (n >= 90 && n <= 97) this.fg = n - 90 + 8;
        else if (n === 39) this.fg = null;
        else if (n >= 40 && n <= 47) this.bg = n - 40;
        else if (n >= 100 && n <= 107) this.bg = n - 100 + 8;
        else if (n === 49) this.bg = null;
        else if (n === 38 || n === 48) {
          // 256 colours: the first sixteen are the palette; the rest and 24-bit colours are dropped, not shown.
          if (codes[i + 1] === 5) {
            const c = codes[i + 2];
            if (c < 16) { if (n === 38) this.fg = c; else this.bg = c; }
            i += 2;
          } else if (codes[i + 1] === 2) i += 4;
        }
      }
    }
    // Text in, [text, className] runs out; a sequence cut at the chunk's end waits for the next chunk.
    feed(chunk) {
      let text = this.held + chunk;
      this.held = "";
      const cut = INCOMPLETE.exec(text);
      if (cut && cut[0].length < 256) { this.held = cut[0]; text = text.slice(0, cut.index); }
      const runs = [];
      let at = 0;
      const plain = (s) => s.replace(/\r\n/g, "\n").replace(CONTROLS, "");
      ESCAPE.lastIndex = 0;
      for (let m = ESCAPE.exec(text); m; m = ESCAPE.exec(text)) {
        if (m.index > at) runs.push([plain(text.slice(at, m.index)), this.className()]);
        if (m[0].startsWith("\x1b[") && m[0].endsWith("m")) this.sgr(m[0].slice(2, -1));
        at = ESCAPE.lastIndex;
      }
      if (at < text.length) runs.push([plain(text.slice(at)), this.className()]);
      return runs.filter((r) => r[0] !== "");
    }
  }

  class OutputView {
    constructor(pre, droppedNote) {
      this.pre = pre;
      this.note = droppedNote;
      this.renderer = new AnsiRenderer();
      this.clear();
    }
    clear() {
      this.pending = [];
      this.pendingChars = 0;
      this.chunks = [];
      this.shown = 0;
      this.dropped = 0;
      this.frame = 0;
      this.renderer.reset();
      this.pre.textContent = "";
      this.note.hidden = true;
    }
    append(text) {
      for (const run of this.renderer.feed(text)) {
        this.pending.push(run);
        this.pendingChars += run[0].length;
      }
      // Past the cap before it is even drawn: drop the oldest pending runs right away.
      while (this.pendingChars > MAX_CHARS && this.pending.length > 1) {
        this.pendingChars -= this.pending[0][0].length;
        this.dropped += this.pending.shift()[0].length;
      }
      if (!this.frame && this.pending.length) this.frame = requestAnimationFrame(() => this.flush());
    }
    notice(text) {
      this.pending.push(["\n[" + text + "]\n", "note"]);
      if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
    }
    flush() {
      this.frame = 0;
      if (!this.pending.length) return;
      const pre = this.pre;
      const atBottom = pre.scrollHeight - pre.scrollTop - pre.clientHeight < 40;
      const chunk = document.createElement("span");
      let length = 0;
      for (const [text, cls] of this.pending) {
        length += text.length;
        if (!cls) { chunk.appendChild(document.createTextNode(text)); continue; }
        const span = document.createElement("span");
        span.className = cls;
        span.textContent = text;
        chunk.appendChild(span);
      }
      this.pending = [];
      this.pendingChars = 0;
      pre.appendChild(chunk);
      this.chunks.push(length);
      this.shown += length;
      while (this.shown > MAX_CHARS && this.chunks.length > 1) {
        const gone = this.chunks.shift();
        this.shown -= gone;
        this.dropped += gone;
        pre.removeChild(pre.firstChild);
      }
      if (this.dropped > 0) {
        this.note.hidden = false;
        this.note.textContent = "Earlier output (" + this.dropped + " characters) was dropped from view; " +
          "the last " + this.shown + " are shown.";
      }
      if (atBottom) pre.scrollTop = pre.scrollHeight;
    }
  }

  return { sseParser, AnsiRenderer, OutputView, MAX_CHARS };
})();
`;
