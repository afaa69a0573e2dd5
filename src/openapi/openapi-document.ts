/**
 * `openApiDocument`: the OpenAPI 3.1 document of every route (docs/api.md §3, §4 and §4.10), converted from the same
 * valibot schemas that validate requests and type responses, so the document cannot drift from the code.
 * @module
 */
import { toJsonSchema, toJsonSchemaDefs, type ConversionConfig, type JsonSchema } from "@valibot/to-json-schema";
import * as v from "valibot";
import pkg from "../../package.json" with { type: "json" };
import type { ErrorCode } from "../core/errors.ts";
import { errorStatus } from "../http/error-response.ts";
import { normaliseBasePath } from "../wire/base-path.ts";
import { resolveLimits, type Limits } from "../core/limits.ts";
import { SignalRequestSchema } from "../wire/request-schemas.ts";
import { NON_NEGATIVE_INTEGER } from "../wire/integers.ts";
import { SIGNALS } from "../wire/signals.ts";
import { ERROR_EXAMPLES, EXAMPLES } from "./openapi-examples.ts";
import { routeOperations, type OperationContent, type RouteOperation } from "./route-operations.ts";
import { wireSchemas } from "./wire-schemas.ts";

/** What the document describes: the API as `createProcessApi` built it. */
export interface OpenApiOptions {
  /** The base path of the process routes (default `/api/v0/processes`). */
  basePath?: string;
  /** The limits the request schemas carry (default: docs/api.md §5). */
  limits?: Partial<Limits>;
  /** A token is configured: every operation but `/healthz` needs it and may answer 401. */
  auth?: boolean;
  /**
   * Where a host app mounted the API (`host.route("/tools", api.app)`): the document then names it in `servers`,
   * so the paths resolve under it. Default none: served at the root.
   */
  mountPath?: string;
}

type Json = { [key: string]: unknown };

/** An OpenAPI 3.1 document. */
export interface OpenApiDocument {
  openapi: string;
  jsonSchemaDialect: string;
  info: { title: string; version: string; description: string };
  paths: Record<string, Partial<Record<RouteOperation["method"], Json>>>;
  components: { schemas: Json; parameters: Json; securitySchemes: Json };
  security?: Record<string, string[]>[];
  servers?: { url: string; description: string }[];
}

const DIALECT = "https://json-schema.org/draft/2020-12/schema";

/**
 * Builds the document of an API with the given base path, limits and auth.
 * @example
 * ```ts
 * const doc = openApiDocument({ basePath: "/procs", auth: true });
 * doc.paths["/procs/start"]?.post?.operationId; // "startProcess"
 * ```
 */
export function openApiDocument(options: OpenApiOptions = {}): OpenApiDocument {
  const limits = resolveLimits(options.limits);
  const base = normaliseBasePath(options.basePath);
  const config = conversionConfig();
  const paths: OpenApiDocument["paths"] = {};
  for (const op of routeOperations(limits)) {
    const path = op.root ? op.path : base + op.path;
    (paths[path] ??= {})[op.method] = operation(op, config, options.auth === true);
  }
  const doc: OpenApiDocument = {
    openapi: "3.1.0",
    jsonSchemaDialect: DIALECT,
    info: {
      title: "edgeproc",
      version: pkg.version,
      description: "An HTTP process API for AI agents, compatible with Coder's workspace-agent process API.",
    },
    paths,
    components: {
      schemas: toJsonSchemaDefs(wireSchemas(limits), config),
      parameters: PARAMETERS,
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } },
    },
  };
  if (options.auth) doc.security = [{ bearerAuth: [] }];
  const mount = normaliseBasePath(options.mountPath ?? "");
  if (mount) doc.servers = [{ url: mount, description: "Where the host app mounted edgeproc." }];
  return doc;
}

const PARAMETERS: Json = {
  ProcessId: {
    name: "id",
    in: "path",
    required: true,
    description: "The process id, as `/start` returned it.",
    schema: { type: "string" },
    example: EXAMPLES.id,
  },
  CoderChatId: {
    name: "Coder-Chat-Id",
    in: "header",
    description: "The chat the request speaks for (a UUID); the request then sees only that chat's processes.",
    schema: { type: "string", format: "uuid" },
    example: EXAMPLES.chatId,
  },
  CoderAncestorChatIds: {
    name: "Coder-Ancestor-Chat-Ids",
    in: "header",
    description: "A JSON array of the chat's ancestor chat UUIDs; malformed means none.",
    schema: { type: "string" },
    example: JSON.stringify([EXAMPLES.chatId]),
  },
  LastEventId: {
    name: "Last-Event-ID",
    in: "header",
    description: "The cursor to resume from (the `id` of the last `output` event seen), when `cursor` is absent.",
    schema: { type: "string", pattern: NON_NEGATIVE_INTEGER.source },
    example: "38",
  },
};

const ref = (kind: "schemas" | "parameters", name: string) => ({ $ref: `#/components/${kind}/${name}` });

