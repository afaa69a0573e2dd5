/**
 * `defineTool`: the one place where a tool's arguments are described (JSON Schema) and checked (valibot), so each
 * tool is only its behaviour.
 * @module
 */
import type * as v from "valibot";
import type { AgentTool, ToolCallContext } from "./agent-tool.ts";
import { toolError, type ToolResult } from "./tool-result.ts";
import { argsJsonSchema, parseArgs } from "./tool-schemas.ts";

/**
 * A tool whose `run` checks its arguments with `schema` and answers a bad one as a text error, then calls `handle`.
 * @example
 * ```ts
 * const tool = defineTool("process_list", "List processes.", ProcessListArgsSchema, async (_args, context) =>
 *   toolValue(await client.list({ signal: context.signal })),
 * );
 * ```
 */
export function defineTool<Name extends string, S extends v.GenericSchema, Result>(
  name: Name,
  description: string,
  schema: S,
  handle: (args: v.InferOutput<S>, context: ToolCallContext) => Promise<ToolResult<Result>>,
): AgentTool<Name, Result> {
  return {
    name,
    description,
    inputSchema: argsJsonSchema(schema),
    async run(args, context = {}) {
      const parsed = parseArgs(schema, args);
      if ("error" in parsed) return toolError(parsed.error);
      return handle(parsed.value, context);
    },
  };
}
