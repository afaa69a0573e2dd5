/**
 * Closed to web pages (docs/api.md §6, SECURITY.md): a request's `Host` must name this server (DNS rebinding), its
 * `Origin`, when a browser sends one, must be allowed (configured, or the request's own: the `/ui` page), and a POST
 * must carry JSON (browsers post `text/plain` and forms cross-site without asking). CORS headers only for the
 * origins configured.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { ProcessApiError } from "../core/errors.ts";

/** Who may reach the API from a browser, and under which names. */
export interface BrowserPolicy {
  /** Origins allowed to send requests (`https://app.example.com`), compared exactly; `*` allows any. Default none. */
  allowedOrigins?: readonly string[];
  /** Host names allowed besides loopback ones; `.example.com` allows its subdomains too; `*` allows any Host. */
  allowedHosts?: readonly string[];
  /** The address the server listens on, allowed as a Host; a wildcard (`0.0.0.0`, `::`) allows every IP address. */
  listenAddress?: string;
}

const WILDCARDS = new Set(["0.0.0.0", "::", ""]);
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const ALLOWED_METHODS = "GET, POST, DELETE";

/**
 * The name a `Host` header gives, lower case, without port, brackets or a trailing dot; `null` when malformed.
 * @example
 * ```ts
 * hostName("[::1]:7070"); // "::1"
 * ```
 */
export function hostName(raw: string): string | null {
  const host = raw.trim().toLowerCase();
  let name = host;
  let port = "";
  if (host.startsWith("[")) {
    const end = host.indexOf("]");
    const rest = host.slice(end + 1);
    if (end < 2 || (rest !== "" && !rest.startsWith(":"))) return null;
    [name, port] = [host.slice(1, end), rest.slice(1)];
  } else if (host.split(":").length === 2) {
    [name, port] = host.split(":") as [string, string];
  }
  // More than one colon without brackets is a bare IPv6 address (HTTP/1.0 clients, some proxies): `name` as is.
  if (!/^\d*$/.test(port)) return null;
  return name.endsWith(".") ? name.slice(0, -1) : name;
}

const isIp = (name: string) => IPV4.test(name) || name.includes(":");

function isLoopback(name: string): boolean {
  return (
    name === "localhost" ||
    name.endsWith(".localhost") ||
    (IPV4.test(name) && name.startsWith("127.")) ||
    name === "::1" ||
    name.startsWith("::ffff:127.")
  );
}

/**
 * Whether a request with this `Host` header may be served; a request without one (HTTP/1.0) is no browser's.
 * @example
 * ```ts
 * hostAllowed("localhost:7070", {}); // true
 * hostAllowed("evil.example:7070", {}); // false
 * ```
 */
export function hostAllowed(raw: string | null | undefined, policy: BrowserPolicy): boolean {
  if (raw === null || raw === undefined || raw === "") return true;
  const name = hostName(raw);
  if (name === null) return false;
  if (isLoopback(name)) return true;
  const listen = policy.listenAddress === undefined ? undefined : hostName(policy.listenAddress);
  if (listen !== undefined && listen !== null) {
    if (name === listen) return true;
    if (WILDCARDS.has(listen) && isIp(name)) return true;
  }
  return (policy.allowedHosts ?? []).some((entry) => {
    const allowed = entry.trim().toLowerCase();
    if (allowed === "*") return true;
    if (allowed.startsWith(".")) return name === allowed.slice(1) || name.endsWith(allowed);
    return name === allowed;
  });
}

/**
 * Whether a request carrying this `Origin` may be served (only the configured origins: a page served by another
 * origin must not drive the API with the user's network position).
 * @example
 * ```ts
 * originAllowed("http://evil.example", {}); // false
 * ```
 */
export function originAllowed(origin: string, policy: BrowserPolicy): boolean {
  const given = origin.trim().toLowerCase().replace(/\/$/, "");
  return (policy.allowedOrigins ?? []).some((entry) => {
    const allowed = entry.trim().toLowerCase().replace(/\/$/, "");
    return allowed === "*" || allowed === given;
  });
}