function operation(op: RouteOperation, config: ConversionConfig, auth: boolean): Json {
  const parameters: Json[] = [];
  if (op.path.includes("{id}")) parameters.push(ref("parameters", "ProcessId"));
  if (op.chatScoped) parameters.push(ref("parameters", "CoderChatId"), ref("parameters", "CoderAncestorChatIds"));
  if (op.lastEventId) parameters.push(ref("parameters", "LastEventId"));
  if (op.query) {
    const query = toJsonSchema(op.query.schema, config) as { properties?: Json; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      const required = query.required?.includes(name) ?? false;
      const example = op.query.example[name];
      parameters.push({ name, in: "query", required, description: op.query.describe[name], schema, example });
    }
  }
  const result: Json = { operationId: op.operationId, summary: op.summary, description: op.description };
  if (parameters.length > 0) result.parameters = parameters;
  if (op.body) result.requestBody = { required: true, content: media(op.body) };
  const responses: Json = { 200: { description: op.ok.description, content: media(op.ok) } };
  // Every route but the public one checks Host and Origin; every POST wants JSON (docs/api.md §6).
  const guarded: ErrorCode[] = op.public ? [] : ["forbidden_host", "forbidden_origin"];
  if (op.method === "post") guarded.push("unsupported_media_type");
  const codes: ErrorCode[] = [...op.errors, ...guarded, ...(auth && !op.public ? (["unauthorized"] as const) : [])];
  for (const [status, group] of byStatus(codes)) {
    const example = (code: ErrorCode) => op.errorExamples?.[code] ?? ERROR_EXAMPLES[code];
    const examples = Object.fromEntries(group.map((code) => [code, { value: example(code) }]));
    responses[status] = {
      description: group.map((code) => `\`${code}\``).join(", "),
      content: { "application/json": { schema: ref("schemas", "ErrorBody"), examples } },
    };
  }
  result.responses = responses;
  if (auth && op.public) result.security = [];
  return result;
}

function media(content: OperationContent): Json {
  const schema = typeof content.schema === "string" ? ref("schemas", content.schema) : content.schema;
  return { [content.contentType ?? "application/json"]: { schema, example: content.example } };
}

/** Error codes by HTTP status, the status taken from the one mapping the server answers with. */
function byStatus(codes: ErrorCode[]): [number, ErrorCode[]][] {
  const groups = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = errorStatus(code);
    groups.set(status, [...(groups.get(status) ?? []), code]);
  }
  return [...groups].sort(([a], [b]) => a - b);
}

/** How valibot becomes JSON Schema here: request shapes as clients send them (`typeMode: "input"`). */
function conversionConfig(): ConversionConfig {
  const signalCheck = SignalRequestSchema.entries.signal.pipe.find((item) => item.type === "check");
  return {
    target: "draft-2020-12",
    typeMode: "input",
    overrideRef: ({ referenceId }) => `#/components/schemas/${referenceId}`,
    overrideAction({ valibotAction, jsonSchema }) {
      // `nullish(string(), "")` then `nonEmpty`: null and absence both fail, so on the wire it is a non-empty string.
      if (valibotAction.type === "non_empty" && Array.isArray(jsonSchema.anyOf)) {
        const branch = (jsonSchema.anyOf as JsonSchema[]).find((s) => s.type !== "null");
        return { ...(branch as object), minLength: 1 };
      }
      // JSON Schema counts characters, not bytes: say it in words.
      if (valibotAction.type === "max_bytes" && "requirement" in valibotAction) {
        return { ...jsonSchema, description: `At most ${String(valibotAction.requirement)} bytes of UTF-8.` };
      }
      if (valibotAction === signalCheck) return { ...jsonSchema, enum: Object.keys(SIGNALS) };
      // The other checks (no NUL, env key rules) have no JSON Schema form; their messages say them in a 400.
      if (valibotAction.type === "check" || valibotAction.type === "raw_check") return jsonSchema;
      return undefined;
    },
    overrideSchema({ valibotSchema, jsonSchema }) {
      // `env` starts from the raw object (to refuse keys valibot's record would drop): its wire form, said here.
      if (valibotSchema.type === "custom") return envJsonSchema(valibotSchema as EnvPipe);
      if (valibotSchema.type !== "object" || !("entries" in valibotSchema)) return undefined;
      // Required = rejects a missing value, which also covers `nullish` fields whose default fails the pipe.
      const entries = valibotSchema.entries as Record<string, v.GenericSchema>;
      const required = Object.keys(entries).filter((key) => !v.safeParse(entries[key]!, undefined).success);
      const { required: _, ...rest } = jsonSchema;
      return required.length > 0 ? { ...rest, required } : rest;
    },
  };
}

/** The first schema of `env`'s pipe (wire/request-schemas.ts), which carries its entry limit. */
type EnvPipe = { maxEntries?: number };

/** The JSON Schema of `env`: what its checks enforce, in JSON Schema's words. */
function envJsonSchema(schema: EnvPipe): JsonSchema {
  const max = schema.maxEntries;
  return {
    type: "object",
    propertyNames: {
      minLength: 1,
      pattern: "^[^=\\u0000]+$",
      not: { enum: ["CODER_CHAT_ID", "__proto__", "constructor", "prototype"] },
    },
    additionalProperties: { type: "string", pattern: "^[^\\u0000]*$" },
    ...(typeof max === "number" ? { maxProperties: max } : {}),
  };
}
