/**
 * A terminal for runtimes without one (Node, Deno): `script(1)` from util-linux, in every Debian and Ubuntu image
 * (package bsdutils, essential), makes the pseudo-terminal and copies between it and plain pipes of ours.
 *
 * The runtime's own pipe spawner runs `exec script -q -e -c PRELUDE /dev/null` exactly as it runs any command (its
 * own session, output on one pipe, stdin on another). script forks a child that leads a new session with the
 * terminal as its controlling tty and runs `$SHELL -c PRELUDE`; with `SHELL=/bin/sh` the prelude sets the size on
 * the terminal (`stty`, the only way in: script sizes it 0x0 when its own stdin is no terminal), puts the request's
 * `SHELL` back and execs `sh -c command`: the command's shell is that session's leader, and its group is the one
 * tracked, signalled and watched, as the pipe spawners' shell is.
 *
 * What differs from a pipe spawn, and why:
 * - **Exit status.** script reports a child killed by signal n as exit code 128+n. A status of 128+n after this
 *   spawner delivered signal n to the group (or, for SIGINT, after a Ctrl-C was typed) reads as that signal; any
 *   other stays an exit code.
 * - **Group identity.** The shell is script's child, not ours: its pid names our group while script lives (script
 *   exits as soon as it reaps the shell), and the group handle's proof after the shell's exit applies as for pipes.
 * - **Resize** is `stty -F /dev/pts/N` on the session's terminal (TIOCSWINSZ; the kernel sends SIGWINCH).
 * - **The leader's pid** is the prelude's first line of output (`echo $$`), which the spawner reads and removes
 *   before the command runs, so even a command that exits at once is tracked.
 * @module
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import {
  type ExitStatus,
  type SignalName,
  type SpawnedProcess,
  type Spawner,
  type SpawnRequest,
  SpawnError,
  type TtySize,
  TtyUnavailableError,
} from "../../core/spawner.ts";
import { spawnedProcess } from "./group-handle.ts";
import { SHELL } from "./shell.ts";

/** Where util-linux installs `script`. */
const SCRIPT_PATHS = ["/usr/bin/script", "/bin/script"];
/** How long script may take to fork the session's shell before the start fails. */
const LEADER_TIMEOUT_MS = 5000;
const COMMAND_VAR = "EDGEPROC_TTY_COMMAND";
const SHELL_VAR = "EDGEPROC_TTY_SHELL";
const SIGNAL_NUMBERS: Record<SignalName, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/**
 * `script(1)`'s path on this machine, or `null`.
 * @example
 * ```ts
 * findScript(); // "/usr/bin/script"
 * ```
 */
export function findScript(): string | null {
  return SCRIPT_PATHS.find((path) => existsSync(path)) ?? null;
}

/**
 * `pipes` with terminal spawns through `script` at `scriptPath` (`null`: a terminal is refused with
 * {@link TtyUnavailableError}, as where util-linux is missing).
 * @example
 * ```ts
 * const spawner = withScriptTty(pipeSpawner, findScript());
 * ```
 */
export function withScriptTty(pipes: Spawner, scriptPath: string | null): Spawner {
  return {
    name: pipes.name,
    spawn: (request) => (request.tty ? spawnOnTerminal(pipes, scriptPath, request, request.tty) : pipes.spawn(request)),
  };
}

async function spawnOnTerminal(
  pipes: Spawner,
  scriptPath: string | null,
  request: SpawnRequest,
  size: TtySize,
): Promise<SpawnedProcess> {
  if (!scriptPath) {
    throw new TtyUnavailableError(
      "No terminal on this machine: script(1) from util-linux is not installed (Debian and Ubuntu: bsdutils).",
    );
  }
  const { cols, rows } = size;
  // Its first line, the leader's pid, is consumed by the spawner (leaderLine); then the size, then the command.
  const prelude =
    `echo $$; stty rows ${rows} cols ${cols} 2>/dev/null; c=$${COMMAND_VAR}; unset ${COMMAND_VAR}; ` +
    `if [ -n "\${${SHELL_VAR}+set}" ]; then SHELL=$${SHELL_VAR}; unset ${SHELL_VAR}; else unset SHELL; fi; ` +
    `exec ${SHELL} -c "$c"`;
  const env: Record<string, string> = { ...request.env, SHELL, [COMMAND_VAR]: request.command };
  if (request.env.SHELL !== undefined) env[SHELL_VAR] = request.env.SHELL;
  const outer = await pipes.spawn({
    command: `exec ${scriptPath} -q -e -c ${quote(prelude)} /dev/null`,
    cwd: request.cwd,
    env,
    stdin: true,
  });
  let leader: number;
  let output: ReadableStream<Uint8Array>;
  try {
    ({ pid: leader, rest: output } = await leaderLine(outer.output));
  } catch (error) {
    outer.signalGroupNow("SIGKILL");
    throw error;
  }
  const delivered = new Set<number>();
  const exited = outer.exited.then((status): ExitStatus => {
    const code = status.exitCode;
    if (code === null || code <= 128 || !delivered.has(code - 128)) return status;
    const name = (Object.keys(SIGNAL_NUMBERS) as SignalName[]).find((s) => SIGNAL_NUMBERS[s] === code - 128)!;
    return { exitCode: null, signal: name };
  });
  // Ctrl-C typed on the terminal is SIGINT from the line discipline: delivered as surely as one we send.
  const stdin = outer.stdin && typedInterrupts(outer.stdin, () => delivered.add(SIGNAL_NUMBERS.SIGINT));
  const inner = spawnedProcess({ pid: leader, output, outputIsByteStream: false, stdin, exited });
  const terminal = ptsPath(leader);
  return {
    ...inner,
    get groupAlive() {
      return inner.groupAlive;
    },
    signalGroup: async (signal) => {
      const sent = await inner.signalGroup(signal);
      if (sent) delivered.add(SIGNAL_NUMBERS[signal]);
      return sent;
    },
    signalGroupNow: (signal) => {
      delivered.add(SIGNAL_NUMBERS[signal]);
      inner.signalGroupNow(signal);
    },
    resize: (next) => resizeTerminal(ptsPath(leader) ?? terminal, next),
  };
}

