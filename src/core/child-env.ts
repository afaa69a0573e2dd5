/**
 * The environment of a child (docs/api.md §3.1): the server's base environment, rewritten by the embedder's hook,
 * then the request's own entries, then `CODER_CHAT_ID` of the chat that started it.
 * @module
 */

/** Turns the server's environment into the base environment of every child (coder's `updateEnv`). */
export type EnvHook = (env: Record<string, string>) => Record<string, string> | Promise<Record<string, string>>;

/** The base environment as given: entries (unset ones skipped), or a function that reads a fresh copy. */
export type BaseEnv = Record<string, string | undefined> | (() => Record<string, string>);

/**
 * The base environment of one start, read once per start: on Deno and Node each key of `process.env` is a call
 * into the runtime (~150 µs for 35 keys on Deno, ~40 µs on Node), which a function can avoid.
 * @example
 * ```ts
 * baseEnv({ HOME: "/root", UNSET: undefined }); // { HOME: "/root" }
 * ```
 */
export function baseEnv(env: BaseEnv | undefined): Record<string, string> {
  return typeof env === "function" ? env() : definedEntries(env ?? {});
}

/**
 * The base environment without unset entries.
 * @example
 * ```ts
 * definedEntries({ HOME: "/root", UNSET: undefined }); // { HOME: "/root" }
 * ```
 */
export function definedEntries(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * The whole environment of one child.
 * @example
 * ```ts
 * const env = await childEnv(base, hook, { NODE_ENV: "test" }, scope.chatId);
 * ```
 */
export async function childEnv(
  base: Record<string, string>,
  hook: EnvHook | undefined,
  requested: Record<string, string>,
  chatId: string | null,
): Promise<Record<string, string>> {
  const rewritten = hook ? await hook({ ...base }) : base;
  const env = { ...rewritten, ...requested };
  if (chatId !== null) env.CODER_CHAT_ID = chatId;
  return env;
}