/**
 * Whether `origin` is the request's own: `http://` or `https://` and then exactly its `Host` header, which must name
 * this server by more than `--allowed-hosts *`. That is the origin of the page edgeproc serves at `/ui`; a page on
 * another port, scheme or name is another origin. A DNS-rebound page has its own name in `Host`, which is not
 * allowed; with `*` every name is, so then the page's origin must be listed in `allowedOrigins` like any other
 * (`*` turns the rebinding check off, and this keeps a rebound page from posting commands even then).
 * @example
 * ```ts
 * isOwnOrigin("http://127.0.0.1:7070", "127.0.0.1:7070", {}); // true
 * isOwnOrigin("http://127.0.0.1:3000", "127.0.0.1:7070", {}); // false
 * ```
 */
export function isOwnOrigin(origin: string, host: string | null | undefined, policy: BrowserPolicy): boolean {
  if (host === null || host === undefined || host.trim() === "") return false;
  const given = origin.trim().toLowerCase();
  const own = host.trim().toLowerCase();
  if (given !== `http://${own}` && given !== `https://${own}`) return false;
  const named = (policy.allowedHosts ?? []).filter((entry) => entry.trim() !== "*");
  return hostAllowed(host, { ...policy, allowedHosts: named });
}

/**
 * Middleware: 403 `forbidden_host` for a Host that names something else, 403 `forbidden_origin` for an Origin not
 * allowed (preflights included) and not the request's own; CORS headers and preflight answers for the configured
 * ones (a same-origin request needs none).
 * @example
 * ```ts
 * app.use("*", browserGuard({ allowedOrigins: ["https://app.example.com"] }));
 * ```
 */
export function browserGuard(policy: BrowserPolicy): MiddlewareHandler {
  return async (c, next) => {
    const host = c.req.header("host");
    if (!hostAllowed(host, policy)) {
      throw new ProcessApiError(
        "forbidden_host",
        `Host ${JSON.stringify(host)} is not allowed.`,
        "Requests must name this server by a loopback name or address, the address it listens on, or one of " +
          "--allowed-hosts (DNS rebinding protection).",
      );
    }
    const origin = c.req.header("origin");
    if (origin === undefined) return next();
    if (!originAllowed(origin, policy)) {
      if (isOwnOrigin(origin, host, policy)) return next();
      throw new ProcessApiError(
        "forbidden_origin",
        `Origin ${JSON.stringify(origin)} is not allowed.`,
        "Web pages may call this server only from its own origin or one listed in --allowed-origins.",
      );
    }
    if (c.req.method === "OPTIONS" && c.req.header("access-control-request-method")) {
      const asked = c.req.header("access-control-request-headers");
      const headers: Record<string, string> = {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": ALLOWED_METHODS,
        "Access-Control-Max-Age": "600",
        Vary: "Origin",
      };
      if (asked) headers["Access-Control-Allow-Headers"] = asked;
      return c.body(null, 204, headers);
    }
    await next();
    // Set on the answer itself, so an error answered by onError (a fresh Response) carries them too.
    c.res.headers.set("Access-Control-Allow-Origin", origin);
    c.res.headers.append("Vary", "Origin");
  };
}

/**
 * Whether a `Content-Type` is JSON: `application/json` or `application/<anything>+json`, parameters allowed.
 * @example
 * ```ts
 * isJsonType("application/json; charset=utf-8"); // true
 * isJsonType("text/plain"); // false
 * ```
 */
export function isJsonType(contentType: string | undefined): boolean {
  const media = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  return media === "application/json" || (media.startsWith("application/") && media.endsWith("+json"));
}

/**
 * Middleware: 415 `unsupported_media_type` for a POST whose `Content-Type` is not JSON, before its body is read.
 * @example
 * ```ts
 * app.use("*", requireJson());
 * ```
 */
export function requireJson(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== "POST" || isJsonType(c.req.header("content-type"))) return next();
    throw new ProcessApiError(
      "unsupported_media_type",
      "Request body must be JSON (Content-Type: application/json).",
      `Got ${JSON.stringify(c.req.header("content-type") ?? "no Content-Type")}.`,
    );
  };
}
