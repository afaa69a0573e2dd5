/**
 * Go duration strings (`"10s"`, `"1m30s"`, `"500ms"`), parsed and printed as Go's `time` package does, because
 * the agent tools take them as coder's do and models have learnt that syntax.
 * @module
 */

const NS_PER_MS = 1e6;
const UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  "\u00b5s": 1e3, // MICRO SIGN
  "\u03bcs": 1e3, // GREEK SMALL LETTER MU
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/**
 * A Go duration string in milliseconds; throws with Go's own message (`time: invalid duration "x"`).
 * @example
 * ```ts
 * parseDuration("1m30s"); // 90000
 * parseDuration("500ms"); // 500
 * ```
 */
export function parseDuration(text: string): number {
  const quoted = JSON.stringify(text);
  let rest = text;
  let negative = false;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    negative = rest.startsWith("-");
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") throw new Error(`time: invalid duration ${quoted}`);
  let ns = 0;
  while (rest !== "") {
    const number = /^(\d*)(?:\.(\d*))?/.exec(rest)!;
    const [whole = "", fraction = ""] = [number[1], number[2]];
    if (whole === "" && fraction === "") throw new Error(`time: invalid duration ${quoted}`);
    rest = rest.slice(number[0].length);
    const unit = /^[^\d.]*/.exec(rest)![0];
    if (unit === "") throw new Error(`time: missing unit in duration ${quoted}`);
    const scale = UNITS[unit];
    if (scale === undefined) throw new Error(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    rest = rest.slice(unit.length);
    ns += Number(`${whole || "0"}.${fraction || "0"}`) * scale;
  }
  if (!Number.isFinite(ns)) throw new Error(`time: invalid duration ${quoted}`);
  return (negative ? -ns : ns) / NS_PER_MS;
}

/**
 * Milliseconds printed as Go prints a `time.Duration` (`"1m30s"`, `"500ms"`, `"1h0m0s"`).
 * @example
 * ```ts
 * formatDuration(90_000); // "1m30s"
 * ```
 */
export function formatDuration(ms: number): string {
  let ns = Math.round(Math.abs(ms) * NS_PER_MS);
  const sign = ms < 0 && ns > 0 ? "-" : "";
  if (ns === 0) return "0s";
  if (ns < 1e3) return `${sign}${ns}ns`;
  if (ns < 1e6) return `${sign}${decimal(ns, 1e3)}\u00b5s`;
  if (ns < 1e9) return `${sign}${decimal(ns, 1e6)}ms`;
  const hours = Math.floor(ns / 3600e9);
  ns -= hours * 3600e9;
  const minutes = Math.floor(ns / 60e9);
  ns -= minutes * 60e9;
  const prefix = hours > 0 ? `${hours}h${minutes}m` : minutes > 0 ? `${minutes}m` : "";
  return `${sign}${prefix}${decimal(ns, 1e9)}s`;
}

/** `value / unit` with the fraction's trailing zeros dropped, exactly (no float rounding). */
function decimal(value: number, unit: number): string {
  const whole = Math.floor(value / unit);
  const digits = String(unit).length - 1;
  const fraction = String(value - whole * unit).padStart(digits, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : String(whole);
}
