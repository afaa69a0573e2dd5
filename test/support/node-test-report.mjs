/**
 * A `node --test` reporter that writes, once the run ends, every test (not suite: Node 20 marks only suites with a `type`) it saw as JSON:
 * `{ runtime: "node", tests: [{ file, name, status }] }`, `name` being the titles from the outermost describe
 * down, joined by " > ". scripts/check-test-reports.ts compares it with what Bun and Deno report.
 * JavaScript, not TypeScript: Node 20 loads reporters before `--import tsx` is in place.
 * @example
 * ```sh
 * node --import tsx --test --test-reporter=./test/support/node-test-report.mjs \
 *   --test-reporter-destination=test-reports/node.json test/unit/output-log.test.ts
 * ```
 * @module
 */

/**
 * Turns the run's events into the report; the run's output is this one string, at the end.
 * @param {AsyncIterable<{ type: string, data: { name: string, nesting: number, file?: string,
 *   skip?: string | boolean, todo?: string | boolean, details?: { type?: "suite" | "test" } } }>} source
 * @returns {AsyncGenerator<string>}
 */
export default async function* nodeTestReport(source) {
  /** @type {{ file: string, name: string, status: "pass" | "fail" | "skip" }[]} */
  const tests = [];
  // The titles of the tests under way per file, by nesting: node reports each test between its own start and
  // its parent's end, so the enclosing titles are those started at lower nesting.
  /** @type {Map<string, string[]>} */
  const open = new Map();
  for await (const { type, data } of source) {
    const file = data.file ?? "";
    const path = open.get(file) ?? [];
    open.set(file, path);
    if (type === "test:start") {
      path.length = data.nesting;
      path.push(data.name);
    } else if ((type === "test:pass" || type === "test:fail") && data.details?.type !== "suite") {
      const name = [...path.slice(0, data.nesting), data.name].join(" > ");
      const skipped = (data.skip !== undefined && data.skip !== false) || (data.todo !== undefined && data.todo !== false);
      tests.push({ file, name, status: skipped ? "skip" : type === "test:pass" ? "pass" : "fail" });
    }
  }
  yield `${JSON.stringify({ runtime: "node", tests }, null, 1)}\n`;
}
