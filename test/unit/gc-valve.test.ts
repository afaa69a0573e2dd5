// Bun's memory valve (src/runtimes/bun/gc-valve.ts) as logic, with a scripted RSS and a recording collector: it
// looks every 8 MiB read, asks for a concurrent collection past the soft slack and collects synchronously past
// the hard one. Its effect on a real flood is measured by scripts/memory-pressure.ts (docs/load.md).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GcValve } from "../../src/runtimes/bun/gc-valve.ts";

const MiB = 1 << 20;

function valveWith(rss: { now: number }) {
  const calls: boolean[] = [];
  const valve = new GcValve({ gc: (force) => void calls.push(force) }, () => rss.now);
  return { valve, calls };
}

describe("GcValve", () => {
  it("does nothing while RSS stays within the soft slack of where it started", () => {
    const rss = { now: 100 * MiB };
    const { valve, calls } = valveWith(rss);
    rss.now = 227 * MiB;
    for (let i = 0; i < 100; i++) valve.read(MiB);
    assert.deepEqual(calls, []);
  });

  it("looks only every 8 MiB read", () => {
    const rss = { now: 100 * MiB };
    const { valve, calls } = valveWith(rss);
    rss.now = 240 * MiB;
    for (let i = 0; i < 7; i++) valve.read(MiB);
    assert.deepEqual(calls, []);
    valve.read(MiB);
    assert.deepEqual(calls, [false]);
  });

  it("asks for a concurrent collection past the soft slack, collects synchronously past the hard one", () => {
    const rss = { now: 100 * MiB };
    const { valve, calls } = valveWith(rss);
    rss.now = 229 * MiB;
    valve.read(8 * MiB);
    rss.now = 421 * MiB;
    valve.read(8 * MiB);
    assert.deepEqual(calls, [false, true]);
    assert.equal(valve.collections, 1);
  });

  it("moves its floor to what the last full collection left, and down when memory is returned", () => {
    const rss = { now: 100 * MiB };
    const gcs: boolean[] = [];
    // The collection leaves 300 MiB live: the next one is not due before 300 + 320.
    const valve = new GcValve({ gc: (force) => void (gcs.push(force), force && (rss.now = 300 * MiB)) }, () => rss.now);
    rss.now = 500 * MiB;
    valve.read(8 * MiB);
    assert.deepEqual(gcs, [true]);
    rss.now = 610 * MiB;
    valve.read(8 * MiB);
    assert.deepEqual(gcs, [true, false]);
    rss.now = 150 * MiB;
    valve.read(8 * MiB);
    rss.now = 280 * MiB;
    valve.read(8 * MiB);
    assert.deepEqual(gcs, [true, false, false], "the floor fell to 150 MiB");
  });
});
