/**
 * What /proc says about a process: its memory (VmRSS, VmHWM) and the CPU time its threads used.
 * @module
 */
import { readdir, readFile } from "node:fs/promises";

/** Memory of a process from `/proc/<pid>/status`, in KiB. */
export interface Memory {
  rssKiB: number;
  hwmKiB: number;
}

/**
 * VmRSS and VmHWM (peak RSS) of `pid`.
 * @example
 * ```ts
 * const { rssKiB } = await memory(server.pid);
 * ```
 */
export async function memory(pid: number): Promise<Memory> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return { rssKiB: field("VmRSS"), hwmKiB: field("VmHWM") };
}

/** A running RSS sampler; `stop()` ends it and reports. */
export interface RssSampler {
  stop(): Promise<{ startKiB: number; peakKiB: number; hwmKiB: number }>;
}

/**
 * Samples a process's VmRSS every `everyMs` until stopped and reports the peak seen against the RSS when sampling
 * began (VmHWM cannot be reset, so it only bounds the growth of the first run). Resolves once the first sample
 * is taken.
 * @example
 * ```ts
 * const sampler = await sampleRss(server.pid);
 * await work();
 * const { peakKiB, startKiB } = await sampler.stop();
 * ```
 */
export async function sampleRss(pid: number, everyMs = 5): Promise<RssSampler> {
  const startKiB = (await memory(pid)).rssKiB;
  let peakKiB = startKiB;
  let running = true;
  const loop = (async () => {
    while (running) {
      await new Promise((r) => setTimeout(r, everyMs));
      const m = await memory(pid).catch(() => null);
      if (m) peakKiB = Math.max(peakKiB, m.rssKiB);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const last = await memory(pid).catch(() => ({ rssKiB: 0, hwmKiB: Number.NaN }));
      peakKiB = Math.max(peakKiB, last.rssKiB);
      return { startKiB, peakKiB, hwmKiB: last.hwmKiB };
    },
  };
}

/**
 * CPU time `pid` has used so far, all its threads, in ns (`/proc/<pid>/task/<tid>/schedstat`). Unlike wall time
 * it barely moves when other work shares the machine, so it measures what a request costs the server.
 * Children's CPU is not included.
 * @example
 * ```ts
 * const before = await cpuNs(server.pid);
 * await work();
 * const spentMs = (await cpuNs(server.pid) - before) / 1e6;
 * ```
 */
export async function cpuNs(pid: number): Promise<number> {
  const tasks = await readdir(`/proc/${pid}/task`);
  let total = 0;
  for (const tid of tasks) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/schedstat`, "utf8").catch(() => "0");
    total += Number(stat.split(" ")[0]);
  }
  return total;
}
