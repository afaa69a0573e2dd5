// The global output budget (docs/api.md §5): windows that resize, logs that share one bound, and the order in which
// memory is taken back. Snapshots must stay exactly what an unbounded log gives; only cursor reads lose bytes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ByteWindow } from "../../src/output/byte-window.ts";
import { checkOutputBudget, OutputBudget } from "../../src/output/output-budget.ts";
import { OutputLog } from "../../src/output/output-log.ts";
import { random } from "../support/random.ts";

/** `n` printable ASCII bytes that follow from their absolute offset, so any slice says where it came from. */
function counting(from: number, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => 32 + ((from + i) % 95));
}

const SMALL = { headBytes: 64, tailBytes: 64, windowBytes: 4096 };

describe("ByteWindow.resize", () => {
  it("keeps the latest bytes through random writes, shrinks and growths", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const next = random(seed);
      const window = new ByteWindow(1000);
      let oldestKept = 0;
      for (let step = 0; step < 200; step++) {
        if (next(4) === 0) {
          const before = window.end - window.start;
          window.resize(1 + next(1200));
          oldestKept = Math.max(oldestKept, window.end - Math.min(before, window.capacity));
        } else {
          window.write(counting(window.end, next(300)));
        }
        // Nothing older than the last resize kept comes back, whatever the ring's room.
        assert.equal(window.start, Math.max(oldestKept, window.end - window.capacity));
        assert.deepEqual(window.slice(window.start, window.end), counting(window.start, window.end - window.start));
      }
    }
  });

  it("grows only as far as its grant allows, and never to nothing", () => {
    const asked: [number, number][] = [];
    const window = new ByteWindow(1 << 20, (current, wanted) => (asked.push([current, wanted]), 0));
    window.write(counting(0, 10));
    assert.equal(window.capacity, 1);
    assert.deepEqual(window.slice(window.start, window.end), counting(9, 1));
    assert.deepEqual(asked[0], [0, 4096]);
  });
});

describe("OutputLog with a budget", () => {
  it("serves the same snapshot as an unbounded log after its window shrank, and reports lost bytes as gap_bytes", () => {
    const budget = new OutputBudget(1 << 20);
    const bounded = new OutputLog({ ...SMALL, budget });
    const free = new OutputLog(SMALL);
    for (let i = 0; i < 10; i++) {
      const chunk = new TextEncoder().encode(`line ${i} ${"é".repeat(300)}\n`);
      bounded.append(chunk);
      free.append(chunk);
    }
    bounded.shrinkWindow(0);
    assert.equal(bounded.windowCapacity, SMALL.tailBytes + 3);
    assert.deepEqual(bounded.snapshot(), free.snapshot());
    bounded.end();
    free.end();
    assert.deepEqual(bounded.snapshot(), free.snapshot());
    const read = bounded.read(100, 1 << 20);
    assert.ok(read.gap_bytes > 0);
    assert.equal(read.cursor, 100 + read.gap_bytes);
    assert.equal(read.next_cursor, bounded.totalBytes);
    assert.equal(read.output, free.read(read.cursor, 1 << 20).output);
  });

  it("counts every log's memory exactly and gives it back on release", () => {
    const budget = new OutputBudget(1 << 20);
    const logs = Array.from({ length: 5 }, () => new OutputLog({ ...SMALL, budget }));
    for (const [i, log] of logs.entries()) log.append(counting(0, 100 * (i + 1) ** 3));
    const sum = () => logs.reduce((total, log) => total + log.retainedBytes, 0);
    assert.equal(budget.retainedBytes, sum());
    logs[0]!.end();
    logs[1]!.release();
    logs[1]!.release();
    assert.equal(budget.retainedBytes, sum() - logs[1]!.retainedBytes);
    for (const log of logs) log.release();
    assert.equal(budget.retainedBytes, 0);
  });
});

