/**
 * Real pipes for the child's stdio on runtimes that only offer socketpairs (docs/api.md §4.1). Node and Bun give a
 * child a Unix socket for `"pipe"`, and a socket cannot be reopened through `/dev/stdout`, `/dev/stderr` or
 * `/proc/self/fd/N`. None of the three runtimes can make a pipe, and a FIFO is not quite one (reopening it by name
 * waits for the other side: `cat /dev/stdin` after the stdin was closed would hang forever).
 *
 * So a small resident `sh` makes them: a here-document in dash is an anonymous pipe, and opening
 * `/proc/<sh>/fd/N` gives us our own descriptions of both its ends. One round trip yields seven pipes (dash
 * redirects fds 3 to 9 only); a start costs two `open`s of `/proc` per pipe and no exec. The maker reads its
 * orders from a pipe of ours and exits at EOF, so it never outlives the server.
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, constants, fstatSync, openSync } from "node:fs";
import { SpawnError } from "../../core/spawner.ts";
import { SHELL } from "./shell.ts";

/** The fds each batch fills: dash takes single-digit fds only. */
const FDS = [3, 4, 5, 6, 7, 8, 9];
/** A batch is made ahead once fewer than this many pipes of a kind are left. */
const LOW_WATER = 3;

/**
 * `m` makes a batch in fds 3 to 9 and answers `ok`; `c` closes them once we hold our own ends, so the maker keeps
 * no reference that would spare a child SIGPIPE. It ignores the signals sent to the server's group: EOF ends it.
 */
const SCRIPT = `# edgeproc-pipe-maker
trap '' INT HUP TERM QUIT
while read -r order; do
  case $order in
    m)
${FDS.map((fd) => `      exec ${fd}<<'EOF'\nEOF`).join("\n")}
      echo ok ;;
    c) exec ${FDS.map((fd) => `${fd}<&-`).join(" ")} ;;
  esac
done
`;

/** The two ends of one pipe: ours stays with the server, theirs goes to the child and is closed once it runs. */
export interface PipeEnds {
  readonly ours: number;
  readonly theirs: number;
}

/** Which end is ours: the child's is blocking, as programs expect; ours is non-blocking, polled by the runtime. */
type Kind = "output" | "input";

/**
 * Makes real pipes on demand through one resident maker shell.
 * @example
 * ```ts
 * const pipes = new PipeMaker();
 * const out = await pipes.outputPipe(); // spawn with stdio [.., out.theirs, out.theirs], then closeQuietly(out.theirs)
 * ```
 */
export class PipeMaker {
  #maker: ChildProcess | null = null;
  readonly #stock: Record<Kind, PipeEnds[]> = { output: [], input: [] };
  /** One batch at a time: the maker's fds 3 to 9 hold one batch. */
  #batch: Promise<void> | null = null;
  #answers: ((error: Error | null) => void)[] = [];

  /**
   * A pipe for the child's output: ours is the read end, theirs the write end.
   * @throws {SpawnError} when no pipe can be made (out of fds, no `sh`); nothing ran.
   */
  outputPipe(): Promise<PipeEnds> {
    return this.#take("output");
  }

  /**
   * A pipe for the child's stdin: ours is the write end, theirs the read end.
   * @throws {SpawnError} as {@link outputPipe}.
   */
  inputPipe(): Promise<PipeEnds> {
    return this.#take("input");
  }

  async #take(kind: Kind): Promise<PipeEnds> {
    for (;;) {
      const pipe = this.#stock[kind].pop();
      if (pipe) {
        // The next batch is made while this start runs, so a steady stream of starts never waits for one.
        if (this.#stock[kind].length < LOW_WATER && !this.#batch) this.#batchOf(kind).catch(() => {});
        return pipe;
      }
      if (this.#batch) await this.#batch.catch(() => {});
      else await this.#batchOf(kind);
    }
  }

  #batchOf(kind: Kind): Promise<void> {
    return (this.#batch = this.#make(kind).finally(() => (this.#batch = null)));
  }

  /** One round trip: the maker fills fds 3 to 9, we open both ends of each through `/proc`, the maker closes its. */
  async #make(kind: Kind): Promise<void> {
    const maker = this.#started();
    // Unreferenced while idle, so the maker never keeps an embedding program alive; referenced while a start waits.
    const answer = maker.stdout as unknown as { ref?: () => void; unref?: () => void };
    answer.ref?.();
    try {
      await new Promise<void>((resolve, reject) => {
        this.#answers.push((error) => (error ? reject(error) : resolve()));
        maker.stdin!.write("m\n");
      });
    } finally {
      answer.unref?.();
    }
    const made: PipeEnds[] = [];
    try {
      for (const fd of FDS) made.push(openPipe(`/proc/${maker.pid}/fd/${fd}`, kind));
    } catch (cause) {
      // Short of fds (EMFILE): the pipes opened so far still serve; only none at all fails the start.
      const why = (cause as Error).message;
      if (made.length === 0) throw new SpawnError(`Cannot make a pipe for the child: ${why}`, { cause });
    } finally {
      maker.stdin!.write("c\n");
    }
    this.#stock[kind].push(...made);
  }

  #started(): ChildProcess {
    if (this.#maker) return this.#maker;
    let maker: ChildProcess;
    try {
      // Its stdin and stdout are runtime socketpairs; the pipes it makes are here-documents, real pipes.
      maker = spawn(SHELL, ["-c", SCRIPT], { detached: true, stdio: ["pipe", "pipe", "ignore"] });
    } catch (cause) {
      throw new SpawnError(`Cannot make a pipe for the child: ${(cause as Error).message}`, { cause });
    }
    maker.unref();
    for (const stream of [maker.stdin, maker.stdout] as { unref?: () => void }[]) stream.unref?.();
    maker.stdin!.on("error", () => {});
    let buffered = "";
    maker.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("latin1");
      for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
        buffered = buffered.slice(end + 1);
        this.#answers.shift()?.(null);
      }
    });
    const gone = (why: string) => {
      if (this.#maker === maker) this.#maker = null;
      for (const answer of this.#answers.splice(0)) answer(new SpawnError(`Cannot make a pipe for the child: ${why}`));
    };
    maker.on("error", (error) => gone(error.message));
    maker.on("exit", (code, signal) => gone(`the pipe maker exited (${signal ?? code})`));
    this.#maker = maker;
    return maker;
  }
}

/** Opens our own descriptions of both ends of the pipe at `path`, and checks it is one. */
function openPipe(path: string, kind: Kind): PipeEnds {
  const ours = openSync(path, (kind === "output" ? constants.O_RDONLY : constants.O_WRONLY) | constants.O_NONBLOCK);
  try {
    if (!fstatSync(ours).isFIFO()) throw new Error(`${path} is not a pipe`);
    return { ours, theirs: openSync(path, kind === "output" ? constants.O_WRONLY : constants.O_RDONLY) };
  } catch (error) {
    closeQuietly(ours);
    throw error;
  }
}

/**
 * Closes `fd`, ignoring errors (an fd already closed).
 * @example
 * ```ts
 * closeQuietly(ends.theirs);
 * ```
 */
export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Nothing to do.
  }
}
