/**
 * The routes under the base path (docs/api.md §3 and §4): validate, call the manager, answer JSON.
 * @module
 */
import { Hono, type Context } from "hono";
import type { ProcessManager } from "../core/process-manager.ts";
import type { StartOptions } from "../core/start-params.ts";
import { notFound, ProcessApiError } from "../core/errors.ts";
import {
  ListQuerySchema,
  outputQuerySchema,
  ResizeRequestSchema,
  runRequestSchema,
  SignalRequestSchema,
  startRequestSchema,
  StdinRequestSchema,
  type StartRequest,
} from "../wire/request-schemas.ts";
import { SIGNALS } from "../wire/signals.ts";
import { chatScope } from "./chat-headers.ts";
import { liveness, outputBody, processInfo, signalResponse, startResponse } from "./process-view.ts";
import { streamOutput } from "./stream-route.ts";
import { decodeStdin } from "./stdin-data.ts";
import { jsonBody, parseWith } from "./validate.ts";
import { awaitCondition, waitCondition } from "./wait-condition.ts";

/**
 * The Hono sub-app of every process route, to mount at the base path.
 * @example
 * ```ts
 * app.route("/api/v0/processes", processRoutes(manager));
 * ```
 */
export function processRoutes(manager: ProcessManager, options: { heartbeatMs?: number } = {}): Hono {
  const limits = manager.limits;
  const startSchema = startRequestSchema(limits);
  const runSchema = runRequestSchema(limits);
  const outputSchema = outputQuerySchema(limits);
  const app = new Hono();
  const json = <S extends Parameters<typeof jsonBody>[1]>(c: Context, schema: S) =>
    jsonBody(c, schema, limits.maxBodyBytes);

  app.post("/start", async (c) => {
    const body = await json(c, startSchema);
    const { process, started } = await manager.start(startOptions(body), chatScope(c.req.raw.headers));
    return c.json(startResponse(process, started, body.client_token));
  });

  app.post("/run", async (c) => {
    const { wait_ms, strip_ansi, until, pattern, flags, port, ...body } = await json(c, runSchema);
    const stripQuery = c.req.query("strip_ansi");
    if (stripQuery !== undefined && stripQuery !== "true" && stripQuery !== "false") {
      const detail = 'strip_ansi must be "true" or "false".';
      throw new ProcessApiError("invalid_request", detail, undefined, [{ field: "strip_ansi", detail }]);
    }
    // Checked before anything runs: a bad pattern starts nothing.
    const condition = waitCondition({ until, pattern, flags, port });
    const options = startOptions(body);
    const { process, started } = await manager.start(options, chatScope(c.req.raw.headers));
    const waited = await awaitCondition(manager, process, condition, 0, wait_ms ?? limits.maxWaitMs, c.req.raw.signal);
    const strip = strip_ansi ?? stripQuery === "true";
    const reply = { ...startResponse(process, started, body.client_token), ...outputBody(process, { strip }) };
    return c.json({ ...reply, ...waited });
  });

  app.get("/list", async (c) => {
    const query = parseWith(ListQuerySchema, c.req.query());
    const running = query.running === undefined ? undefined : query.running === "true";
    const processes = manager.list(chatScope(c.req.raw.headers), { limit: query.limit, running });
    if (query.stats !== "true") return c.json({ processes: processes.map(processInfo) });
    const withStats = await Promise.all(processes.map(async (p) => ({ ...processInfo(p), ...(await liveness(p)) })));
    return c.json({ processes: withStats });
  });

  app.get("/:id", async (c) => {
    const proc = manager.get(c.req.param("id"), chatScope(c.req.raw.headers));
    return c.json({ ...processInfo(proc), ...(await liveness(proc)) });
  });

  app.get("/:id/output", async (c) => {
    const proc = manager.get(c.req.param("id"), chatScope(c.req.raw.headers));
    const query = parseWith(outputSchema, c.req.query());
    const condition = waitCondition(query);
    const waitMs = query.wait_ms ?? (query.wait === "true" ? manager.limits.maxWaitMs : 0);
    const waited = await awaitCondition(manager, proc, condition, query.cursor, waitMs, c.req.raw.signal);
    return c.json({ ...outputBody(proc, { ...query, strip: query.strip_ansi === "true" }), ...waited });
  });

  app.get("/:id/stream", (c) => streamOutput(c, manager, options.heartbeatMs));

  app.post("/:id/signal", async (c) => {
    const scope = chatScope(c.req.raw.headers);
    // As coder: another chat's process is 404 before the body is read (that chat learns nothing from a bad body);
    // an unknown id only after it, so a bad body is 400 whatever the id.
    if (manager.ownedElsewhere(c.req.param("id"), scope)) throw notFound(c.req.param("id"));
    const body = await json(c, SignalRequestSchema);
    const outcome = await manager.signal(c.req.param("id"), scope, SIGNALS[body.signal], body.wait_ms);
    return c.json(signalResponse(outcome, body.signal));
  });

  app.post("/:id/stdin", async (c) => {
    const scope = chatScope(c.req.raw.headers);
    manager.get(c.req.param("id"), scope);
    const body = await json(c, StdinRequestSchema);
    const data = decodeStdin(body.data, body.encoding, limits.maxStdinBytes);
    const written = await manager.writeStdin(c.req.param("id"), scope, data, body.eof, c.req.raw.signal);
    return c.json({ written });
  });

  app.post("/:id/resize", async (c) => {
    const scope = chatScope(c.req.raw.headers);
    const proc = manager.get(c.req.param("id"), scope);
    const body = await json(c, ResizeRequestSchema);
    await manager.resize(proc.id, scope, body);
    return c.json({ cols: body.cols, rows: body.rows });
  });

  app.delete("/:id", async (c) => {
    const id = c.req.param("id");
    await manager.delete(id, chatScope(c.req.raw.headers));
    return c.json({ message: `Process ${JSON.stringify(id)} deleted.` });
  });

  return app;
}

/** The wire's start request in the domain's terms. */
function startOptions(body: StartRequest): StartOptions {
  if (!body.tty && (body.cols != null || body.rows != null)) {
    const field = body.cols != null ? "cols" : "rows";
    const detail = `${field} sets a terminal's size: it needs tty: true.`;
    throw new ProcessApiError("invalid_request", detail, undefined, [{ field, detail }]);
  }
  return {
    command: body.command,
    workdir: body.workdir,
    env: body.env,
    background: body.background,
    timeoutMs: body.timeout_ms,
    killGraceMs: body.kill_grace_ms,
    stdin: body.stdin,
    clientToken: body.client_token,
    tty: body.tty,
    cols: body.cols,
    rows: body.rows,
  };
}
