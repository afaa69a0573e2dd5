/**
 * `npm run test:reports`: fails unless Node, Bun and Deno each reported every test of every test file. A runtime
 * can drop tests and still exit 0 (Node's `--test-force-exit` loses the last verdicts of a file,
 * nodejs/node#64833); comparing the runtimes' reports catches a test that silently disappears on one of them.
 *
 * Reads `test-reports/node.json` (test/support/node-test-report.mjs), `test-reports/bun.xml` (`bun test
 * --reporter=junit`) and `test-reports/deno.xml` (`deno test --junit-path`). A test is a file and its titles from
 * the outermost describe down; the name of the runtime under test in a title reads `{runtime}`. Every test any
 * runtime reports for a file must be reported (passed, failed or skipped) by every runtime, as many times, and
 * every `*.test.ts` under test/ must be reported by each. A test that does not apply to a runtime is therefore
 * registered there with `skip`, not left out (a skipped describe is not reported alike by all three).
 *
 * The end-to-end and contract suites also run on newer Node releases (`test:node24`, `test:node22`): their reports,
 * `test-reports/node24.json` and so on, must hold every test of test/e2e and test/contract as Node 20's does.
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import process from "node:process";
import { ROOT, RUNTIMES, type Runtime } from "../test/support/runtime.ts";

/** One test as a runtime reported it. */
interface Reported {
  file: string;
  name: string;
  status: "pass" | "fail" | "skip";
}

const REPORTS = join(ROOT, "test-reports");

