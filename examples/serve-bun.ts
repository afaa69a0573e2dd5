/**
 * edgeproc on Bun in three lines with `edgeproc/bun`: `Bun.serve` with its idle timeout kept off long waits and
 * streams, and SIGTERM/SIGINT/SIGHUP end every process group before the process exits.
 * `PORT=0 bun run --conditions=edgeproc-source examples/serve-bun.ts` in this repository.
 * @module
 */
import process from "node:process";
import { serve } from "edgeproc/bun";

const { url } = await serve({ port: Number(process.env.PORT ?? 7070), token: process.env.EDGEPROC_TOKEN });
console.log(`edgeproc listening on ${url}`);
