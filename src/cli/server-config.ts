/**
 * The server's settings from flags and environment variables (docs/api.md §6): every limit, plus host, port, workdir,
 * base path and token. Pure: the entry files pass `argv` and `env` in.
 * @module
 */
import type { ProcessApiOptions } from "../create-process-api.ts";
import { DEFAULT_LIMITS, resolveLimits, type Limits } from "../core/limits.ts";
import { checkOutputBudget } from "../output/output-budget.ts";
import { DEFAULT_BASE_PATH } from "../wire/base-path.ts";

/** Where a server listens unless told: loopback only, so nothing outside the machine reaches it by default. */
export const DEFAULT_HOST = "127.0.0.1";
/** The port a server listens on unless told. */
export const DEFAULT_PORT = 7070;

/** What a server entry needs to listen and build the API. */
export interface ServerConfig {
  host: string;
  port: number;
  api: ProcessApiOptions;
  help: boolean;
  /** `--version`: print the package version and exit. */
  version: boolean;
  /** No access log on stderr (`--quiet`, `EDGEPROC_QUIET=1`). */
  quiet: boolean;
}

/** The flag of each limit; its variable is `EDGEPROC_` + the flag in upper snake case. */
const LIMIT_FLAGS: Record<keyof Limits, string> = {
  maxBodyBytes: "max-body-bytes",
  maxCommandBytes: "max-command-bytes",
  maxEnvEntries: "max-env-entries",
  maxRunning: "max-processes",
  maxWaitMs: "max-wait-ms",
  headBytes: "head-bytes",
  tailBytes: "tail-bytes",
  windowBytes: "window-bytes",
  retentionMs: "retention-ms",
  maxExitedRecords: "max-exited",
  pipeGraceMs: "pipe-grace-ms",
  killGraceMs: "kill-grace-ms",
  maxStdinBytes: "max-stdin-bytes",
  maxStdinQueueBytes: "max-stdin-queue-bytes",
  maxOutputBytes: "max-output-bytes",
  requestTimeoutMs: "request-timeout-ms",
};

const STRING_FLAGS = { host: "host", workdir: "workdir", "base-path": "basePath", token: "token" } as const;
/** Comma-separated lists (docs/api.md §6): who may reach the server from a browser, and by which names. */
const LIST_FLAGS = { "allowed-origins": "allowedOrigins", "allowed-hosts": "allowedHosts" } as const;

/** A flag or variable the server cannot use; the entry prints it and exits with status 2. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const envName = (flag: string) => `EDGEPROC_${flag.toUpperCase().replaceAll("-", "_")}`;

/**
 * Parses `--flag value`, `--flag=value` and `EDGEPROC_*` variables; flags win over variables.
 * @throws {ConfigError} for an unknown flag or a value that is not a non-negative integer where one is needed.
 * @example
 * ```ts
 * const config = parseServerConfig(["--port", "8080"], { EDGEPROC_MAX_PROCESSES: "16" });
 * ```
 */
