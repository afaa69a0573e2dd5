/**
 * Chat scope headers (docs/api.md §2), parsed as coder parses them: a bad or nil chat id means "no chat", a bad
 * ancestor list means "no ancestors", and bad entries in the list are skipped.
 * @module
 */

import { OPERATOR_SCOPE, type ChatScope } from "../core/chat-scope.ts";

const HEX32 = /^[0-9a-f]{32}$/;
const NIL_UUID = "00000000-0000-0000-0000-000000000000";

/**
 * A UUID in canonical lower-case form, or `null`. Accepts the forms Go's `uuid.Parse` accepts: plain, `{…}`,
 * `urn:uuid:…` and 32 bare hex digits, in any case.
 * @example
 * ```ts
 * parseUuid("{6BA7B810-9DAD-11D1-80B4-00C04FD430C8}"); // "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
 * ```
 */
export function parseUuid(raw: string): string | null {
  let s = raw.toLowerCase();
  if (s.length === 45 && s.startsWith("urn:uuid:")) s = s.slice(9);
  else if (s.length === 38 && s.startsWith("{") && s.endsWith("}")) s = s.slice(1, -1);
  let hex: string;
  if (s.length === 36) {
    if (s[8] !== "-" || s[13] !== "-" || s[18] !== "-" || s[23] !== "-") return null;
    hex = s.slice(0, 8) + s.slice(9, 13) + s.slice(14, 18) + s.slice(19, 23) + s.slice(24);
  } else if (s.length === 32) {
    hex = s;
  } else {
    return null;
  }
  if (!HEX32.test(hex)) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The chat scope of a request, from `Coder-Chat-Id` and `Coder-Ancestor-Chat-Ids`.
 * @example
 * ```ts
 * const scope = chatScope(request.headers);
 * ```
 */
export function chatScope(headers: Headers): ChatScope {
  // A repeated header arrives joined with ", ": coder (Go's Header.Get) reads the first value. The nil UUID is
  // what Go's uuid.UUID{} means by "no chat".
  const first = (headers.get("coder-chat-id") ?? "").split(",")[0]!.trim();
  const chatId = parseUuid(first);
  if (chatId === null || chatId === NIL_UUID) return { ...OPERATOR_SCOPE, ancestorIds: [] };
  return { chatId, ancestorIds: parseAncestors(headers.get("coder-ancestor-chat-ids")) };
}

function parseAncestors(raw: string | null): string[] {
  if (!raw) return [];
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(list)) return [];
  const ids: string[] = [];
  for (const item of list) {
    const id = typeof item === "string" ? parseUuid(item) : null;
    if (id !== null) ids.push(id);
  }
  return ids;
}
