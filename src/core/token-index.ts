/**
 * Idempotent starts (docs/api.md §4.1): a `client_token` names one process within a chat, for as long as its record
 * lives. Concurrent starts with one token spawn once and attach the rest.
 * @module
 */
import { ProcessApiError } from "./errors.ts";
import type { ManagedProcess } from "./managed-process.ts";
import type { StartParams } from "./start-params.ts";

interface Entry {
  params: StartParams;
  /** Set while the first start is spawning; the others wait on it. */
  pending: Promise<ManagedProcess> | null;
  id: string | null;
}

/**
 * The token → process index of one manager.
 * @example
 * ```ts
 * const { process, started } = await tokens.claim(chatId, "t1", params, spawn, (id) => records.get(id));
 * ```
 */
export class TokenIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly keyById = new Map<string, string>();

  /** Spawns through `spawn` the first time `token` is seen in `chatId`; attaches to that process after. */
  async claim(
    chatId: string | null,
    token: string,
    params: StartParams,
    spawn: () => Promise<ManagedProcess>,
    lookup: (id: string) => ManagedProcess | undefined,
  ): Promise<{ process: ManagedProcess; started: boolean }> {
    const key = `${chatId ?? ""}\u0000${token}`;
    const entry = this.entries.get(key);
    if (entry) {
      if (!sameParams(entry.params, params)) {
        throw new ProcessApiError(
          "token_conflict",
          "Client token was already used to start a process with different parameters.",
        );
      }
      const existing = entry.pending ? await entry.pending : lookup(entry.id ?? "");
      if (existing) return { process: existing, started: false };
    }
    const fresh: Entry = { params, pending: spawn(), id: null };
    this.entries.set(key, fresh);
    try {
      const proc = await fresh.pending!;
      fresh.id = proc.id;
      this.keyById.set(proc.id, key);
      return { process: proc, started: true };
    } catch (err) {
      // A failed start frees the token, so a retry may spawn.
      this.entries.delete(key);
      throw err;
    } finally {
      fresh.pending = null;
    }
  }

  /** Drops the token of a reaped or deleted record. */
  forget(id: string): void {
    const key = this.keyById.get(id);
    if (key === undefined) return;
    this.keyById.delete(id);
    this.entries.delete(key);
  }
}

function sameParams(a: StartParams, b: StartParams): boolean {
  if (a.command !== b.command || a.workdir !== b.workdir || a.background !== b.background) return false;
  if (a.timeoutMs !== b.timeoutMs || a.stdin !== b.stdin) return false;
  if (a.tty?.cols !== b.tty?.cols || a.tty?.rows !== b.tty?.rows) return false;
  const keys = Object.keys(a.env);
  return keys.length === Object.keys(b.env).length && keys.every((k) => Object.hasOwn(b.env, k) && a.env[k] === b.env[k]);
}
