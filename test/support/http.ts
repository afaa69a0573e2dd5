/**
 * Small helpers to call the API in tests, in process (`api.fetch`) or over real HTTP (`fetch`).
 * @module
 */

/** Anything that answers a `Request`. */
export type FetchLike = (request: Request) => Promise<Response>;

/** A JSON answer: its status, its parsed body and its headers. */
export interface JsonReply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** What a call may carry. */
export interface CallOptions {
  body?: unknown;
  /** A raw body string, sent as is (for malformed JSON). */
  raw?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * A caller bound to a base URL and a fetch function.
 * @example
 * ```ts
 * const call = caller("http://x/api/v0/processes", api.fetch);
 * const { status, body } = await call("POST", "/start", { body: { command: "true" } });
 * ```
 */
export function caller(base: string, fetchFn: FetchLike = (r) => fetch(r)) {
  return async function call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<JsonReply<T>> {
    const headers = new Headers(options.headers);
    let body: string | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
    const response = await fetchFn(new Request(base + path, { method, headers, body, signal: options.signal }));
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: the test sees the text.
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  };
}

/** A caller, as {@link caller} returns it. */
export type Caller = ReturnType<typeof caller>;

/** Chat ids for scope tests. */
export const CHAT_A = "11111111-1111-4111-8111-111111111111";
export const CHAT_B = "22222222-2222-4222-8222-222222222222";

/**
 * The length of `text` in UTF-8 bytes, as the limits count it.
 * @example
 * ```ts
 * assert.equal(utf8Length("é"), 2);
 * ```
 */
export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

/**
 * A JSON object of exactly `size` UTF-8 bytes: `fields` plus a padding field of `unit`s (and an "x" to even up).
 * @example
 * ```ts
 * const exact = bodyOfSize(200, { command: "true" }, "é");
 * ```
 */
export function bodyOfSize(size: number, fields: Record<string, unknown>, unit = "x"): string {
  const room = size - utf8Length(JSON.stringify({ ...fields, pad: "" }));
  if (room < 0) throw new Error(`Cannot pad ${JSON.stringify(fields)} to ${size} bytes: it is already longer`);
  const pad = unit.repeat(Math.floor(room / utf8Length(unit))) + "x".repeat(room % utf8Length(unit));
  const body = JSON.stringify({ ...fields, pad });
  if (utf8Length(body) !== size) throw new Error(`Cannot pad ${JSON.stringify(fields)} to exactly ${size} bytes`);
  return body;
}
