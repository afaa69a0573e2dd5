/**
 * The markup of the dashboard at `GET /ui` (docs/api.md §4.10): a static page whose only server-side part is the
 * API's base path, JSON in a data block that no browser executes. Script and style are same-origin files
 * (`ui/app.js`, `ui/app.css`), so the Content-Security-Policy needs no inline source at all.
 * @module
 */

/**
 * The headers of every `/ui` answer: nothing but this server's own files, no framing (kill buttons must not be
 * clickjackable), no sniffing, no referrer, no caching of a page a newer server may change.
 */
export const DASHBOARD_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
};

/**
 * JSON that is safe inside an HTML element: `<`, `>`, `&` and the JavaScript line separators escaped, so no value
 * can close the element or open a comment.
 * @example
 * ```ts
 * htmlSafeJson({ base: "</script>" }); // '{"base":"\\u003c/script\\u003e"}'
 * ```
 */
export function htmlSafeJson(value: unknown): string {
  const escape = (ch: string) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, escape);
}

/**
 * The page, for an API whose process routes live at `base` (the mount path and the base path, as the browser
 * reaches them). Asset URLs are relative to `/ui`, so a mounted API serves them under its mount too.
 * @example
 * ```ts
 * const html = dashboardHtml("/api/v0/processes");
 * ```
 */
export function dashboardHtml(base: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>edgeproc</title>
<link rel="stylesheet" href="ui/app.css">
<script type="application/json" id="edgeproc-config">${htmlSafeJson({ base })}</script>
<script src="ui/app.js" defer></script>
</head>
<body>
<header>
<h1>edgeproc</h1>
<p id="status" role="status" aria-live="polite"></p>
</header>
<form id="token-form" hidden>
<p>This server needs a token. It is kept in this tab only (session storage).</p>
<label for="token">Token</label>
<input id="token" type="password" autocomplete="off" required>
<button type="submit">Use token</button>
</form>
<main id="app">
<nav aria-label="Processes">
<form id="start-form">
<label for="command">Command</label>
<input id="command" name="command" autocomplete="off" spellcheck="false" required
 placeholder="npm test">
<button type="submit">Start</button>
</form>
<h2 id="running-title">Running <span id="running-count"></span></h2>
<ul id="running" aria-labelledby="running-title"></ul>
<h2 id="finished-title">Finished <span id="finished-count"></span></h2>
<ul id="finished" aria-labelledby="finished-title"></ul>
</nav>
<section id="detail" aria-labelledby="detail-title">
<h2 id="detail-title">No process selected</h2>
<p id="detail-info"></p>
<p id="exit" role="status" aria-live="polite"></p>
<div class="actions">
<button type="button" id="terminate" disabled>Terminate</button>
<button type="button" id="kill" class="danger" disabled>Kill</button>
<button type="button" id="delete" disabled>Delete</button>
</div>
<p id="dropped" hidden></p>
<pre id="output" tabindex="0" role="region" aria-label="Output of the selected process"></pre>
</section>
</main>
</body>
</html>
`;
}
