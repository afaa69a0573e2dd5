// The rules of the browser guard (src/http/browser-guard.ts) as pure functions: which Host names this server,
// which Origin may call it, which Content-Type is JSON. Through the handler and over real HTTP:
// test/in-process/browsers.test.ts, test/e2e/browsers.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hostAllowed, hostName, isJsonType, isOwnOrigin, originAllowed } from "../../src/http/browser-guard.ts";

describe("hostName", () => {
  it("takes the name out of every form of Host", () => {
    const cases: [string, string | null][] = [
      ["localhost", "localhost"],
      ["LOCALHOST:7070", "localhost"],
      ["127.0.0.1:7070", "127.0.0.1"],
      ["[::1]:7070", "::1"],
      ["[::1]", "::1"],
      ["::1", "::1"],
      ["example.com.", "example.com"],
      ["example.com:", "example.com"],
      ["example.com:80x", null],
      ["[::1", null],
      ["[::1]x", null],
    ];
    for (const [raw, name] of cases) assert.equal(hostName(raw), name, raw);
  });
});

describe("hostAllowed", () => {
  it("allows loopback names and addresses by default, and nothing else", () => {
    for (const host of ["localhost", "localhost:7070", "app.localhost:1", "127.0.0.1:7070", "127.9.9.9", "[::1]:7070"]) {
      assert.equal(hostAllowed(host, {}), true, host);
    }
    for (const host of ["evil.example", "evil.example:7070", "127.0.0.1.evil.example", "localhost.evil.example", "10.0.0.5:7070", "[::2]:1"]) {
      assert.equal(hostAllowed(host, {}), false, host);
    }
  });

  it("allows a request without Host (HTTP/1.0: no browser sends one)", () => {
    assert.equal(hostAllowed(undefined, {}), true);
    assert.equal(hostAllowed("", {}), true);
  });

  it("allows the address the server listens on, and every IP address when that is a wildcard", () => {
    assert.equal(hostAllowed("10.0.0.5:7070", { listenAddress: "10.0.0.5" }), true);
    assert.equal(hostAllowed("10.0.0.6:7070", { listenAddress: "10.0.0.5" }), false);
    for (const wildcard of ["0.0.0.0", "::"]) {
      assert.equal(hostAllowed("172.17.0.2:7070", { listenAddress: wildcard }), true);
      assert.equal(hostAllowed("[fd00::2]:7070", { listenAddress: wildcard }), true);
      assert.equal(hostAllowed("evil.example:7070", { listenAddress: wildcard }), false, "names still need --allowed-hosts");
    }
  });

  it("adds --allowed-hosts names, with .suffix for subdomains and * for any", () => {
    const policy = { allowedHosts: ["box.internal", ".dev.example"] };
    assert.equal(hostAllowed("box.internal:7070", policy), true);
    assert.equal(hostAllowed("BOX.internal", policy), true);
    assert.equal(hostAllowed("dev.example", policy), true);
    assert.equal(hostAllowed("a.b.dev.example:1", policy), true);
    assert.equal(hostAllowed("evildev.example", policy), false);
    assert.equal(hostAllowed("other.internal", policy), false);
    assert.equal(hostAllowed("anything.at.all", { allowedHosts: ["*"] }), true);
  });
});

describe("originAllowed", () => {
  it("allows no origin by default, the listed ones exactly, and any with *", () => {
    assert.equal(originAllowed("http://localhost:7070", {}), false);
    assert.equal(originAllowed("null", {}), false);
    const policy = { allowedOrigins: ["https://app.example.com"] };
    assert.equal(originAllowed("https://app.example.com", policy), true);
    assert.equal(originAllowed("HTTPS://APP.EXAMPLE.COM", policy), true);
    assert.equal(originAllowed("http://app.example.com", policy), false);
    assert.equal(originAllowed("https://app.example.com:8443", policy), false);
    assert.equal(originAllowed("https://evil.example", { allowedOrigins: ["*"] }), true);
  });
});

describe("isOwnOrigin", () => {
  it("allows exactly the request's own origin, http or https with the same Host", () => {
    assert.equal(isOwnOrigin("http://127.0.0.1:7070", "127.0.0.1:7070", {}), true);
    assert.equal(isOwnOrigin("https://127.0.0.1:7070", "127.0.0.1:7070", {}), true);
    assert.equal(isOwnOrigin("http://localhost:7070", "LOCALHOST:7070", {}), true);
    assert.equal(isOwnOrigin("http://[::1]:7070", "[::1]:7070", {}), true);
    assert.equal(isOwnOrigin("http://localhost", "localhost", {}), true);
  });

  it("forbids another port, scheme or host, and a request without Host", () => {
    const host = "127.0.0.1:7070";
    for (const origin of ["http://127.0.0.1:7071", "http://127.0.0.1", "ftp://127.0.0.1:7070", "ws://127.0.0.1:7070",
      "http://localhost:7070", "http://127.0.0.2:7070", "null", "", "http://127.0.0.1:7070.evil.example",
      "http://127.0.0.1:7070/", "http://user@127.0.0.1:7070"]) {
      assert.equal(isOwnOrigin(origin, host, {}), false, origin);
    }
    for (const none of [undefined, null, "", " "]) assert.equal(isOwnOrigin("http://", none, {}), false, String(none));
  });

  it("leaves a DNS-rebound page forbidden: its Host is its own name, which names no allowed host", () => {
    assert.equal(isOwnOrigin("http://evil.example:7070", "evil.example:7070", {}), false);
    assert.equal(isOwnOrigin("http://evil.example:7070", "evil.example:7070", { listenAddress: "0.0.0.0" }), false);
  });

  it("trusts a name of --allowed-hosts, but not a Host that only * allows (the rebinding check is off then)", () => {
    const policy = { allowedHosts: ["box.internal", ".dev.example"] };
    assert.equal(isOwnOrigin("http://box.internal:7070", "box.internal:7070", policy), true);
    assert.equal(isOwnOrigin("https://a.dev.example", "a.dev.example", policy), true);
    assert.equal(isOwnOrigin("http://evil.example:7070", "evil.example:7070", { allowedHosts: ["*"] }), false);
    assert.equal(isOwnOrigin("http://127.0.0.1:7070", "127.0.0.1:7070", { allowedHosts: ["*"] }), true);
    assert.equal(isOwnOrigin("http://10.0.0.5:7070", "10.0.0.5:7070", { listenAddress: "10.0.0.5" }), true);
  });
});

describe("isJsonType", () => {
  it("accepts application/json and +json types with parameters, nothing else", () => {
    for (const type of ["application/json", "Application/JSON; charset=utf-8", "application/merge-patch+json", "application/vnd.api+json;v=1"]) {
      assert.equal(isJsonType(type), true, type);
    }
    for (const type of [undefined, "", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/json", "application/jsonp", "application/json-seq"]) {
      assert.equal(isJsonType(type), false, String(type));
    }
  });
});
