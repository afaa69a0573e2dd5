// The server's flags and environment variables (docs/api.md §6): parsing, precedence, errors, and a `--help` that
// lists every setting. The real server entry printing it: test/e2e/server-entry.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_LIMITS, type Limits } from "../../src/core/limits.ts";
import { ConfigError, helpText, parseServerConfig } from "../../src/cli/server-config.ts";
import { FLAGS, helpRows } from "../support/help-rows.ts";

describe("parseServerConfig", () => {
  it("defaults to 127.0.0.1:7070, no token, access log on", () => {
    assert.deepEqual(parseServerConfig([], {}), {
      host: "127.0.0.1",
      port: 7070,
      api: { limits: {} },
      help: false,
      version: false,
      quiet: false,
    });
  });

  it("reads `--flag value` and `--flag=value`", () => {
    const config = parseServerConfig(
      ["--port", "8080", "--host=0.0.0.0", "--workdir", "/w", "--base-path=/p", "--token=a=b"]
        .concat(["--max-processes", "3", "--quiet"]),
      {},
    );
    assert.equal(config.port, 8080);
    assert.equal(config.host, "0.0.0.0");
    assert.deepEqual(config.api, { limits: { maxRunning: 3 }, workdir: "/w", basePath: "/p", token: "a=b" });
    assert.equal(config.quiet, true);
    assert.equal(parseServerConfig(["--quiet=false"], {}).quiet, false);
    assert.equal(parseServerConfig(["--max-wait-ms=0"], {}).api.limits?.maxWaitMs, 0);
  });

  it("reads EDGEPROC_* variables and PORT, ignoring empty ones", () => {
    const config = parseServerConfig([], {
      PORT: "9000",
      EDGEPROC_HOST: "::1",
      EDGEPROC_TOKEN: "t",
      EDGEPROC_MAX_PROCESSES: "5",
      EDGEPROC_KILL_GRACE_MS: "100",
      EDGEPROC_WORKDIR: "",
      EDGEPROC_QUIET: "1",
    });
    assert.equal(config.port, 9000);
    assert.equal(config.host, "::1");
    assert.deepEqual(config.api, { limits: { maxRunning: 5, killGraceMs: 100 }, token: "t" });
    assert.equal(config.quiet, true);
    assert.equal(parseServerConfig([], { EDGEPROC_PORT: "9001", PORT: "9000" }).port, 9001);
    assert.equal(parseServerConfig([], { EDGEPROC_QUIET: "true" }).quiet, true);
    assert.equal(parseServerConfig([], { EDGEPROC_QUIET: "0" }).quiet, false);
  });

  it("lets flags win over variables", () => {
    const env = { PORT: "9000", EDGEPROC_MAX_PROCESSES: "5", EDGEPROC_TOKEN: "env", EDGEPROC_QUIET: "0" };
    const config = parseServerConfig(["--port", "1", "--max-processes=4", "--token", "flag", "--quiet"], env);
    assert.equal(config.port, 1);
    assert.equal(config.api.limits?.maxRunning, 4);
    assert.equal(config.api.token, "flag");
    assert.equal(config.quiet, true);
  });

  it("throws ConfigError for bad values", () => {
    const bad: [string[], Record<string, string>][] = [
      [["--port", "abc"], {}],
      [["--port", "70000"], {}],
      [["--port", "-1"], {}],
      [["--port"], {}],
      [["--max-processes", "1.5"], {}],
      [[], { EDGEPROC_MAX_PROCESSES: "x" }],
      [[], { PORT: "http" }],
      [[], { EDGEPROC_QUIET: "maybe" }],
      [["--quiet=yes please"], {}],
      [["--request-timeout-ms", "30s"], {}],
      [[], { EDGEPROC_REQUEST_TIMEOUT_MS: "-1" }],
    ];
    for (const [argv, env] of bad) {
      assert.throws(() => parseServerConfig(argv, env), ConfigError, JSON.stringify([argv, env]));
    }
  });

  it("refuses an output budget that cannot hold every running process's head and tail, naming the floor", () => {
    const tooSmall = (argv: string[], env: Record<string, string> = {}) =>
      assert.throws(() => parseServerConfig(argv, env), (err) => err instanceof ConfigError && /at least \d+/.test(err.message));
    tooSmall(["--max-output-bytes", "8389375"]);
    tooSmall([], { EDGEPROC_MAX_OUTPUT_BYTES: "1048576" });
    tooSmall(["--max-processes", "5000"]);
    tooSmall(["--max-output-bytes", "1048576", "--max-processes", "32"]);
    assert.equal(parseServerConfig(["--max-output-bytes", "8389376"], {}).api.limits?.maxOutputBytes, 8389376);
    const few = parseServerConfig(["--max-output-bytes", "1048576", "--max-processes", "31"], {});
    assert.equal(few.api.limits?.maxRunning, 31);
  });

  it("refuses an empty or blank token, by flag or variable, instead of running without auth", () => {
    for (const [argv, env] of [
      [["--token", ""], {}],
      [["--token="], {}],
      [["--token", "   "], {}],
      [[], { EDGEPROC_TOKEN: "" }],
      [[], { EDGEPROC_TOKEN: " \t" }],
    ] as [string[], Record<string, string>][]) {
      assert.throws(() => parseServerConfig(argv, env), (err) => err instanceof ConfigError && /token/i.test(err.message));
    }
    assert.equal(parseServerConfig(["--token", "s3cret"], { EDGEPROC_TOKEN: "" }).api.token, "s3cret", "the flag wins");
  });

  it("reads --allowed-origins and --allowed-hosts as comma-separated lists", () => {
    const config = parseServerConfig(["--allowed-origins", "https://a.example, http://b.example:8080,"], {
      EDGEPROC_ALLOWED_HOSTS: "box.internal,.dev.example",
    });
    assert.deepEqual(config.api.allowedOrigins, ["https://a.example", "http://b.example:8080"]);
    assert.deepEqual(config.api.allowedHosts, ["box.internal", ".dev.example"]);
    assert.equal(parseServerConfig([], {}).api.allowedOrigins, undefined);
  });

  it("throws ConfigError for an unknown flag or a bare argument", () => {
    assert.throws(
      () => parseServerConfig(["--nope", "1"], {}),
      (err) => err instanceof ConfigError && /--nope/.test(err.message),
    );
    assert.throws(() => parseServerConfig(["serve"], {}), ConfigError);
  });

  it("asks for help with --help or -h", () => {
    assert.equal(parseServerConfig(["--help"], {}).help, true);
    assert.equal(parseServerConfig(["-h", "--port", "1"], {}).help, true);
  });

  it("asks for the version with --version, which --help lists", () => {
    assert.equal(parseServerConfig(["--version"], {}).version, true);
    assert.equal(parseServerConfig(["--port", "1"], {}).version, false);
    assert.match(helpText("edgeproc"), /^ {2}--version +print the version and exit$/m);
  });
});

