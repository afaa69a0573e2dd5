/**
 * The fast-check arbitraries of the fuzz property (`fuzz-property.ts`): API configurations, and steps made of
 * random and malformed requests and fake process events.
 * @module
 */
import fc from "fast-check";
import type { Limits } from "../../src/core/limits.ts";
import { CHAT_A, CHAT_B } from "./http.ts";

/** Never generated anywhere but the Authorization header, so finding it in a response is a leak. */
export const FUZZ_TOKEN = "fz-7c1e9b2a-secret-4d0f";
const BASE = "/api/v0/processes";

/** One API under test: its token and limits. */
export interface FuzzConfig {
  token: string | null;
  limits: Partial<Limits>;
  failSpawn: boolean;
}

/** One request as generated; built into a `Request` only when the runtime accepts it. */
export interface FuzzRequest {
  method: string;
  path: string;
  query: string;
  headers: [string, string][];
  body: string | Uint8Array | null;
  /** Milliseconds before the client gives up (aborts its request). */
  abortAfterMs: number;
}

export type FakeEvent =
  | { kind: "write"; index: number; bytes: Uint8Array }
  | { kind: "finish"; index: number; code: number }
  | { kind: "exit-open"; index: number; survivor: boolean }
  | { kind: "close-pipe"; index: number };

export type Step = { kind: "requests"; requests: FuzzRequest[] } | FakeEvent;

const pick = <T>(...values: T[]) => fc.constantFrom(...values);

const configArb: fc.Arbitrary<FuzzConfig> = fc.record({
  token: fc.option(fc.constant(FUZZ_TOKEN), { freq: 2 }),
  failSpawn: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  limits: fc.oneof(
    fc.constant({}),
    fc.record({
      maxBodyBytes: fc.integer({ min: 2, max: 600 }),
      maxCommandBytes: fc.integer({ min: 1, max: 40 }),
      maxEnvEntries: fc.integer({ min: 0, max: 3 }),
      maxRunning: fc.integer({ min: 0, max: 4 }),
      maxWaitMs: fc.integer({ min: 0, max: 30 }),
      headBytes: fc.integer({ min: 0, max: 40 }),
      tailBytes: fc.integer({ min: 0, max: 40 }),
      windowBytes: fc.integer({ min: 0, max: 80 }),
      maxExitedRecords: fc.integer({ min: 0, max: 3 }),
      maxStdinBytes: fc.integer({ min: 0, max: 16 }),
      retentionMs: fc.integer({ min: 0, max: 1000 }),
    }),
  ),
});

// Ids: an index into the records that exist when the step runs, or a raw path segment.
const idArb = fc.oneof(
  { weight: 4, arbitrary: fc.nat(6).map((n) => ({ index: n })) },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        pick("", "%", "%zz", "%E0%A4", "%00", "..", ".", "list", "start", "run", "%2F", "a%2Fb", "🙂", "\u00e9", "x".repeat(300)),
        fc.string({ maxLength: 20 }),
      )
      .map((raw) => ({ raw })),
  },
);

