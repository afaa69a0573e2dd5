/**
 * The records of one manager and their retention (docs/api.md §5): an exited record is kept for the retention
 * time, and at most so many exited records are kept, the oldest exit going first.
 * @module
 */
import type { ManagedProcess } from "./managed-process.ts";

/**
 * Every record by id, with exited ones in exit order.
 * @example
 * ```ts
 * const table = new RecordTable((proc) => tokens.forget(proc.id));
 * table.add(proc);
 * table.reap(Date.now() - retentionMs, maxExited);
 * ```
 */
export class RecordTable {
  readonly #records = new Map<string, ManagedProcess>();
  /** Exited ids in exit order, so the oldest exit is reaped first. */
  readonly #exitOrder = new Set<string>();
  readonly #onForget: (proc: ManagedProcess) => void;

  /** `onForget` runs for each record dropped, after its timers are cancelled. */
  constructor(onForget: (proc: ManagedProcess) => void) {
    this.#onForget = onForget;
  }

  get size(): number {
    return this.#records.size;
  }

  get(id: string): ManagedProcess | undefined {
    return this.#records.get(id);
  }

  values(): IterableIterator<ManagedProcess> {
    return this.#records.values();
  }

  add(proc: ManagedProcess): void {
    this.#records.set(proc.id, proc);
  }

  /** Queues `proc` for retention; `false` when it was already dropped. */
  exited(proc: ManagedProcess): boolean {
    if (!this.#records.has(proc.id)) return false;
    this.#exitOrder.add(proc.id);
    return true;
  }

  /** Drops exited records that exited before `cutoffMs`, and the oldest ones past `maxExited`. */
  reap(cutoffMs: number, maxExited: number): void {
    for (const id of this.#exitOrder) {
      const proc = this.#records.get(id);
      const tooMany = this.#exitOrder.size > maxExited;
      if (proc && !tooMany && (proc.exitedAtMs ?? 0) >= cutoffMs) break;
      if (proc) this.forget(proc);
      else this.#exitOrder.delete(id);
    }
  }

  /** Drops `proc` and cancels its timers. */
  forget(proc: ManagedProcess): void {
    proc.dispose();
    this.#records.delete(proc.id);
    this.#exitOrder.delete(proc.id);
    this.#onForget(proc);
  }
}