/**
 * The pid the prelude prints first, once it runs as the session's leader on the terminal, and the output after
 * that line. Read from the stream rather than looked up in `/proc`: a quick command (`true`) may have come and gone
 * before any look. A stream that ends first carries script's own complaint, which the error quotes.
 */
async function leaderLine(output: ReadableStream<Uint8Array>): Promise<{ pid: number; rest: ReadableStream<Uint8Array> }> {
  const reader = output.getReader();
  const seen: number[] = [];
  let rest = new Uint8Array(0);
  const deadline = setTimeout(() => void reader.cancel(), LEADER_TIMEOUT_MS);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        const said = new TextDecoder().decode(new Uint8Array(seen)).trim();
        throw new SpawnError(`Cannot start on a terminal: script(1) ended before the command ran${said ? `: ${said}` : ""}`);
      }
      const newline = value.indexOf(0x0a);
      if (newline < 0) {
        seen.push(...value);
        if (seen.length > 256) throw new SpawnError("Cannot start on a terminal: script(1) said something unexpected.");
        continue;
      }
      seen.push(...value.subarray(0, newline));
      rest = value.slice(newline + 1);
      break;
    }
  } finally {
    clearTimeout(deadline);
  }
  const pid = Number(new TextDecoder().decode(new Uint8Array(seen)).trim());
  if (!Number.isSafeInteger(pid) || pid <= 0) {
    await reader.cancel();
    throw new SpawnError("Cannot start on a terminal: script(1) did not start the command.");
  }
  return { pid, rest: prepended(rest, reader) };
}

/** What {@link prepended} needs of a reader (structural: Node's and the DOM's reader types differ by version). */
interface ChunkReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(reason?: unknown): Promise<void>;
}

/** `first`, then what `reader` reads; cancelling it cancels the reader. */
function prepended(first: Uint8Array, reader: ChunkReader): ReadableStream<Uint8Array> {
  let pending: Uint8Array | null = first.byteLength > 0 ? first : null;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (pending) {
        controller.enqueue(pending);
        pending = null;
        return;
      }
      const { done, value } = await reader.read();
      if (done || !value) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** Fields of `/proc/<pid>/stat` after the command name (which may hold spaces and parentheses). */
function procStat(pid: number): { sid: number; ttyNr: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { sid: Number(fields[3]), ttyNr: Number(fields[4]) };
  } catch {
    return null;
  }
}

/** The `/dev/pts/N` of `pid`'s controlling terminal, or `null` (gone, or not a pseudo-terminal). */
function ptsPath(pid: number): string | null {
  const tty = procStat(pid)?.ttyNr ?? 0;
  const major = (tty >> 8) & 0xfff;
  const minor = (tty & 0xff) | ((tty >> 12) & 0xfff00);
  // Unix98 pseudo-terminal slaves have majors 136 to 143, 256 minors each.
  if (major < 136 || major > 143) return null;
  return `/dev/pts/${(major - 136) * 256 + minor}`;
}

async function resizeTerminal(path: string | null, size: TtySize): Promise<void> {
  if (!path) throw new Error("the terminal is gone");
  const args = ["-F", path, "rows", String(size.rows), "cols", String(size.cols)];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn("stty", args, { stdio: "ignore" });
    child.once("error", reject);
    child.once("exit", (status) => resolve(status));
  });
  if (code !== 0) throw new Error(`stty -F ${path} exited with status ${code}`);
}

/** `stdin` that calls `onInterrupt` before it passes on a write holding the interrupt character (Ctrl-C). */
function typedInterrupts(stdin: WritableStream<Uint8Array>, onInterrupt: () => void): WritableStream<Uint8Array> {
  const writer = stdin.getWriter();
  return new WritableStream<Uint8Array>({
    write(chunk) {
      if (chunk.includes(0x03)) onInterrupt();
      return writer.write(chunk);
    },
    close: () => writer.close(),
    abort: (reason) => writer.abort(reason),
  });
}

/** `text` as one single-quoted word of `sh`. */
function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
