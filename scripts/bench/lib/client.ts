/**
 * The HTTP client of the benchmarks: the driver runtime's `fetch`, keep-alive, JSON in and out.
 * @module
 */

const JSON_HEADERS = { "content-type": "application/json" };

/**
 * Sends a JSON request and returns the status and parsed body.
 * @example
 * ```ts
 * const { status, body } = await requestJson("POST", `${base}/start`, { command: "true" });
 * ```
 */
export async function requestJson<T = Record<string, unknown>>(
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? undefined : JSON_HEADERS,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
}

/**
 * Like {@link requestJson} but throws unless the status is 200.
 * @example
 * ```ts
 * const { id } = await okJson<{ id: string }>("POST", `${base}/start`, { command: "true" });
 * ```
 */
export async function okJson<T = Record<string, unknown>>(method: string, url: string, body?: unknown): Promise<T> {
  const reply = await requestJson<T>(method, url, body);
  if (reply.status !== 200) throw new Error(`${method} ${url} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/**
 * The wall clock in nanoseconds since the epoch with sub-millisecond resolution (`Date.now()` has 1 ms).
 * @example
 * ```ts
 * const lag = nowNs() - Number(printedByDate);
 * ```
 */
export function nowNs(): number {
  return (performance.timeOrigin + performance.now()) * 1e6;
}
