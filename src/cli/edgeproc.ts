#!/usr/bin/env node
/**
 * The `edgeproc` bin (`npx edgeproc`, `bunx --bun edgeproc`, `deno run -A npm:edgeproc`). `edgeproc serve [flags]`,
 * or any first argument that is not a subcommand (`edgeproc`, `edgeproc --port 7070`), is the server of `npm start`
 * with the same flags, on the runtime that runs this file: Bun and Deno on their own servers, Node on `node:http`
 * through `@hono/node-server` (`deno serve` is a command line of its own: `npm run start:deno`). `ps`, `run`,
 * `logs`, `kill` and `rm` are clients of a running server (src/cli/commands/).
 * @module
 */
import process from "node:process";
import { detectRuntime } from "../runtimes/create-spawner.ts";
import { commandsHelp, isClientCommand, runClientCommand } from "./commands/client-main.ts";
import { invokedAs } from "./invoked-as.ts";
import { listenAndServe } from "./lifecycle.ts";

const runtime = detectRuntime();
const command = invokedAs(runtime, process.env);
const [first, ...rest] = process.argv.slice(2);
if (isClientCommand(first)) {
  // Exit at once: an idle keep-alive connection of fetch must not hold the CLI open (stdout is flushed by then).
  process.exit(await runClientCommand(first!, rest, command));
}
const serve = first === "serve";
const { listen } =
  runtime === "bun"
    ? await import("../runtimes/bun/serve.ts")
    : runtime === "deno"
      ? await import("../runtimes/deno/serve.ts")
      : await import("../runtimes/node/serve.ts");
await listenAndServe(serve ? `${command} serve` : command, listen, {
  argv: serve ? rest : process.argv.slice(2),
  moreHelp: commandsHelp(command),
});