/** Repository-relative, without `./`, whatever form the runtime printed the path in. */
function repoPath(file: string): string {
  return relative(ROOT, resolve(ROOT, file.replace(/^file:\/\//, "")));
}

/**
 * The title with the runtime's own name, as a word between spaces or parentheses, replaced: `e2e core on bun` and
 * `e2e core on node` are one test, `bun-serve.ts` and `node:child_process` stay what they are.
 */
function neutral(name: string, runtime: Runtime): string {
  return name.replace(new RegExp(`(?<=^|[\\s(])${runtime}(?=$|[\\s)])`, "g"), "{runtime}");
}

/** A JUnit element: its tag, attributes, and (for testcase) whether it holds `<skipped>` or `<failure>`. */
interface Element {
  tag: string;
  attrs: Record<string, string>;
  children: Element[];
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x?[0-9a-f]+|\w+);/gi, (whole, code: string) => {
    if (code[0] !== "#") return ENTITIES[code] ?? whole;
    return String.fromCodePoint(code[1] === "x" ? parseInt(code.slice(2), 16) : Number(code.slice(1)));
  });
}

/** The element tree of a JUnit file: only the tags that say what ran; text (failure messages) is ignored. */
function parseJunit(xml: string): Element {
  const root: Element = { tag: "root", attrs: {}, children: [] };
  const stack = [root];
  const tags = /<(\/?)(testsuites|testsuite|testcase|skipped|failure|error)\b((?:[^>"]|"[^"]*")*?)(\/?)>/g;
  for (const [, closing, tag, rawAttrs, selfClosing] of xml.matchAll(tags)) {
    if (closing) {
      if (stack.at(-1)!.tag !== tag) throw new Error(`Cannot read the JUnit report: </${tag}> closes <${stack.at(-1)!.tag}>`);
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const [, key, value] of rawAttrs!.matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[key!] = decode(value!);
    const element: Element = { tag: tag!, attrs, children: [] };
    stack.at(-1)!.children.push(element);
    if (!selfClosing) stack.push(element);
  }
  if (stack.length !== 1) throw new Error(`Cannot read the JUnit report: <${stack.at(-1)!.tag}> is never closed`);
  return root;
}

function statusOf(testcase: Element): Reported["status"] {
  if (testcase.children.some((c) => c.tag === "failure" || c.tag === "error")) return "fail";
  return testcase.children.some((c) => c.tag === "skipped") ? "skip" : "pass";
}

/** Bun: a testsuite per file, nested testsuites per describe, testcases for the tests. */
function readBun(xml: string): Reported[] {
  const tests: Reported[] = [];
  const walk = (suite: Element, file: string, titles: string[]) => {
    for (const child of suite.children) {
      if (child.tag === "testsuite") walk(child, file, [...titles, child.attrs.name!]);
      if (child.tag === "testcase") tests.push({ file, name: [...titles, child.attrs.name!].join(" > "), status: statusOf(child) });
    }
  };
  for (const top of parseJunit(xml).children.flatMap((e) => (e.tag === "testsuites" ? e.children : [e]))) {
    if (top.tag === "testsuite") walk(top, repoPath(top.attrs.file ?? top.attrs.name!), []);
  }
  return tests;
}

/**
 * Deno: a testsuite per file with a testcase per top-level test, and the steps (what describe and it nest) of
 * every file in testsuites named after Deno's internal modules, titled `outer > inner > test`, in the order they
 * ran. Files run one after the other, so each step belongs to the file whose top-level test it starts with,
 * taking the files in that order. A title that has steps under it is a describe, not a test.
 */
function readDeno(xml: string): Reported[] {
  const suites = parseJunit(xml).children.flatMap((e) => (e.tag === "testsuites" ? e.children : [e]));
  const files = suites.filter((s) => s.tag === "testsuite" && !s.attrs.name!.startsWith("ext:"));
  const shims = suites.filter((s) => s.tag === "testsuite" && s.attrs.name!.startsWith("ext:"));
  const all: Reported[] = [];
  for (const suite of files) {
    for (const testcase of suite.children) all.push({ file: repoPath(suite.attrs.name!), name: testcase.attrs.name!, status: statusOf(testcase) });
  }
  // Deno files steps under the internal module that ran them (mostly ext:deno_node/testing.ts, a few under
  // ext:core/01_core.js), each such testsuite in the order its steps ran.
  for (const shim of shims) {
    let current = 0;
    for (const step of shim.children.filter((s) => s.tag === "testcase")) {
      const name = step.attrs.name!;
      const owns = (i: number) => files[i]!.children.some((t) => name.startsWith(`${t.attrs.name} > `));
      while (current < files.length && !owns(current)) current++;
      if (current === files.length) throw new Error(`Cannot tell which file Deno's step "${name}" belongs to`);
      all.push({ file: repoPath(files[current]!.attrs.name!), name, status: statusOf(step) });
    }
  }
  return all.filter((t) => !all.some((o) => o.file === t.file && o.name.startsWith(`${t.name} > `)));
}

function readNode(json: string): Reported[] {
  return (JSON.parse(json) as { tests: Reported[] }).tests.map((t) => ({ ...t, file: repoPath(t.file) }));
}

const READERS: Record<Runtime, [string, (text: string) => Reported[]]> = {
  node: ["node.json", readNode],
  bun: ["bun.xml", readBun],
  deno: ["deno.xml", readDeno],
};

/** A report to compare: one of the three runtimes, or Node 20's runner and servers on another Node release. */
interface Report {
  /** `node`, `bun`, `deno`, or the npm script's `nodeNN` (`test:node24`). */
  label: string;
  runtime: Runtime;
  /** Whether the report must cover a test file. */
  covers(file: string): boolean;
}

/**
 * The reports of the other Node releases, one per `test:nodeNN` script of package.json (scripts/with-node.sh):
 * they run test/e2e and test/contract only, and must report every test of those files as Node 20 does.
 */
function otherNodes(): Report[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
  return Object.keys(pkg.scripts)
    .filter((name) => /^test:node\d+$/.test(name))
    .map((name) => ({
      label: name.slice("test:".length),
      runtime: "node" as const,
      covers: (file: string) => /^test\/(e2e|contract)\//.test(file),
    }));
}

/** How many times each test of each file was reported, `file` → `name` → count. */
type Census = Map<string, Map<string, number>>;

function census({ label, runtime }: Report): Census {
  const [base, read] = READERS[runtime];
  const name = label === runtime ? base : base.replace(runtime, label);
  const path = join(REPORTS, name);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`No ${label} report at ${relative(ROOT, path)}: run npm run test:${label} first (${error})`);
  }
  const byFile: Census = new Map();
  for (const test of read(text)) {
    const names = byFile.get(test.file) ?? new Map<string, number>();
    byFile.set(test.file, names);
    const key = neutral(test.name, runtime);
    names.set(key, (names.get(key) ?? 0) + 1);
  }
  return byFile;
}

/** Every `*.test.ts` below test/, repository-relative. */
function testFiles(): string[] {
  return (readdirSync(join(ROOT, "test"), { recursive: true }) as string[])
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => join("test", f))
    .sort();
}

/** The problems found, one line each; none means every report holds every test of every file it covers. */
function compareReports(): string[] {
  const problems: string[] = [];
  const runtimes = RUNTIMES.map((runtime) => ({ label: runtime, runtime, covers: () => true }));
  const all: Report[] = [...runtimes, ...otherNodes()];
  const reports = new Map(all.map((r) => [r, census(r)]));
  const files = new Set([...testFiles(), ...[...reports.values()].flatMap((c) => [...c.keys()])]);
  for (const file of [...files].sort()) {
    const covering = all.filter((r) => r.covers(file));
    for (const report of all.filter((r) => !r.covers(file) && reports.get(r)!.has(file))) {
      problems.push(`${report.label}: reported ${file}, which it does not run`);
    }
    const names = new Set(covering.flatMap((r) => [...(reports.get(r)!.get(file)?.keys() ?? [])]));
    for (const report of covering) {
      const seen = reports.get(report)!.get(file);
      if (!seen) {
        problems.push(`${report.label}: reported no test of ${file}`);
        continue;
      }
      for (const name of names) {
        const most = Math.max(...covering.map((r) => reports.get(r)!.get(file)?.get(name) ?? 0));
        const mine = seen.get(name) ?? 0;
        if (mine < most) problems.push(`${report.label}: ${file}: "${name}" reported ${mine} of ${most} times`);
      }
    }
  }
  for (const [report, byFile] of reports) {
    const total = [...byFile.values()].reduce((n, names) => n + [...names.values()].reduce((a, b) => a + b, 0), 0);
    console.log(`${report.label}: ${byFile.size} files, ${total} tests reported`);
  }
  return problems;
}

const problems = compareReports();
for (const line of problems) console.error(line);
if (problems.length > 0) {
  console.error(`${problems.length} problem(s): a test that does not apply to a runtime is registered there with skip`);
  process.exit(1);
}
console.log("every runtime reported every test");
