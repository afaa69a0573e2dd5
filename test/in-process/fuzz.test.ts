// Fuzzing the HTTP layer in process (fake spawner, no real processes): random and malformed requests at every
// route never produce a 5xx but start_failed, a body outside the contract, an unhandled rejection or a leak.
// `npm run fuzz` runs the same property ten thousand times and more.
import { describe, it } from "node:test";
import { runFuzz } from "../support/fuzz-property.ts";

describe("fuzz", () => {
  it("answers every random request within the contract (300 cases)", { timeout: 120_000 }, async () => {
    await runFuzz(300);
  });
});
