/**
 * `edgeproc kill [-s SIGNAL] ID` and `edgeproc rm ID`: signal a process group and wait for it to be gone; forget an
 * exited process.
 * @module
 */
import { EdgeprocError } from "../../client/client-error.ts";
import { parseDuration } from "../../tools/duration.ts";
import type { SignalResponse } from "../../wire/response-schemas.ts";
import { SIGNALS, type WireSignal } from "../../wire/signals.ts";
import { type Command, oneId } from "./args.ts";
import { EXIT, UsageError } from "./exit-codes.ts";
import { writeOut } from "./write-out.ts";

/** How long `kill` waits for the group to be gone unless `--wait` says otherwise. */
const DEFAULT_WAIT = "5s";
/** The longest signal wait of the API (docs/api.md §5). */
const MAX_WAIT_MS = 60_000;

/**
 * `kill`: `POST /{id}/signal` with `wait_ms`; exit 0 once the group is gone, 1 while members survive.
 * @example
 * ```ts
 * await killCommand.run(ctx); // 0: gone
 * ```
 */
export const killCommand: Command = {
  name: "kill",
  summary:
    "Signal a process group, wait for it to be gone and report survivors.\n" +
    "The signal is terminate unless -s says otherwise; the wait is 5s unless --wait does.\n" +
    "Exits 0 when the group is gone, 1 when members are still alive.",
  usage: "kill [-s terminate|kill|interrupt|hangup] [--wait 5s] [options] ID",
  options: {
    signal: { type: "string", short: "s", label: "-s, --signal NAME", help: "terminate, kill, interrupt or hangup" },
    wait: { type: "string", label: "--wait DURATION", help: `how long to wait for the group (${DEFAULT_WAIT})` },
  },
  async run({ client, json, values, positionals }) {
    const id = oneId(positionals, "kill");
    const signal = (typeof values.signal === "string" ? values.signal : "terminate") as WireSignal;
    if (!(signal in SIGNALS)) {
      throw new UsageError(`-s takes terminate, kill, interrupt or hangup, got ${JSON.stringify(signal)}`);
    }
    const waitMs = waitOption(typeof values.wait === "string" ? values.wait : DEFAULT_WAIT);
    let answer: SignalResponse;
    try {
      answer = await client.signal(id, signal, { waitMs });
    } catch (err) {
      // Its group is already gone, which is what kill is for (docs/api.md §4.4: 409 not_running).
      if (!(err instanceof EdgeprocError && err.code === "not_running")) throw err;
      await writeOut(json ? `${JSON.stringify(err.body)}\n` : `${id}: already exited; the process group is gone\n`);
      return EXIT.ok;
    }
    const survivors = answer.survivors ?? [];
    const gone = answer.exited === true && survivors.length === 0;
    if (json) await writeOut(`${JSON.stringify(answer)}\n`);
    else if (gone) await writeOut(`${id}: ${signal} sent; the process group is gone\n`);
    else if (survivors.length > 0) {
      await writeOut(`${id}: ${signal} sent; still alive after ${waitMs} ms: ${survivors.join(" ")}\n`);
    } else await writeOut(`${id}: ${signal} sent; still running after ${waitMs} ms\n`);
    return gone ? EXIT.ok : EXIT.failure;
  },
};

function waitOption(raw: string): number {
  let ms: number;
  try {
    ms = parseDuration(raw);
  } catch (err) {
    throw new UsageError(`--wait: ${(err as Error).message}`);
  }
  if (!(ms >= 0 && ms <= MAX_WAIT_MS)) throw new UsageError(`--wait must be between 0s and 60s, got ${raw}`);
  return Math.round(ms);
}

/**
 * `rm`: `DELETE /{id}`; a process still running is a 409, reported with the `kill` to run first.
 * @example
 * ```ts
 * await rmCommand.run(ctx); // 0
 * ```
 */
export const rmCommand: Command = {
  name: "rm",
  summary: "Forget an exited process and its output.",
  usage: "rm [options] ID",
  options: {},
  async run({ client, json, positionals }) {
    const id = oneId(positionals, "rm");
    const answer = await client.delete(id);
    await writeOut(json ? `${JSON.stringify(answer)}\n` : `${id}: deleted\n`);
    return EXIT.ok;
  },
};
