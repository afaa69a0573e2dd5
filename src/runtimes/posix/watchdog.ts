/**
 * The watchdog that ends our process groups when the server dies by any means (SIGKILL, an OOM kill, a crash),
 * without waiting for a restart (docs/api.md §6). It is a small `sh` in a session of its own, reading a pipe
 * from the server: `+pgid` when a group starts, `-pgid` once it is known gone. EOF on that pipe means the server
 * is gone: it SIGTERMs every group still listed, SIGKILLs them after the grace, and exits, so it is never left
 * behind itself. It costs each start one short pipe write, and no exec.
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { SHELL } from "./shell.ts";

/** Seconds between the watchdog's SIGTERM and SIGKILL: the default kill grace (docs/api.md §5). */
const GRACE_S = 5;

/**
 * The script. Groups are kept as shell variables (`g_<pgid>`), so adding and removing one forks nothing. It ignores
 * the signals a terminal or a supervisor sends the server's group: only EOF ends it.
 */
const SCRIPT = `# edgeproc-watchdog
trap '' INT HUP TERM QUIT
while read -r line; do
  case $line in
    +*) eval "g_\${line#+}=1" ;;
    -*) unset "g_\${line#-}" ;;
  esac
done
groups=$(set | sed -n 's/^g_\\([0-9][0-9]*\\)=.*/\\1/p')
[ -z "$groups" ] && exit 0
for g in $groups; do kill -TERM "-$g" 2>/dev/null; done
sleep ${GRACE_S}
for g in $groups; do kill -KILL "-$g" 2>/dev/null; done
`;

let watchdog: ChildProcess | null = null;

function started(): ChildProcess | null {
  if (watchdog && watchdog.exitCode === null && watchdog.signalCode === null) return watchdog;
  try {
    const child = spawn(SHELL, ["-c", SCRIPT], { detached: true, stdio: ["pipe", "ignore", "ignore"] });
    // Neither the watchdog nor its pipe may keep an embedding program alive.
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    child.on("error", () => {});
    child.stdin?.on("error", () => {});
    watchdog = child;
    return child;
  } catch {
    return null;
  }
}

/**
 * Tells the watchdog a group started (`true`) or is gone for good (`false`).
 * @example
 * ```ts
 * watchGroup(child.pid, true);
 * ```
 */
export function watchGroup(pgid: number, alive: boolean): void {
  started()?.stdin?.write(`${alive ? "+" : "-"}${pgid}\n`);
}

/**
 * The watchdog's pid, for tests and operators; `null` before the first start.
 * @example
 * ```ts
 * watchdogPid(); // 12345
 * ```
 */
export function watchdogPid(): number | null {
  return watchdog?.pid ?? null;
}
