/**
 * Reading the server's `--help` text back, for the tests of the flags (unit) and of the entry printing them (e2e).
 * @module
 */

/** Every flag docs/api.md §6 promises, besides one per limit. */
export const FLAGS = ["port", "host", "workdir", "base-path", "token", "quiet"];

/**
 * The rows of the help text: flag, whether it takes a value, and its variables.
 * @example
 * ```ts
 * const flags = helpRows(helpText("edgeproc")).map((r) => r.flag);
 * ```
 */
export function helpRows(text: string): { flag: string; takesValue: boolean; vars: string[] }[] {
  const rows = [];
  for (const line of text.split("\n")) {
    const match = /^ {2}--([a-z-]+)( [A-Z]+)?\s+([A-Z_0-9=, ]+?)\s+default /.exec(line);
    if (!match) continue;
    const vars = match[3]!.split(", ").map((v) => v.replace(/=.*/, ""));
    rows.push({ flag: match[1]!, takesValue: match[2] !== undefined, vars });
  }
  return rows;
}
