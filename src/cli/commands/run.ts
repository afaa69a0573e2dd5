/**
 * `edgeproc run [--tty] [--timeout 30s] [--workdir DIR] [--env K=V]... -- CMD...`: starts a process, streams its
 * output live, and exits with its exit code; Ctrl-C interrupts its process group, a second one kills it.
 * @module
 */
import process from "node:process";
import type { EdgeprocClient } from "../../client/create-client.ts";
import type { StartInput } from "../../client/client-types.ts";
import { parseDuration } from "../../tools/duration.ts";
import type { WireSignal } from "../../wire/signals.ts";
import type { Command, OptionValues } from "./args.ts";
import { UsageError } from "./exit-codes.ts";
import { followStream } from "./follow-stream.ts";
import { commandLine, shellExitCode } from "./format.ts";
import { warn, writeOut } from "./write-out.ts";

/** The terminal size of a `--tty` process when stdout is not a terminal. */
const DEFAULT_SIZE = { cols: 80, rows: 24 };

/**
 * `run`: `POST /start`, then `GET /{id}/stream` from cursor 0 to the exit event.
 * @example
 * ```ts
 * const code = await runCommand.run(ctx); // the process's exit code
 * ```
 */
export const runCommand: Command = {
  name: "run",
  summary:
    "Run a command on the server, stream its output, exit with its exit code.\n" +
    "A process a signal ended exits 128+n (143 for SIGTERM), as in a shell.\n" +
    "The words after -- run as given, each quoted as needed (run -- echo 'a b' prints a b); a single word is a\n" +
    "command line of its own (run -- 'make && make test').\n" +
    "Ctrl-C sends interrupt to its process group, a second Ctrl-C sends kill.",
  usage: "run [--tty] [--timeout 30s] [--workdir DIR] [--env K=V]... [options] -- CMD [ARG]...",
  options: {
    tty: { type: "boolean", label: "--tty", help: "run on a pseudo-terminal of this terminal's size (else 80x24)" },
    timeout: { type: "string", label: "--timeout DURATION", help: "end it after this long (30s, 5m, 1h)" },
    workdir: { type: "string", label: "--workdir DIR", help: "its working directory (default: the server's)" },
    env: { type: "string", multiple: true, label: "--env K=V", help: "set a variable; repeat for more" },
  },
  async run({ client, json, values, positionals }) {
    if (positionals.length === 0) throw new UsageError("run needs a command, e.g. edgeproc run -- npm test");
    const request = startRequest(positionals, values);
    const interrupts = forwardInterrupts(client);
    try {
      const started = await client.start(request);
      if (json) await writeOut(`${JSON.stringify(started)}\n`);
      interrupts.started(started.id);
      const exit = await followStream(client, started.id, { json });
      if (exit.timed_out && !json) await warn(`${started.id} timed out after ${values.timeout}`);
      return shellExitCode(exit);
    } finally {
      interrupts.stop();
    }
  },
};

function startRequest(words: string[], values: OptionValues): StartInput {
  const request: StartInput = { command: commandLine(words) };
  if (values.tty === true) {
    const { stdout } = process;
    const size = stdout.isTTY && stdout.columns > 0 ? { cols: stdout.columns, rows: stdout.rows } : DEFAULT_SIZE;
    Object.assign(request, { tty: true }, size);
  }
  if (typeof values.timeout === "string") {
    let ms: number;
    try {
      ms = parseDuration(values.timeout);
    } catch (err) {
      throw new UsageError(`--timeout: ${(err as Error).message}`);
    }
    if (!(ms >= 1)) throw new UsageError(`--timeout must be at least 1ms, got ${values.timeout}`);
    request.timeout_ms = Math.round(ms);
  }
  if (typeof values.workdir === "string") request.workdir = values.workdir;
  if (Array.isArray(values.env)) {
    const env: Record<string, string> = {};
    for (const entry of values.env) {
      const eq = entry.indexOf("=");
      if (eq < 1) throw new UsageError(`--env takes K=V, got ${JSON.stringify(entry)}`);
      env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
    request.env = env;
  }
  return request;
}

/**
 * Ctrl-C while a process runs: the first sends `interrupt` to its group, the second `kill`, a third leaves at once
 * (exit 130) in case the server no longer answers. Until `started`, presses are held and sent once the id is known.
 */
function forwardInterrupts(client: EdgeprocClient): { started(id: string): void; stop(): void } {
  let id: string | undefined;
  let presses = 0;
  let sent = 0;
  const send = () => {
    while (id !== undefined && sent < Math.min(presses, 2)) {
      const signal: WireSignal = ++sent === 1 ? "interrupt" : "kill";
      const note = sent === 1 ? " (Ctrl-C again to kill it)" : "";
      void warn(`sending ${signal} to ${id}${note}`);
      client.signal(id, signal).catch((err: Error) => void warn(`cannot send ${signal} to ${id}: ${err.message}`));
    }
  };
  const onSigint = () => {
    if (++presses > 2) process.exit(128 + 2);
    send();
  };
  process.on("SIGINT", onSigint);
  return {
    started(startedId) {
      id = startedId;
      send();
    },
    stop: () => void process.off("SIGINT", onSigint),
  };
}
