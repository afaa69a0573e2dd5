/**
 * The client subcommands of the `edgeproc` bin (`ps`, `run`, `logs`, `kill`, `rm`): parse the arguments, build the
 * typed client, run the command, and turn a failure into one line on stderr and an exit code (exit-codes.ts).
 * @module
 */
import process from "node:process";
import { createClient } from "../../client/create-client.ts";
import { type Command, commandHelp, GLOBAL_OPTIONS, parseCommandArgs } from "./args.ts";
import { describeFailure, EXIT, EXIT_CODE_HELP, RUN_EXIT_HELP, UsageError } from "./exit-codes.ts";
import { killCommand, rmCommand } from "./kill.ts";
import { logsCommand } from "./logs.ts";
import { psCommand } from "./ps.ts";
import { runCommand } from "./run.ts";
import { warn, writeOut } from "./write-out.ts";

/** The client subcommands, by name. */
export const CLIENT_COMMANDS: Readonly<Record<string, Command>> = {
  ps: psCommand,
  run: runCommand,
  logs: logsCommand,
  kill: killCommand,
  rm: rmCommand,
};

/** The commands that take a process ID, for the "no process ID" message of a 404. */
const TAKES_ID = new Set(["logs", "kill", "rm"]);

/**
 * Whether `name` is a client subcommand (else the bin serves, as it always did).
 * @example
 * ```ts
 * isClientCommand("ps"); // true
 * isClientCommand("--port"); // false
 * ```
 */
export function isClientCommand(name: string | undefined): boolean {
  return name !== undefined && Object.hasOwn(CLIENT_COMMANDS, name);
}

/**
 * Runs client subcommand `name` with `argv` (what follows it) and resolves with the exit code; prints its help
 * for `--help`, its usage for bad usage (64).
 * @example
 * ```ts
 * process.exitCode = await runClientCommand("ps", ["-a"], "edgeproc");
 * ```
 */
export async function runClientCommand(name: string, argv: string[], invokedAs: string): Promise<number> {
  const command = CLIENT_COMMANDS[name]!;
  let url: string | undefined;
  let id: string | undefined;
  try {
    const args = parseCommandArgs(command, argv, process.env);
    url = args.url;
    if (args.help) {
      await writeOut(`${commandHelp(command, invokedAs)}\n${exitCodeHelp()}`);
      return EXIT.ok;
    }
    if (TAKES_ID.has(name) && args.positionals.length === 1) id = args.positionals[0];
    const client = createClient({ baseUrl: args.url, token: args.token, chatId: args.chatId });
    const { json, values, positionals } = args;
    return await command.run({ client, url: args.url, json, values, positionals });
  } catch (err) {
    const failure = describeFailure(err, url ?? "the server", id);
    await warn(failure.message);
    if (err instanceof UsageError) {
      await writeOut(`Usage: ${invokedAs} ${command.usage}\nSee: ${invokedAs} ${name} --help\n`, process.stderr);
    }
    return failure.exitCode;
  }
}

/** The exit code table of the help texts. */
function exitCodeHelp(): string {
  const rows = EXIT_CODE_HELP.map(([code, when]) => `  ${String(code).padEnd(4)}${when}`);
  return `Exit codes:\n${rows.join("\n")}\n${RUN_EXIT_HELP}\n`;
}

/**
 * The part of `edgeproc --help` after the server's flags: the subcommands, their global options, the exit codes.
 * @example
 * ```ts
 * console.log(helpText("edgeproc") + commandsHelp("edgeproc"));
 * ```
 */
export function commandsHelp(invokedAs: string): string {
  const rows = [
    ["serve", "serve the API (what the bare command does; the flags above)"],
    ...Object.values(CLIENT_COMMANDS).map((c) => [c.name, c.summary.split("\n")[0]!]),
  ];
  const width = Math.max(...Object.values(GLOBAL_OPTIONS).map((o) => o.label.length)) + 2;
  const options = Object.values(GLOBAL_OPTIONS).map((o) => `  ${o.label.padEnd(width)}${o.help}`);
  return (
    `\nCommands (${invokedAs} COMMAND --help for each):\n` +
    `${rows.map(([usage, summary]) => `  ${usage!.padEnd(width)}${summary}`).join("\n")}\n\n` +
    `Options of the client commands:\n${options.join("\n")}\n\n${exitCodeHelp()}`
  );
}
