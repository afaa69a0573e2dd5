/**
 * The shape of a client subcommand and the parsing of its arguments: its own options plus the global ones
 * (`--url`, `--token`, `--chat`, `--json`, `--help`), on `node:util` `parseArgs`, which Node, Bun and Deno share.
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import type { EdgeprocClient } from "../../client/create-client.ts";
import { DEFAULT_HOST, DEFAULT_PORT } from "../server-config.ts";
import { UsageError } from "./exit-codes.ts";

/** The server a client subcommand talks to unless `--url` or `EDGEPROC_URL` says otherwise. */
export const DEFAULT_URL = `http://${DEFAULT_HOST}:${DEFAULT_PORT}`;

/** One option of a subcommand, as `parseArgs` takes it, plus its help line. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** e.g. `-s, --signal NAME`. */
  label: string;
  help: string;
}

/** The values of the parsed options: a string, a flag, or the strings of a `multiple` option. */
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

/** What a subcommand's `run` gets. */
export interface CommandContext {
  client: EdgeprocClient;
  /** The server's root URL, for messages. */
  url: string;
  /** `--json`: print the API's JSON answers rather than text. */
  json: boolean;
  values: OptionValues;
  positionals: string[];
}

/** A client subcommand. */
export interface Command {
  name: string;
  /** One line for the command list of `edgeproc --help`. */
  summary: string;
  /** The usage line after `edgeproc `, e.g. `kill [-s SIGNAL] ID`. */
  usage: string;
  options: Record<string, OptionSpec>;
  /** Resolves with the exit code. */
  run(ctx: CommandContext): Promise<number>;
}

/** The options every client subcommand takes. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  url: { type: "string", label: "--url URL", help: `the server (EDGEPROC_URL; default ${DEFAULT_URL})` },
  token: { type: "string", label: "--token TOKEN", help: "bearer token (EDGEPROC_TOKEN)" },
  chat: { type: "string", label: "--chat ID", help: "act as chat ID, a UUID (the Coder-Chat-Id header)" },
  json: { type: "boolean", label: "--json", help: "print the API's JSON answers" },
  help: { type: "boolean", short: "h", label: "-h, --help", help: "print this and exit" },
};

/** The parsed arguments of a subcommand, with the global options resolved against the environment. */
export interface ParsedArgs {
  url: string;
  token?: string;
  chatId?: string;
  json: boolean;
  help: boolean;
  values: OptionValues;
  positionals: string[];
}

/**
 * Parses `argv` (what follows the subcommand's name) with the command's options and the global ones; everything
 * after `--` is positional.
 * @throws {UsageError} for an unknown option or a missing value.
 * @example
 * ```ts
 * const args = parseCommandArgs(psCommand, ["-a", "--json"], process.env);
 * ```
 */
export function parseCommandArgs(
  command: Command,
  argv: string[],
  env: Record<string, string | undefined> = process.env,
): ParsedArgs {
  const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries({ ...GLOBAL_OPTIONS, ...command.options })) {
    options[name] = { type: spec.type };
    if (spec.short) options[name].short = spec.short;
    if (spec.multiple) options[name].multiple = true;
  }
  let parsed: { values: OptionValues; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (err) {
    // parseArgs names the option in its message ("Unknown option '--x'"); the rest of it is about parseArgs.
    throw new UsageError((err as Error).message.split(". ")[0]!.replace(/\.$/, ""));
  }
  const { values, positionals } = parsed;
  const pick = (flag: unknown, variable: string | undefined) =>
    typeof flag === "string" ? flag : variable !== undefined && variable !== "" ? variable : undefined;
  const url = pick(values.url, env.EDGEPROC_URL) ?? DEFAULT_URL;
  if (!/^https?:\/\/[^/]/.test(url)) throw new UsageError(`--url must be an http:// or https:// URL, got ${url}`);
  return {
    url: url.replace(/\/+$/, ""),
    token: pick(values.token, env.EDGEPROC_TOKEN),
    chatId: typeof values.chat === "string" ? values.chat : undefined,
    json: values.json === true,
    help: values.help === true,
    values,
    positionals,
  };
}

/**
 * The `--help` text of a subcommand: usage, options, global options.
 * @example
 * ```ts
 * console.log(commandHelp(psCommand, "edgeproc"));
 * ```
 */
export function commandHelp(command: Command, invokedAs: string): string {
  const rows = (specs: Record<string, OptionSpec>) => Object.values(specs).map((s) => [s.label, s.help] as const);
  const all = [...rows(command.options), ...rows(GLOBAL_OPTIONS)];
  const width = Math.max(...all.map(([label]) => label.length)) + 2;
  const lines = (list: (readonly [string, string])[]) => list.map(([l, h]) => `  ${l.padEnd(width)}${h}`).join("\n");
  const own = rows(command.options);
  return (
    `Usage: ${invokedAs} ${command.usage}\n\n${command.summary}\n\n` +
    (own.length > 0 ? `Options:\n${lines(own)}\n\n` : "") +
    `Global options:\n${lines(rows(GLOBAL_OPTIONS))}\n`
  );
}

/**
 * The one process ID a subcommand takes.
 * @throws {UsageError} when there is none, or more than one.
 * @example
 * ```ts
 * const id = oneId(ctx.positionals, "logs");
 * ```
 */
export function oneId(positionals: string[], name: string): string {
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? `${name} needs a process ID` : `${name} takes one process ID`);
  }
  return positionals[0]!;
}
