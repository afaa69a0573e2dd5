/**
 * The global output budget (docs/api.md §5, `--max-output-bytes`): one bound on the output memory of every record,
 * shared so that snapshots stay exact and only cursor reads of old bytes lose anything.
 * @module
 */

/** What the budget needs of a log it bounds (an `OutputLog`). */
export interface BudgetedLog {
  /** Bytes of memory held now: head plus window. */
  readonly retainedBytes: number;
  /** Bytes of memory the window holds now. */
  readonly windowCapacity: number;
  /** The smallest window that keeps the log's snapshot exact (its tail, plus a character held back). */
  readonly minWindowBytes: number;
  /** Shrinks the window to `capacity`, dropping its oldest bytes; returns the bytes freed. */
  shrinkWindow(capacity: number): number;
}

/**
 * Shares `limit` bytes among the logs of all records. A window grows only as the budget allows; when it is
 * spent, memory is taken back in this order:
 * 1. finished logs' windows shrink to their floor (head + tail), oldest finish first;
 * 2. running logs' windows above an equal share of what is left shrink to it, largest first, for one below it;
 * 3. only when the floors alone pass the budget, whole finished records go, oldest first (`evict`).
 *
 * The share of a window is a power of two (or the floor), so it changes only when the number of running logs
 * doubles or halves: a window is resized a few times in its life, never once per start or per chunk (each resize
 * copies it, and under a flood of 256 writers an exact share cost gigabytes of copies).
 *
 * A floor is never refused, so the sum can pass `limit` only by running logs' floors, which the server rules
 * out at start (`checkOutputBudget`).
 * @example
 * ```ts
 * const budget = new OutputBudget(128 << 20);
 * const log = new OutputLog({ budget });
 * budget.retainedBytes; // grows with the output of every log, up to about the limit
 * ```
 */
export class OutputBudget {
  readonly limit: number;
  #total = 0;
  /** Bytes held by running logs. */
  #runningBytes = 0;
  /** What finished logs hold once at their floor, so an equal share of the rest costs nothing to compute. */
  #finishedFloorBytes = 0;
  readonly #running = new Set<BudgetedLog>();
  /** Finished logs whose window is still above its floor, in the order they finished. */
  readonly #finished = new Set<BudgetedLog>();
  /** Finished logs at their floor: members until released. */
  readonly #atFloor = new Set<BudgetedLog>();
  #evict: (() => boolean) | undefined;

  /** @param limit Bytes all logs together may hold; at least 1. */
  constructor(limit: number) {
    this.limit = Math.max(1, limit);
  }

  /** Bytes all logs hold now. */
  get retainedBytes(): number {
    return this.#total;
  }

  /** Sets how a whole finished record is dropped (step 3): `true` when one was. */
  onEvict(evict: () => boolean): void {
    this.#evict = evict;
  }

  /** Starts counting a new, empty, running log. */
  add(log: BudgetedLog): void {
    this.#running.add(log);
  }

  /** The log ended: its window may now be shrunk first. */
  finish(log: BudgetedLog): void {
    if (!this.#running.delete(log)) return;
    this.#runningBytes -= log.retainedBytes;
    this.#finishedFloorBytes += floorOf(log);
    (log.windowCapacity > log.minWindowBytes ? this.#finished : this.#atFloor).add(log);
  }

  /** The log's record is gone: its memory no longer counts. Idempotent. */
  remove(log: BudgetedLog): void {
    const running = this.#running.delete(log);
    if (!running && !this.#finished.delete(log) && !this.#atFloor.delete(log)) return;
    this.#total -= log.retainedBytes;
    if (running) this.#runningBytes -= log.retainedBytes;
    else this.#finishedFloorBytes -= floorOf(log);
  }

  /** The log's head grew by `bytes`: never refused, as snapshots need it. */
  charge(log: BudgetedLog, bytes: number): void {
    if (!this.#running.has(log)) return;
    this.#count(log, bytes);
    if (this.#total > this.limit) this.#makeRoom(log, 0);
    this.#settle();
  }

  /** How far the log's window, at `current` bytes, may grow towards `wanted`: all the way, to its share, or not. */
  grant(log: BudgetedLog, current: number, wanted: number): number {
    if (!this.#running.has(log)) return current;
    let capacity = wanted;
    if (this.#total + wanted - current > this.limit) {
      const target = Math.min(wanted, Math.max(current, this.#windowShare(log)));
      if (target > current) this.#makeRoom(log, target - current);
      const fits = this.#total + target - current <= this.limit;
      // Below its floor a window always grows to it: the snapshot needs the tail.
      capacity = Math.max(fits ? target : current, Math.min(wanted, log.minWindowBytes));
    }
    this.#count(log, capacity - current);
    if (this.#total > this.limit) this.#settle();
    return capacity;
  }

  #count(log: BudgetedLog, bytes: number): void {
    this.#total += bytes;
    if (this.#running.has(log)) this.#runningBytes += bytes;
  }

  /** The window each running log may have once finished logs are at their floor: a power of two, or its floor. */
  #windowShare(log: BudgetedLog): number {
    const share = (this.limit - this.#finishedFloorBytes) / Math.max(1, this.#running.size);
    const head = log.retainedBytes - log.windowCapacity;
    return Math.max(log.minWindowBytes, 2 ** Math.floor(Math.log2(Math.max(1, share - head))));
  }

  // Steps 1 and 2: frees memory until `need` more bytes fit, as far as windows can shrink.
  #makeRoom(requester: BudgetedLog, need: number): void {
    const over = () => this.#total + need - this.limit;
    for (const log of this.#finished) {
      if (over() <= 0) return;
      this.#total -= log.shrinkWindow(log.minWindowBytes);
      this.#finished.delete(log);
      this.#atFloor.add(log);
    }
    if (over() <= 0) return;
    const share = (log: BudgetedLog) => this.#windowShare(log);
    const larger = [...this.#running].filter((log) => log !== requester && log.windowCapacity > share(log));
    larger.sort((a, b) => b.windowCapacity - a.windowCapacity);
    for (const log of larger) {
      if (over() <= 0) return;
      const freed = log.shrinkWindow(share(log));
      this.#total -= freed;
      this.#runningBytes -= freed;
    }
  }

  // Step 3: floors past the budget cost whole finished records, oldest first.
  #settle(): void {
    while (this.#total > this.limit && this.#finished.size + this.#atFloor.size > 0 && this.#evict?.()) {
      // Each eviction removes one record, whose log leaves the budget through remove().
    }
  }
}

/** What a log holds at its floor: its head and at most its smallest window; the same before and after shrinking. */
function floorOf(log: BudgetedLog): number {
  return log.retainedBytes - log.windowCapacity + Math.min(log.windowCapacity, log.minWindowBytes);
}

/**
 * Why `limits` cannot keep every running process's snapshot inside the budget, or `null` when they can.
 * @example
 * ```ts
 * checkOutputBudget({ maxOutputBytes: 1 << 20, maxRunning: 256, headBytes: 16384, tailBytes: 16384 }); // a message
 * ```
 */
export function checkOutputBudget(limits: {
  maxOutputBytes: number;
  maxRunning: number;
  headBytes: number;
  tailBytes: number;
}): string | null {
  const floor = limits.maxRunning * (limits.headBytes + limits.tailBytes + 3);
  if (limits.maxOutputBytes >= floor) return null;
  return (
    `The output budget (${limits.maxOutputBytes} bytes) must be at least ${floor}: each of up to ` +
    `${limits.maxRunning} running processes keeps its head (${limits.headBytes}) and tail (${limits.tailBytes} + 3).`
  );
}
