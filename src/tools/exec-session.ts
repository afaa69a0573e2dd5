/**
 * `createExecSessionStore`: the sessions of `exec_command` and `write_stdin`, each a number the model holds, the
 * edgeproc process it names, and the byte cursor up to which the model has read that process's output.
 * @module
 */

/** One running `exec_command` process as the tools track it. */
export interface ExecSession {
  /** What the model sends as `session_id`: a small integer, as Codex's tools hand out. */
  readonly sessionId: number;
  /** The edgeproc process id. */
  readonly processId: string;
  /** Whether it runs on a terminal: its output is read with `strip_ansi`, and stdin goes through the terminal. */
  readonly tty: boolean;
  /** Raw byte offset of the first output byte the model has not been given yet. */
  cursor: number;
}

/** The sessions of one caller (one chat). */
export interface ExecSessions {
  /** A new session for `processId`, from the start of its output. */
  open(processId: string, tty: boolean): ExecSession;
  /** The session the model named, if it is still open. */
  find(sessionId: number): ExecSession | undefined;
  /** Forgets a session (its process has exited, or is gone); the process itself is not touched. */
  close(session: ExecSession): void;
  /** Runs `work` once the calls on `session` before it are done, so two reads never share a cursor. */
  serial<T>(session: ExecSession, work: () => Promise<T>): Promise<T>;
}

/** Sessions for every caller of one API, kept apart per caller. */
export interface ExecSessionStore {
  /** The sessions of the caller `scope` (e.g. its chat id; `""` for none). */
  scope(scope: string): ExecSessions;
  /** How many sessions are open over every scope. */
  readonly size: number;
}

/** Options of {@link createExecSessionStore}. */
export interface ExecSessionStoreOptions {
  /** Most open sessions kept; past it the least recently used is forgotten, its process left running (1024). */
  maxSessions?: number;
}

interface Entry {
  session: ExecSession;
  scope: string;
  queue: Promise<unknown>;
}

/**
 * A store of exec sessions. `createAgentTools` makes one per call unless given one; the MCP handler keeps one for
 * as long as it lives, since it creates the tools anew for every request.
 * @example
 * ```ts
 * const store = createExecSessionStore();
 * const tools = createAgentTools(client, { execSessions: store.scope(chatId) });
 * ```
 */
export function createExecSessionStore(options: ExecSessionStoreOptions = {}): ExecSessionStore {
  const max = Math.max(1, options.maxSessions ?? 1024);
  // Insertion order is use order: a session is re-inserted each time it is used.
  const entries = new Map<number, Entry>();
  // Codex's ids are four- or five-digit numbers; counting up from 1000 looks the same and never repeats.
  let next = 1000;

  const touch = (entry: Entry) => {
    entries.delete(entry.session.sessionId);
    entries.set(entry.session.sessionId, entry);
  };

  return {
    get size() {
      return entries.size;
    },
    scope(scope) {
      return {
        open(processId, tty) {
          const session: ExecSession = { sessionId: next++, processId, tty, cursor: 0 };
          entries.set(session.sessionId, { session, scope, queue: Promise.resolve() });
          while (entries.size > max) entries.delete(entries.keys().next().value!);
          return session;
        },
        find(sessionId) {
          const entry = entries.get(sessionId);
          if (!entry || entry.scope !== scope) return undefined;
          touch(entry);
          return entry.session;
        },
        close(session) {
          const entry = entries.get(session.sessionId);
          if (entry?.session === session) entries.delete(session.sessionId);
        },
        serial(session, work) {
          const entry = entries.get(session.sessionId);
          if (!entry || entry.session !== session) return work();
          const run = entry.queue.then(work);
          // The queue only orders the calls; each caller gets its own call's failure.
          entry.queue = run.catch(() => undefined);
          return run;
        },
      };
    },
  };
}