const routeArb = fc.oneof(
  { weight: 4, arbitrary: pick(
    ["POST", "/start"],
    ["POST", "/run"],
    ["GET", "/list"],
    ["GET", ""],
    ["GET", "/output"],
    ["GET", "/stream"],
    ["POST", "/signal"],
    ["POST", "/stdin"],
    ["DELETE", ""],
    ["GET", "/healthz"],
  ) },
  { weight: 1, arbitrary: fc.tuple(
    pick("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "FOO", "get"),
    pick("", "/", "/start", "/list", "/output", "/stream", "/signal", "/stdin", "/x/y", "//", "/healthz", "/openapi.json"),
  ) },
);

const queryValue = fc.oneof(
  pick("true", "false", "", "0", "1", "-1", "1.5", "1e3", "05", " 1", "0x10", "NaN", "exit", "output", "%", "%zz"),
  pick("9007199254740991", "9007199254740992", "9999999999999999", "18446744073709551616", "300000", "300001", "65536"),
  fc.nat().map(String),
  fc.string({ maxLength: 12 }),
);
const queryArb = fc
  .array(fc.tuple(fc.oneof(pick("wait", "wait_ms", "until", "cursor", "limit", "running"), fc.string({ maxLength: 6 })), queryValue, fc.boolean()), {
    maxLength: 4,
  })
  .map((pairs) =>
    pairs.map(([k, v, encode]) => (encode ? `${encodeURIComponent(k)}=${encodeURIComponent(v)}` : `${k}=${v}`)).join("&"),
  );

const headerText = fc.string({ maxLength: 40, unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) });
const chatIdArb = fc.oneof(
  pick(CHAT_A, CHAT_B, CHAT_A.toUpperCase(), `{${CHAT_B}}`, `urn:uuid:${CHAT_A}`, CHAT_A.replaceAll("-", ""), "", "nope"),
  pick(`${CHAT_A}0`, CHAT_A.slice(1), "g".repeat(32), "00000000-0000-0000-0000-000000000000"),
  headerText,
);
const ancestorsArb = fc.oneof(
  pick("[]", `["${CHAT_A}"]`, `["${CHAT_A}", 1, null, "x"]`, "[", "null", "{}", '"x"', `[${"[".repeat(500)}`),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
  headerText,
);
const authArb = fc.oneof(
  { weight: 10, arbitrary: fc.constant(`Bearer ${FUZZ_TOKEN}`) },
  { weight: 2, arbitrary: fc.constant(null) },
  {
    weight: 3,
    arbitrary: fc.oneof(
      pick(`bearer ${FUZZ_TOKEN}`, `Bearer  ${FUZZ_TOKEN}`, `Bearer ${FUZZ_TOKEN}x`, FUZZ_TOKEN, `Bearer ${FUZZ_TOKEN},x`),
      pick(`Bearer ${FUZZ_TOKEN.slice(0, -1)}`, "Bearer", "Bearer ", "Basic Zm9vOmJhcg==", "", `Token ${FUZZ_TOKEN}`),
      headerText.map((s) => `Bearer ${s}`),
      headerText,
    ),
  },
);
/** Mostly JSON, so most POSTs reach validation; the rest must all be 415 (docs/api.md §6). */
const contentTypeArb = fc.oneof(
  { weight: 12, arbitrary: pick("application/json", "application/json; charset=utf-8", "application/merge-patch+json") },
  { weight: 2, arbitrary: pick("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x") },
  { weight: 1, arbitrary: pick("", "text/json", "application/jsonp", "APPLICATION/JSON") },
);
/** Rarely present: an Origin other than the request's own is refused by an API without allowed origins. */
const originArb = fc.oneof(
  { weight: 12, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: pick("http://evil.example", "null", "http://localhost:7070", "https://app.example.com") },
);
/** Rarely present: a Host that is not a loopback name is a rebound page (403); loopback ones are served. */
const hostArb = fc.oneof(
  { weight: 12, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: pick("evil.example", "rebound.example:7070", "10.0.0.1:7070", "localhost.evil.example") },
  { weight: 1, arbitrary: pick("localhost:7070", "127.0.0.1", "[::1]:7070", "app.localhost") },
);
const headersArb = fc
  .record(
    {
      "coder-chat-id": chatIdArb,
      "coder-ancestor-chat-ids": ancestorsArb,
      "last-event-id": fc.oneof(pick("0", "5", "-1", "x", "99999999999999999"), headerText),
      "x-random": headerText,
    },
    { requiredKeys: [] },
  )
  .chain((h) =>
    fc.tuple(authArb, contentTypeArb, originArb, hostArb).map(([auth, type, origin, host]) => [
      ...Object.entries(h),
      ["content-type", type],
      ...(origin === null ? [] : [["origin", origin]]),
      ...(host === null ? [] : [["host", host]]),
      ...(auth === null ? [] : [["authorization", auth]]),
    ]),
  )
  .map((h) => h as [string, string][]);

