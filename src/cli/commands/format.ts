/**
 * Text of the client subcommands: the columns of `edgeproc ps`, the exit code of a process as a shell reports it,
 * and the quoting that turns the words after `--` into one shell command line.
 * @module
 */
import type { ProcessInfo } from "../../wire/response-schemas.ts";

/** POSIX signal numbers (Linux), for the 128+n exit code of a process a signal ended. */
const SIGNAL_NUMBERS: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
};

/**
 * The exit code a shell gives a process: its own code, or 128+n when signal n ended it (1 for a signal not known).
 * @example
 * ```ts
 * shellExitCode({ exit_code: -1, signal: "SIGTERM" }); // 143
 * ```
 */
export function shellExitCode(exit: { exit_code?: number; signal?: string }): number {
  if (exit.signal) {
    const n = SIGNAL_NUMBERS[exit.signal];
    return n === undefined ? 1 : 128 + n;
  }
  return exit.exit_code !== undefined && exit.exit_code >= 0 ? exit.exit_code : 1;
}

/**
 * `5s`, `3m`, `2h`, `4d`: how long ago `sinceMs` was, in the unit `docker ps` would use.
 * @example
 * ```ts
 * formatAge(Date.now() - 90_000); // "1m"
 * ```
 */
export function formatAge(sinceMs: number, nowMs: number = Date.now()): string {
  const s = Math.max(0, Math.floor((nowMs - sinceMs) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/**
 * CPU milliseconds as `0.0s`, `1.2s`, `3.5m`; `-` when not known (an exited group).
 * @example
 * ```ts
 * formatCpu(1234); // "1.2s"
 * ```
 */
export function formatCpu(cpuMs: number | undefined): string {
  if (cpuMs === undefined) return "-";
  if (cpuMs < 60_000) return `${(cpuMs / 1000).toFixed(1)}s`;
  if (cpuMs < 3_600_000) return `${(cpuMs / 60_000).toFixed(1)}m`;
  return `${(cpuMs / 3_600_000).toFixed(1)}h`;
}

/**
 * The STATE column: `running`, `exited N`, `signal NAME` (without `SIG`), or `timed out`.
 * @example
 * ```ts
 * formatState({ running: false, exit_code: -1, signal: "SIGKILL", timed_out: false }); // "signal KILL"
 * ```
 */
export function formatState(p: Pick<ProcessInfo, "running" | "exit_code" | "signal" | "timed_out">): string {
  if (p.running) return "running";
  if (p.timed_out) return "timed out";
  if (p.signal) return `signal ${p.signal.replace(/^SIG/, "")}`;
  return `exited ${p.exit_code ?? "?"}`;
}

/**
 * The `ps` table: ID, PID, STATE, AGE, CPU, COMMAND, with the command cut so a line fits `width` columns.
 * @example
 * ```ts
 * process.stdout.write(processTable(list.processes, 100));
 * ```
 */
export function processTable(processes: readonly ProcessInfo[], width: number, nowMs: number = Date.now()): string {
  const header = ["ID", "PID", "STATE", "AGE", "CPU"];
  const rows = processes.map((p) => [
    p.id,
    String(p.pid),
    formatState(p),
    formatAge(p.started_at_ms, nowMs),
    formatCpu(p.cpu_ms),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const pad = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]! + 3)).join("");
  const room = Math.max(20, width - widths.reduce((sum, w) => sum + w + 3, 0));
  const lines = [pad(header) + "COMMAND"];
  processes.forEach((p, i) => lines.push(pad(rows[i]!) + cut(p.command.replace(/\s+/g, " "), room)));
  return `${lines.map((line) => line.trimEnd()).join("\n")}\n`;
}

function cut(text: string, room: number): string {
  return text.length <= room ? text : `${text.slice(0, room - 1)}…`;
}

/**
 * One shell word: as is when it holds only safe characters, else in single quotes (`'` written as `'\''`).
 * @example
 * ```ts
 * shellQuote("a b"); // "'a b'"
 * ```
 */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The shell command line that runs `words`: several words run as given (`["echo", "a b"]` is `echo 'a b'`); one
 * word is a command line already, as `sh -c` and `ssh host` take it (`run -- 'make && make test'`).
 * @example
 * ```ts
 * commandLine(["sh", "-c", "echo hi; exit 3"]); // "sh -c 'echo hi; exit 3'"
 * commandLine(["npm test && echo ok"]); // "npm test && echo ok"
 * ```
 */
export function commandLine(words: readonly string[]): string {
  return words.length === 1 ? words[0]! : words.map(shellQuote).join(" ");
}
