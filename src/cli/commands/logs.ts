/**
 * `edgeproc logs [-f] [--since-cursor N] ID`: the output of a process so far, and with `-f` what follows until it
 * exits.
 * @module
 */
import type { EdgeprocClient } from "../../client/create-client.ts";
import { type Command, oneId } from "./args.ts";
import { UsageError } from "./exit-codes.ts";
import { followStream } from "./follow-stream.ts";
import { warn, writeOut } from "./write-out.ts";

/** The most bytes one cursor read asks for (the server's default, docs/api.md §4.5). */
const READ_LIMIT = 65536;

/**
 * `logs`: cursor reads of `GET /{id}/output` from N (default 0) to the end, then with `-f` the stream to the exit.
 * @example
 * ```ts
 * await logsCommand.run(ctx); // 0
 * ```
 */
export const logsCommand: Command = {
  name: "logs",
  summary:
    "Print the output of a process so far; with -f, follow it until the process exits.\n" +
    "Bytes older than the server keeps are reported on stderr.",
  usage: "logs [-f] [--since-cursor N] [options] ID",
  options: {
    follow: { type: "boolean", short: "f", label: "-f, --follow", help: "follow the output until the process exits" },
    "since-cursor": { type: "string", label: "--since-cursor N", help: "start at byte offset N (default 0)" },
  },
  async run({ client, json, values, positionals }) {
    const id = oneId(positionals, "logs");
    let cursor = 0;
    if (typeof values["since-cursor"] === "string") {
      const raw = values["since-cursor"];
      if (!/^\d{1,15}$/.test(raw)) throw new UsageError(`--since-cursor must be a non-negative integer, got ${raw}`);
      cursor = Number(raw);
    }
    cursor = await readAll(client, id, cursor, json);
    if (values.follow === true) await followStream(client, id, { cursor, json });
    return 0;
  },
};

/** Cursor reads from `cursor` until the answer's `next_cursor` reaches its `total_bytes`; resolves with the end. */
async function readAll(client: EdgeprocClient, id: string, from: number, json: boolean): Promise<number> {
  let cursor = from;
  for (;;) {
    const read = await client.output(id, { cursor, limit: READ_LIMIT });
    if (json) await writeOut(`${JSON.stringify(read)}\n`);
    else {
      if (read.gap_bytes) await warn(`${read.gap_bytes} bytes of output are lost (older than the server keeps)`);
      await writeOut(read.output);
    }
    const next = read.next_cursor ?? read.total_bytes;
    // A read that did not move (a cursor past the end is clamped) has nothing more to give.
    if (next >= read.total_bytes || next <= cursor) return Math.max(next, cursor);
    cursor = next;
  }
}
