/**
 * What a start asks for, in the domain's own terms; the HTTP layer maps the wire request onto it.
 * @module
 */

/**
 * A start request as the manager takes it (docs/api.md §3.1, §4.1); unset fields take the server's defaults.
 * @example
 * ```ts
 * await manager.start({ command: "npm test", timeoutMs: 60_000 }, OPERATOR_SCOPE);
 * ```
 */
export interface StartOptions {
  command: string;
  workdir?: string | null;
  env?: Record<string, string> | null;
  background?: boolean | null;
  timeoutMs?: number | null;
  killGraceMs?: number | null;
  stdin?: boolean | null;
  /** Names one process within a chat: a repeat with the same options attaches to it. */
  clientToken?: string | null;
  /** Run on a pseudo-terminal (docs/api.md §4.11), of `cols` x `rows` (default 80 x 24). */
  tty?: boolean | null;
  cols?: number | null;
  rows?: number | null;
}

/** A terminal's size when a start asks for none. */
export const DEFAULT_TTY_SIZE = { cols: 80, rows: 24 } as const;

/** What a record was started with, defaults applied; a `clientToken` repeat must match it exactly. */
export interface StartParams {
  command: string;
  workdir: string;
  env: Record<string, string>;
  background: boolean;
  timeoutMs: number | null;
  killGraceMs: number;
  stdin: boolean;
  /** The terminal's size at start, or `null` for pipes. */
  tty: { cols: number; rows: number } | null;
}

/**
 * The params of a start: `request` with the defaults applied, in the working directory already resolved.
 * @example
 * ```ts
 * withDefaults({ command: "ls" }, "/workspace", 5000).killGraceMs; // 5000
 * ```
 */
export function withDefaults(request: StartOptions, workdir: string, killGraceMs: number): StartParams {
  const tty = request.tty
    ? { cols: request.cols ?? DEFAULT_TTY_SIZE.cols, rows: request.rows ?? DEFAULT_TTY_SIZE.rows }
    : null;
  return {
    command: request.command,
    workdir,
    env: request.env ?? {},
    background: request.background ?? false,
    timeoutMs: request.timeoutMs ?? null,
    killGraceMs: request.killGraceMs ?? killGraceMs,
    // A terminal is always writable: what is typed reaches the program through the line discipline.
    stdin: (request.stdin ?? false) || tty !== null,
    tty,
  };
}
