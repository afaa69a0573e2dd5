/**
 * edgeproc on Node in three lines with `edgeproc/node`: `node:http` without a timeout that cuts long waits, and
 * SIGTERM/SIGINT/SIGHUP end every process group before the process exits. Also runs under Deno's Node layer.
 * `PORT=0 node --import tsx --conditions=edgeproc-source examples/serve-node.ts` in this repository.
 * @module
 */
import process from "node:process";
import { serve } from "edgeproc/node";

const { url } = await serve({ port: Number(process.env.PORT ?? 7070), token: process.env.EDGEPROC_TOKEN });
console.log(`edgeproc listening on ${url}`);
