/**
 * `createMcpHandler`: a Model Context Protocol endpoint (Streamable HTTP, stateless) that serves the agent tools
 * of `edgeproc/tools` (Coder's and Codex's by default), calling the API in process as the caller, with the
 * caller's token and chat.
 * @module
 */
import { Server } from "@modelcontextprotocol/sdk/server";
// The SDK's "./*" export puts the types of `x.js` at `x.js.d.ts`, which it does not ship; tsc falls back to `x.d.ts`,
// Deno does not (TS2307): https://docs.deno.com/runtime/reference/ts_config_migration/#providing-types-when-importing
// `deno publish` rewrites bare imports, not these comments, so they say `npm:` and the version package.json pins.
// @ts-types="npm:@modelcontextprotocol/sdk@1.32.2/server/webStandardStreamableHttp"
import {
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
// @ts-types="npm:@modelcontextprotocol/sdk@1.32.2/types"
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import { type ClientOptions, createClient, type FetchFunction } from "../client/create-client.ts";
import type { AgentToolOptions } from "../tools/agent-tool.ts";
import { createAgentTools } from "../tools/create-agent-tools.ts";
import { createExecSessionStore } from "../tools/exec-session.ts";

/** How the endpoint reaches the API and presents itself. */
export interface McpHandlerOptions {
  /** Where the process routes live on the API (default `/api/v0/processes`). */
  basePath?: string;
  /** Reported to MCP clients as the server's version. */
  version?: string;
  /**
   * Options of the tools (which set, environment, timeouts, output cap). Their `execSessions` is ignored: the
   * handler keeps the sessions itself, one store for its lifetime, each caller's chat apart.
   */
  tools?: Omit<AgentToolOptions, "execSessions">;
}

/**
 * The MCP endpoint as a fetch handler. `api` answers the tools' requests in process; each MCP request gets its
 * own server and transport, since the SDK's stateless transport cannot be reused.
 * @example
 * ```ts
 * const mcp = createMcpHandler((request) => app.fetch(request), { version: "0.1.0" });
 * app.all("/mcp", (c) => mcp(c.req.raw));
 * ```
 */
export function createMcpHandler(api: FetchFunction, options: McpHandlerOptions = {}): FetchFunction {
  // Tools live for one request, but a model's exec session spans many: its cursor stays here, per chat.
  const sessions = createExecSessionStore();
  return async (request) => {
    // Stateless: no session to resume and nothing to push, so only POST carries messages.
    if (request.method !== "POST") {
      const body = { jsonrpc: "2.0", error: { code: -32000, message: "Method not allowed." }, id: null };
      return Response.json(body, { status: 405, headers: { allow: "POST" } });
    }
    const identity = caller(request);
    const client = createClient({ baseUrl: "http://internal", fetch: api, basePath: options.basePath, ...identity });
    const execSessions = sessions.scope(identity.chatId ?? "");
    const tools = createAgentTools(client, { ...options.tools, execSessions });
    const byName = new Map(Object.values(tools).map((tool) => [tool.name as string, tool]));
    const server = new Server({ name: "edgeproc", version: options.version ?? "0.0.0" }, {
      capabilities: { tools: {} },
    });
    server.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: [...byName.values()].map(({ name, description, inputSchema }) => ({ name, description, inputSchema })),
    }));
    server.setRequestHandler(CallToolRequestSchema, async (call, extra) => {
      const tool = byName.get(call.params.name);
      if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${call.params.name}`);
      const result = await tool.run(call.params.arguments ?? {}, { signal: extra.signal });
      return { content: [{ type: "text" as const, text: result.text }], isError: result.isError };
    });
    // JSON answers rather than SSE: one answer per request, no keep-alive timers, and our servers never cut an
    // idle connection, so a long `execute` still gets its answer.
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    // A caller that hangs up ends the tool calls' waits (the processes keep running).
    const hangUp = () => void server.close();
    request.signal.addEventListener("abort", hangUp, { once: true });
    try {
      return await transport.handleRequest(request);
    } finally {
      request.signal.removeEventListener("abort", hangUp);
      await server.close();
    }
  };
}

/** The caller's identity, passed on so the tools see exactly what the caller may see. */
function caller(request: Request): Pick<ClientOptions, "token" | "chatId" | "ancestorChatIds"> {
  const auth = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "");
  const chatId = request.headers.get("coder-chat-id") ?? undefined;
  let ancestorChatIds: string[] | undefined;
  try {
    const list: unknown = JSON.parse(request.headers.get("coder-ancestor-chat-ids") ?? "null");
    if (Array.isArray(list)) ancestorChatIds = list.filter((id): id is string => typeof id === "string");
  } catch {
    // A malformed list means "no ancestors" to the API too (docs/api.md §2).
  }
  return { token: auth?.[1], chatId, ancestorChatIds };
}
