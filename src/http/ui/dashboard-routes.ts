/**
 * The dashboard's routes (docs/api.md §4.10): `GET /ui` (the page), `GET /ui/app.js` and `GET /ui/app.css`, each
 * with the headers of `DASHBOARD_HEADERS`; other methods are 405. They are served without the token, since a
 * browser navigation cannot send a bearer header, and reveal nothing but the base path; every API call the page
 * makes needs the token. The caller puts the browser guard in front (Host and Origin rules of §6).
 * @module
 */
import type { Hono } from "hono";
import { DASHBOARD_HEADERS, dashboardHtml } from "./dashboard-page.ts";
import { DASHBOARD_SCRIPT } from "./dashboard-script.ts";
import { DASHBOARD_CSS } from "./dashboard-style.ts";
import { OUTPUT_SCRIPT } from "./output-script.ts";

/** The paths of the dashboard, for the guards. */
export const DASHBOARD_PATHS: readonly string[] = ["/ui", "/ui/*"];

const ASSETS: Record<string, { type: string; body: string }> = {
  "/ui/app.js": { type: "text/javascript; charset=utf-8", body: OUTPUT_SCRIPT + DASHBOARD_SCRIPT },
  "/ui/app.css": { type: "text/css; charset=utf-8", body: DASHBOARD_CSS },
};

/**
 * Adds the dashboard to `app`, for process routes at `basePath`. Mounted by a host app under a prefix, the page is
 * that prefix + `/ui` and calls the API under the prefix too (as `/openapi.json` does, from the matched route).
 * @example
 * ```ts
 * addDashboard(app, "/api/v0/processes");
 * ```
 */
export function addDashboard(app: Hono, basePath: string): void {
  const pages = new Map<string, string>();
  app.get("/ui", (c) => {
    const mountPath = c.req.routePath.slice(0, -"/ui".length);
    let page = pages.get(mountPath);
    if (page === undefined) pages.set(mountPath, (page = dashboardHtml(mountPath + basePath)));
    return c.body(page, 200, { ...DASHBOARD_HEADERS, "Content-Type": "text/html; charset=utf-8" });
  });
  for (const [path, asset] of Object.entries(ASSETS)) {
    app.get(path, (c) => c.body(asset.body, 200, { ...DASHBOARD_HEADERS, "Content-Type": asset.type }));
  }
  for (const path of ["/ui", ...Object.keys(ASSETS)]) {
    app.all(path, (c) => c.body(null, 405, { ...DASHBOARD_HEADERS, Allow: "GET, HEAD" }));
  }
}
