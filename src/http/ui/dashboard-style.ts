/**
 * The style sheet of the dashboard (`GET /ui/app.css`): a two-pane layout, visible focus, and the sixteen ANSI
 * colours as classes (`fg0`–`fg15`, `bg0`–`bg15`, `b` for bold), since the CSP allows no inline style attribute.
 * @module
 */

/** Terminal palette: xterm's sixteen colours, brightened a little for a dark background. */
const PALETTE = [
  "#000000", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#e5e5e5",
  "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff",
];

const ansiClasses = PALETTE.map((colour, n) => `.fg${n}{color:${colour}}.bg${n}{background:${colour}}`).join("\n");

/**
 * The whole style sheet.
 * @example
 * ```ts
 * new Response(DASHBOARD_CSS, { headers: { "content-type": "text/css; charset=utf-8" } });
 * ```
 */
export const DASHBOARD_CSS: string = `
:root { color-scheme: light dark; --fg: #1d1f21; --bg: #f7f7f8; --panel: #fff; --line: #d0d4da; --accent: #0b57d0;
  --muted: #5b6170; --danger: #b3261e; font-family: system-ui, sans-serif; font-size: 15px; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e6e6; --bg: #16181d; --panel: #1f2229; --line: #3a3f4b;
  --accent: #8ab4f8; --muted: #a0a6b4; --danger: #f28b82; } }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; color: var(--fg); background: var(--bg); height: 100vh; display: flex; flex-direction: column; }
header { display: flex; align-items: baseline; gap: 1rem; padding: .5rem 1rem;
  border-bottom: 1px solid var(--line); }
h1 { font-size: 1.1rem; margin: 0; }
h2 { font-size: .95rem; margin: 1rem 0 .4rem; color: var(--muted); }
#status { margin: 0; color: var(--muted); }
#token-form { padding: 1rem; display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
#token-form p { flex-basis: 100%; margin: 0 0 .5rem; }
main { flex: 1; display: grid; grid-template-columns: minmax(18rem, 26rem) 1fr; min-height: 0; }
nav { overflow: auto; padding: .75rem 1rem; border-right: 1px solid var(--line); }
#start-form { display: grid; grid-template-columns: 1fr auto; gap: .4rem; }
#start-form label { grid-column: 1 / -1; font-weight: 600; }
input { font: inherit; padding: .35rem .5rem; border: 1px solid var(--line); border-radius: 4px;
  background: var(--panel); color: var(--fg); min-width: 0; }
button { font: inherit; padding: .35rem .8rem; border: 1px solid var(--line); border-radius: 4px; cursor: pointer;
  background: var(--panel); color: var(--fg); }
button:disabled { opacity: .45; cursor: default; }
button.danger:not(:disabled) { border-color: var(--danger); color: var(--danger); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
ul { list-style: none; margin: 0; padding: 0; display: grid; gap: .3rem; }
li button { width: 100%; text-align: left; display: grid; gap: .15rem; background: var(--panel); }
li button[aria-current="true"] { border-color: var(--accent); box-shadow: inset 4px 0 0 var(--accent); }
.cmd { font-family: ui-monospace, monospace; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.meta { font-size: .8rem; color: var(--muted); }
.empty { color: var(--muted); font-size: .85rem; }
#detail { display: flex; flex-direction: column; min-width: 0; min-height: 0; padding: .75rem 1rem; }
#detail-title { font-family: ui-monospace, monospace; color: var(--fg); margin-top: 0; word-break: break-all; }
#detail-info, #exit, #dropped { margin: 0 0 .4rem; font-size: .85rem; color: var(--muted); }
#exit { font-weight: 600; color: var(--fg); }
.actions { display: flex; gap: .5rem; margin-bottom: .5rem; }
#output { flex: 1; margin: 0; overflow: auto; padding: .6rem; border-radius: 4px; background: #101114; color: #e5e5e5;
  font: 13px/1.4 ui-monospace, Menlo, Consolas, monospace; white-space: pre-wrap; word-break: break-all; }
.b { font-weight: bold; }
.note { color: #9aa0a6; font-style: italic; }
${ansiClasses}
`;
