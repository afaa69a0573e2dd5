// Chat header parsing, as coder parses it (reference §1): bad ids mean "no chat", bad ancestors are skipped.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { chatScope, parseUuid } from "../../src/http/chat-headers.ts";

const ID = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";

describe("parseUuid", () => {
  it("accepts the forms Go's uuid.Parse accepts, in any case, and canonicalises", () => {
    for (const raw of [ID, ID.toUpperCase(), `{${ID}}`, `urn:uuid:${ID}`, ID.replaceAll("-", "")]) {
      assert.equal(parseUuid(raw), ID, raw);
    }
  });

  it("rejects everything else", () => {
    for (const raw of ["", "x", `${ID}0`, ID.slice(1), ID.replace("-", "_"), `{${ID}`, ID.replace("6", "g")]) {
      assert.equal(parseUuid(raw), null, raw);
    }
  });
});

describe("chatScope", () => {
  const scope = (headers: Record<string, string>) => chatScope(new Headers(headers));

  it("is no chat without a valid chat id, whatever the ancestors say", () => {
    assert.deepEqual(scope({}), { chatId: null, ancestorIds: [] });
    assert.deepEqual(scope({ "Coder-Chat-Id": "nope", "Coder-Ancestor-Chat-Ids": `["${ID}"]` }), {
      chatId: null,
      ancestorIds: [],
    });
  });

  it("is no chat for the nil UUID, in any of its forms, as coder's uuid.UUID{} means", () => {
    for (const nil of ["00000000-0000-0000-0000-000000000000", "{00000000-0000-0000-0000-000000000000}", "0".repeat(32)]) {
      assert.deepEqual(scope({ "Coder-Chat-Id": nil, "Coder-Ancestor-Chat-Ids": `["${ID}"]` }), {
        chatId: null,
        ancestorIds: [],
      });
    }
  });

  it("reads the first of repeated Coder-Chat-Id headers, as Go's Header.Get does", () => {
    const other = "11111111-1111-4111-8111-111111111111";
    const headers = new Headers();
    headers.append("Coder-Chat-Id", ID);
    headers.append("Coder-Chat-Id", other);
    assert.equal(chatScope(headers).chatId, ID);
    const badFirst = new Headers();
    badFirst.append("Coder-Chat-Id", "nope");
    badFirst.append("Coder-Chat-Id", other);
    assert.equal(chatScope(badFirst).chatId, null, "a bad first value is no chat, not the second");
  });

  it("keeps valid ancestors in order and skips the rest; malformed lists mean none", () => {
    const other = "11111111-1111-4111-8111-111111111111";
    const list = JSON.stringify([other, "bad", 5, ID.toUpperCase()]);
    assert.deepEqual(scope({ "Coder-Chat-Id": ID, "Coder-Ancestor-Chat-Ids": list }), {
      chatId: ID,
      ancestorIds: [other, ID],
    });
    for (const bad of ["[", "{}", '"x"', ""]) {
      assert.deepEqual(scope({ "Coder-Chat-Id": ID, "Coder-Ancestor-Chat-Ids": bad }).ancestorIds, [], bad);
    }
  });
});
