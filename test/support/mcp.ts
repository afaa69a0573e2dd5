/**
 * A raw MCP `initialize` request body of an exact size, for the body-limit tests of `/mcp`.
 * @module
 */

/**
 * The JSON of an `initialize` request `bytes` long (ASCII), padded in the client's name.
 * @example
 * ```ts
 * await fetch(`${url}/mcp`, { method: "POST", headers: MCP_POST_HEADERS, body: initializeOfSize(1 << 20) });
 * ```
 */
export function initializeOfSize(bytes: number): string {
  const body = (name: string) =>
    JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name, version: "1" } },
    });
  return body("x".repeat(bytes - body("").length));
}

/** The headers a Streamable HTTP client sends with a POST. */
export const MCP_POST_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };
