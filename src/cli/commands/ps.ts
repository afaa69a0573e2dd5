/**
 * `edgeproc ps [-a]`: the processes of the server as a table, running ones only unless `-a`.
 * @module
 */
import process from "node:process";
import type { Command } from "./args.ts";
import { UsageError } from "./exit-codes.ts";
import { processTable } from "./format.ts";
import { writeOut } from "./write-out.ts";

/** The most records `/list` answers (docs/api.md §5), so `ps` shows them all. */
const LIST_LIMIT = 1000;

/**
 * `ps`: `GET /list?stats=true` (with `running=true` unless `-a`), printed as ID, PID, STATE, AGE, CPU, COMMAND.
 * @example
 * ```ts
 * await psCommand.run(ctx); // 0
 * ```
 */
export const psCommand: Command = {
  name: "ps",
  summary: "List the running processes (with -a, the exited ones too).",
  usage: "ps [-a] [options]",
  options: { all: { type: "boolean", short: "a", label: "-a, --all", help: "show exited processes too" } },
  async run({ client, json, values, positionals }) {
    if (positionals.length > 0) {
      throw new UsageError(`ps takes no arguments, got ${JSON.stringify(positionals[0])}`);
    }
    const all = values.all === true;
    const list = await client.list({ stats: true, limit: LIST_LIMIT, running: all ? undefined : true });
    if (json) {
      await writeOut(`${JSON.stringify(list)}\n`);
      return 0;
    }
    await writeOut(processTable(list.processes, process.stdout.columns || 120));
    return 0;
  },
};