/** A value each numeric flag accepts: 7, but the output budget must hold the floors of 256 processes. */
const numberFor = (flag: string, n = 7) => String(flag === "max-output-bytes" ? n * 1e8 : n);

describe("helpText", () => {
  const rows = helpRows(helpText("edgeproc"));

  it("lists every flag, and each flag and variable sets what it says", () => {
    const flags = rows.map((r) => r.flag);
    for (const flag of FLAGS) assert.ok(flags.includes(flag), `--${flag} missing from --help`);
    for (const { flag, takesValue, vars } of rows) {
      const value = flag === "quiet" ? "1" : ["host", "workdir", "base-path", "token"].includes(flag) ? "/x" : numberFor(flag);
      const byFlag = parseServerConfig(takesValue ? [`--${flag}`, value] : [`--${flag}`], {});
      assert.notDeepEqual(byFlag, parseServerConfig([], {}), `--${flag} changes nothing`);
      for (const name of vars) {
        assert.deepEqual(parseServerConfig([], { [name]: value }), byFlag, `${name} differs from --${flag}`);
      }
    }
  });

  it("has a flag for every limit", () => {
    for (const key of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
      const sets = (flag: string) =>
        parseServerConfig([`--${flag}`, numberFor(flag)], {}).api.limits?.[key] === Number(numberFor(flag));
      const setters = rows.filter((r) => r.takesValue && sets(r.flag));
      assert.equal(setters.length, 1, `limit ${key} has ${setters.length} flags in --help`);
    }
  });
});

describe("limit configuration", () => {
  it("has a flag and an environment variable for every limit, the flag winning", () => {
    const rows = [...helpText("edgeproc").matchAll(/^ {2}--([a-z-]+) N\s+(EDGEPROC_[A-Z_]+)/gm)];
    const seen = new Set<string>();
    for (const [, flag, variable] of rows) {
      if (flag === "port") continue;
      const fromFlag = parseServerConfig([`--${flag}`, numberFor(flag!)], {}).api.limits ?? {};
      const keys = Object.keys(fromFlag);
      assert.equal(keys.length, 1, `--${flag} sets ${keys}`);
      const key = keys[0] as keyof Limits;
      assert.equal(fromFlag[key], Number(numberFor(flag!)));
      const fromVar = parseServerConfig([], { [variable!]: numberFor(flag!, 9) }).api.limits?.[key];
      assert.equal(fromVar, Number(numberFor(flag!, 9)), variable);
      const both = parseServerConfig([`--${flag}=${numberFor(flag!, 3)}`], { [variable!]: numberFor(flag!, 9) });
      assert.equal(both.api.limits?.[key], Number(numberFor(flag!, 3)), `--${flag} wins`);
      seen.add(key);
    }
    assert.deepEqual([...seen].sort(), Object.keys(DEFAULT_LIMITS).sort());
  });
});
