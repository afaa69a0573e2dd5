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

  /**
   * Drops exited records that exited before `cutoffMs`, and the oldest ones past `maxExited`. A record whose
   * group still has live members is kept, and not counted, until they are gone (docs/api.md §4.8): dropping it
   * would leave them beyond any control.
   */
  reap(cutoffMs: number, maxExited: number): void {
    let excess = this.#exitOrder.size - maxExited;
    for (const id of this.#exitOrder) {
      const proc = this.#records.get(id);
      if (!proc) {
        this.#exitOrder.delete(id);
        continue;
      }
      excess--;
      if (proc.groupAlive) continue;
      if (excess < 0 && (proc.exitedAtMs ?? 0) >= cutoffMs) break;
      this.forget(proc);
    }
  }

  /** Drops the exited record that exited first, among those whose group is gone; `false` when there is none. */
  dropOldestExited(): boolean {
    for (const id of this.#exitOrder) {
      const proc = this.#records.get(id);
      if (proc && !proc.groupAlive) {
        this.forget(proc);
        return true;
      }
    }
    return false;
  }

  /** The exited records whose group may still have live members. */
  *lingering(): Generator<ManagedProcess> {
    for (const id of this.#exitOrder) {
      const proc = this.#records.get(id);
      if (proc?.groupAlive) yield proc;
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
