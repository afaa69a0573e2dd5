#!/usr/bin/env node
/**
 * The `edgeproc` bin (`npx edgeproc`, `bunx --bun edgeproc`, `deno run -A npm:edgeproc`): the server of `npm start`,
 * with the same flags, on the runtime that runs this file: Bun and Deno on their own servers, Node on `node:http`
 * through `@hono/node-server` (`deno serve` is a command line of its own: `npm run start:deno`).
 * @module
 */
import process from "node:process";
import { detectRuntime } from "../runtimes/create-spawner.ts";
import { invokedAs } from "./invoked-as.ts";
import { listenAndServe } from "./lifecycle.ts";

const runtime = detectRuntime();
const { listen } =
  runtime === "bun"
    ? await import("../runtimes/bun/serve.ts")
    : runtime === "deno"
      ? await import("../runtimes/deno/serve.ts")
      : await import("../runtimes/node/serve.ts");
await listenAndServe(invokedAs(runtime, process.env), listen);
