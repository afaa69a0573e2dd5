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