export function parseServerConfig(argv: string[], env: Record<string, string | undefined>): ServerConfig {
  const flags = new Map<string, string>();
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") {
      help = true;
      continue;
    }
    if (arg === "--version") {
      version = true;
      continue;
    }
    if (arg === "--quiet") {
      flags.set("quiet", "1");
      continue;
    }
    if (!arg.startsWith("--")) throw new ConfigError(`Unexpected argument ${JSON.stringify(arg)}; see --help.`);
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (!isKnownFlag(name)) throw new ConfigError(`Unknown flag --${name}; see --help.`);
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new ConfigError(`Flag --${name} needs a value.`);
    flags.set(name, value);
  }
  const get = (flag: string, ...vars: string[]) =>
    flags.get(flag) ?? [envName(flag), ...vars].map((v) => env[v]).find((v) => v !== undefined && v !== "");
  const limits: Partial<Limits> = {};
  for (const [key, flag] of Object.entries(LIMIT_FLAGS) as [keyof Limits, string][]) {
    const raw = get(flag);
    if (raw !== undefined) limits[key] = integer(flag, raw, 0);
  }
  const tooSmall = checkOutputBudget(resolveLimits(limits));
  if (tooSmall) throw new ConfigError(`${tooSmall} Raise --max-output-bytes or lower --max-processes.`);
  const api: ProcessApiOptions = { limits };
  for (const [flag, key] of Object.entries(STRING_FLAGS)) {
    const raw = get(flag);
    if (raw !== undefined && key !== "host") api[key] = raw;
  }
  // An empty variable is ignored elsewhere, but an empty token would silently mean "no auth": refuse it.
  const token = flags.get("token") ?? env.EDGEPROC_TOKEN;
  if (token !== undefined && token.trim() === "") {
    throw new ConfigError(
      "--token (or EDGEPROC_TOKEN) is empty or blank; give a real token, or leave it out for none.",
    );
  }
  for (const [flag, key] of Object.entries(LIST_FLAGS)) {
    const raw = get(flag);
    if (raw !== undefined) api[key] = raw.split(",").map((item) => item.trim()).filter((item) => item !== "");
  }
  const port = integer("port", get("port", "PORT") ?? String(DEFAULT_PORT), 0);
  if (port > 65535) throw new ConfigError(`--port must be at most 65535, got ${port}.`);
  return { host: get("host") ?? DEFAULT_HOST, port, api, help, version, quiet: boolean("quiet", get("quiet")) };
}

function isKnownFlag(name: string): boolean {
  return (
    name === "port" ||
    name === "quiet" ||
    name in STRING_FLAGS ||
    name in LIST_FLAGS ||
    Object.values(LIMIT_FLAGS).includes(name)
  );
}

function integer(flag: string, raw: string, min: number): number {
  if (!/^\d{1,15}$/.test(raw) || Number(raw) < min) {
    throw new ConfigError(`--${flag} (or ${envName(flag)}) must be a non-negative integer, got ${JSON.stringify(raw)}.`);
  }
  return Number(raw);
}

function boolean(flag: string, raw: string | undefined): boolean {
  if (raw === undefined || /^(0|false)$/i.test(raw)) return false;
  if (/^(1|true)$/i.test(raw)) return true;
  throw new ConfigError(`--${flag} (or ${envName(flag)}) must be 1, true, 0 or false, got ${JSON.stringify(raw)}.`);
}

/**
 * The `--help` text: every flag with its variable and default.
 * @example
 * ```ts
 * console.log(helpText("bun run src/cli/bun.ts"));
 * ```
 */
export function helpText(command: string): string {
  const rows: [string, string, string][] = [
    ["--port N", "PORT, EDGEPROC_PORT", String(DEFAULT_PORT)],
    ["--host ADDR", "EDGEPROC_HOST", DEFAULT_HOST],
    ["--workdir DIR", "EDGEPROC_WORKDIR", "$HOME"],
    ["--base-path PATH", "EDGEPROC_BASE_PATH", DEFAULT_BASE_PATH],
    ["--token TOKEN", "EDGEPROC_TOKEN", "(none: no auth; empty refuses to start)"],
    ["--allowed-origins LIST", "EDGEPROC_ALLOWED_ORIGINS", "(none: every Origin is 403)"],
    ["--allowed-hosts LIST", "EDGEPROC_ALLOWED_HOSTS", "(loopback and the --host address only)"],
    ["--quiet", "EDGEPROC_QUIET=1", "off (the access log: one JSON line per request on stderr)"],
  ];
  for (const [key, flag] of Object.entries(LIMIT_FLAGS) as [keyof Limits, string][]) {
    rows.push([`--${flag} N`, envName(flag), String(DEFAULT_LIMITS[key])]);
  }
  const width = Math.max(...rows.map((r) => r[0].length)) + 2;
  const vwidth = Math.max(...rows.map((r) => r[1].length)) + 2;
  const lines = rows.map(([f, v, d]) => `  ${f.padEnd(width)}${v.padEnd(vwidth)}default ${d}`);
  lines.push(`  ${"--help, -h".padEnd(width)}print this and exit`);
  lines.push(`  ${"--version".padEnd(width)}print the version and exit`);
  return `Usage: ${command} [flags]\n\nedgeproc: an HTTP process API for AI agents.\n\n${lines.join("\n")}\n`;
}