describe("OutputBudget", () => {
  it("keeps many flooding logs within the limit, uses it, and serves every snapshot exactly", () => {
    // Eight logs that would hold 8 × 4160 bytes unbounded share 16 KiB: about 2 KiB each.
    const limit = 16 * 1024;
    const budget = new OutputBudget(limit);
    const logs = Array.from({ length: 8 }, () => new OutputLog({ ...SMALL, budget }));
    const twins = logs.map(() => new OutputLog(SMALL));
    const next = random(7);
    for (let round = 0; round < 600; round++) {
      const i = next(logs.length);
      const chunk = counting(logs[i]!.totalBytes, 1 + next(700));
      logs[i]!.append(chunk);
      twins[i]!.append(chunk);
      assert.ok(budget.retainedBytes <= limit, `${budget.retainedBytes} > ${limit}`);
      if (round % 50 === 0) assert.deepEqual(logs[i]!.snapshot(), twins[i]!.snapshot());
    }
    assert.equal(budget.retainedBytes, logs.reduce((total, log) => total + log.retainedBytes, 0));
    assert.ok(budget.retainedBytes > limit * 0.75, `only ${budget.retainedBytes} of ${limit} used`);
    // 16 KiB over 8 logs with 64-byte heads: a share is a 1 KiB window (the power of two below 2048 - 64).
    assert.ok(logs.some((log) => log.windowCapacity < 4096), "no window was shared");
    for (const [i, log] of logs.entries()) {
      assert.ok(log.windowCapacity >= 1024, `window ${log.windowCapacity} starved below its share`);
      log.end();
      twins[i]!.end();
      assert.deepEqual(log.snapshot(), twins[i]!.snapshot());
      const lost = log.read(SMALL.headBytes, 1 << 20);
      assert.ok(lost.gap_bytes > 0, "a cursor read of lost bytes reports them");
      assert.equal(lost.cursor, SMALL.headBytes + lost.gap_bytes);
      assert.equal(lost.output, twins[i]!.read(lost.cursor, 1 << 20).output);
    }
  });

  it("shrinks finished logs to their floor first, oldest first, before a running one loses anything", () => {
    // Room for three 4 KiB windows and a little: the running log's growth to 8 KiB needs one finished window back.
    const budget = new OutputBudget(3 * 4096 + 3 * SMALL.headBytes + 100);
    const options = { ...SMALL, windowBytes: 8192, budget };
    const [old, recent, running] = [0, 1, 2].map(() => new OutputLog(options)) as [OutputLog, OutputLog, OutputLog];
    old.append(counting(0, 4000));
    old.end();
    recent.append(counting(0, 4000));
    recent.end();
    running.append(counting(0, 4000));
    assert.equal(old.windowCapacity, 4096);
    running.append(counting(4000, 1000));
    assert.equal(old.windowCapacity, SMALL.tailBytes + 3, "the oldest finished log gave its window back");
    assert.equal(recent.windowCapacity, 4096, "the more recent one kept its window");
    assert.equal(running.windowCapacity, 8192);
    assert.equal(running.read(0, 1 << 20).gap_bytes, 0, "the running log lost nothing");
    assert.ok(budget.retainedBytes <= budget.limit);
  });

  it("drops whole finished records, oldest first, only when floors alone pass the limit", () => {
    const floor = SMALL.headBytes + SMALL.tailBytes + 3;
    const budget = new OutputBudget(3 * floor);
    const logs: OutputLog[] = [];
    const evicted: OutputLog[] = [];
    budget.onEvict(() => {
      const oldest = logs.shift();
      if (!oldest) return false;
      oldest.release();
      evicted.push(oldest);
      return true;
    });
    for (let i = 0; i < 6; i++) {
      const log = new OutputLog({ ...SMALL, budget });
      logs.push(log);
      log.append(counting(0, 1000));
      log.end();
      assert.ok(budget.retainedBytes <= budget.limit, `${budget.retainedBytes} > ${budget.limit}`);
    }
    assert.ok(evicted.length >= 3, `evicted ${evicted.length}`);
    for (const log of logs) assert.equal(log.retainedBytes, floor);
  });

  it("refuses limits that cannot hold the floors of every running process", () => {
    const limits = { maxRunning: 256, headBytes: 16384, tailBytes: 16384 };
    assert.equal(checkOutputBudget({ ...limits, maxOutputBytes: 256 * 32771 }), null);
    assert.match(checkOutputBudget({ ...limits, maxOutputBytes: 256 * 32771 - 1 }) ?? "", /at least 8389376/);
  });
});