const anyJson = fc.jsonValue({ maxDepth: 2 });
const intLike = fc.oneof(
  fc.integer({ min: -5, max: 70_000 }),
  pick(0, 1, 60_000, 60_001, 300_000, 300_001, 3_600_001, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 1e308, -0, 0.5),
  pick<unknown>("5", null, true, [], {}),
);
const fieldsArb = fc.record(
  {
    command: fc.oneof({ weight: 4, arbitrary: fc.string({ maxLength: 50 }) }, pick<unknown>("", null, 5, [], "é🙂".repeat(10)), anyJson),
    workdir: fc.oneof(pick("/tmp", "/", "/nonexistent/dir", "relative", "/etc/passwd", "", "a\u0000b", ".."), anyJson),
    env: fc.oneof(
      fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 5 }),
      pick(JSON.parse('{"__proto__":"x","constructor":"y"}'), { A: 1 }, "env", null),
      anyJson,
    ),
    background: fc.oneof(fc.boolean(), anyJson),
    timeout_ms: intLike,
    kill_grace_ms: intLike,
    stdin: fc.oneof(fc.boolean(), anyJson),
    client_token: fc.oneof(pick("t1", "t2", "", "x".repeat(128), "x".repeat(129)), fc.string({ maxLength: 10 }), anyJson),
    wait_ms: intLike,
    signal: fc.oneof(pick("kill", "terminate", "interrupt", "hangup", "", "KILL", "SIGKILL", null), anyJson),
    data: fc.oneof(fc.string({ maxLength: 24 }), pick("aGkK", "====", "a", "é", "%%%"), anyJson),
    encoding: fc.oneof(pick("utf8", "base64", "hex", null), anyJson),
    eof: fc.oneof(fc.boolean(), anyJson),
  },
  { requiredKeys: [] },
);
// Mostly-valid bodies reach the manager (starts, the running limit, signals, stdin) rather than the validator.
const plausibleArb = fc.record(
  {
    command: pick("true", "echo hi", "sleep 1", "x"),
    client_token: pick("t1", "t2", "t3"),
    stdin: fc.boolean(),
    timeout_ms: pick(1, 50, 1000),
    wait_ms: pick(0, 1, 5),
    signal: pick("kill", "terminate", "interrupt", "hangup"),
    data: pick("hi\n", "aGkK", ""),
    encoding: pick("utf8", "base64"),
    eof: fc.boolean(),
  },
  { requiredKeys: ["command", "signal", "data"] },
);
const bodyArb: fc.Arbitrary<string | Uint8Array | null> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 6, arbitrary: plausibleArb.map((o) => JSON.stringify(o)) },
  { weight: 6, arbitrary: fieldsArb.map((o) => JSON.stringify(o)) },
  { weight: 1, arbitrary: anyJson.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.nat(700).map((n) => JSON.stringify({ command: "x".repeat(n) })) },
  { weight: 1, arbitrary: pick("", "{", "[1]", "null", '{"command":"a","command":5}', `{"a":${"[".repeat(3000)}`) },
);

const requestArb: fc.Arbitrary<FuzzRequest> = fc
  .record({
    route: routeArb,
    id: idArb,
    query: queryArb,
    headers: headersArb,
    body: bodyArb,
    abortAfterMs: fc.integer({ min: 0, max: 8 }),
  })
  .map(({ route: [method, suffix], id, query, headers, body, abortAfterMs }) => {
    const root = suffix === "/healthz" || suffix === "/openapi.json";
    const byId = !root && !["/start", "/run", "/list"].includes(suffix);
    // `{index}` is resolved to a live id when the step runs; encode it as a placeholder here.
    const idPart = "index" in id ? `\u0001${id.index}` : id.raw;
    const path = root ? suffix : byId ? `${BASE}/${idPart}${suffix}` : `${BASE}${suffix}`;
    return { method, path, query, headers, body, abortAfterMs };
  });

const eventArb: fc.Arbitrary<FakeEvent> = fc.oneof(
  fc.record({ kind: fc.constant("write" as const), index: fc.nat(6), bytes: fc.uint8Array({ minLength: 1, maxLength: 120 }) }),
  fc.record({ kind: fc.constant("finish" as const), index: fc.nat(6), code: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("exit-open" as const), index: fc.nat(6), survivor: fc.boolean() }),
  fc.record({ kind: fc.constant("close-pipe" as const), index: fc.nat(6) }),
);

const stepsArb: fc.Arbitrary<Step[]> = fc.array(
  fc.oneof(
    { weight: 5, arbitrary: requestArb.map((r) => ({ kind: "requests" as const, requests: [r] })) },
    { weight: 1, arbitrary: fc.array(requestArb, { minLength: 2, maxLength: 4 }).map((requests) => ({ kind: "requests" as const, requests })) },
    { weight: 2, arbitrary: eventArb },
  ),
  { minLength: 1, maxLength: 10 },
);

/** The arbitrary of one fuzz case: an API configuration and the steps run against it. */
export const fuzzCaseArb = fc.record({ config: configArb, steps: stepsArb });

