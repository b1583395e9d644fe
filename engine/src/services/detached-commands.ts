// Pure builders for the shell the detached service manager runs as root over SSH. Liveness is read
// from /proc: a zombie (state Z) counts as stopped (commands/process-liveness.ts).
import { PROCESS_LIVENESS_FUNCTIONS } from "../commands/process-liveness.js";
import type { StopSignal } from "./service-def.js";

/** Env var carrying the definition hash into the daemon's environment (read back from /proc/PID/environ). */
export const DEFINITION_ENV = "PGAAS_SERVICE_DEF";

// $1 pidfile → "running PID DEFHASH" | "stopped".
const STATUS_SCRIPT = `${PROCESS_LIVENESS_FUNCTIONS}
pid=$(pid_of "$1")
if [ -n "$pid" ] && alive "$pid"; then
  def=$(tr '\\0' '\\n' < "/proc/$pid/environ" 2>/dev/null | sed -n 's/^${DEFINITION_ENV}=//p')
  echo "running $pid $def"
else
  echo stopped
fi`;

// $1 pidfile, $2 log, $3 workdir, $4 user, $5 mode (own|daemon|forks), $6 def hash, $7 start wait
// (tenths of a second), then argv. "own": the child shell writes its own PID through fd 3 (opened by
// root, so the user needs no write access to the pidfile's directory), then execs the daemon — runuser
// forks, so $! would be runuser's PID, not the daemon's. `env --default-signal`: a background job of a
// non-interactive shell starts with SIGINT and SIGQUIT ignored, and the daemon would inherit that.
const START_SCRIPT = `${PROCESS_LIVENESS_FUNCTIONS}
set -e
pidfile=$1 log=$2 dir=$3 user=$4 mode=$5 limit=$7
export ${DEFINITION_ENV}=$6
shift 7
cd "$dir"
case $mode in
  own) setsid env --default-signal runuser -u "$user" -- sh -c 'echo $$ >&3; exec 3>&-; exec "$@"' pgaas-service "$@" 3>"$pidfile" </dev/null >>"$log" 2>&1 & ;;
  daemon) setsid env --default-signal runuser -u "$user" -- "$@" </dev/null >>"$log" 2>&1 & ;;
  forks)
    if ! setsid env --default-signal runuser -u "$user" -- "$@" </dev/null >>"$log" 2>&1; then
      echo "start command failed; last lines of $log:" >&2
      tail -n 20 "$log" >&2 || true
      exit 1
    fi ;;
esac
i=0
while [ $i -lt "$limit" ]; do
  pid=$(pid_of "$pidfile")
  if [ -n "$pid" ] && alive "$pid"; then
    sleep 0.2
    if alive "$pid"; then echo "started $pid"; exit 0; fi
  fi
  sleep 0.1
  i=$((i + 1))
done
echo "did not stay up; last lines of $log:" >&2
tail -n 20 "$log" >&2 || true
exit 1`;

// $1 pidfile, $2 signal, $3 wait (tenths of a second) → "stopped PID" | "not-running". PID files are
// left in place: a stale one reads as stopped, and some belong to the daemon (postmaster.pid).
const STOP_SCRIPT = `${PROCESS_LIVENESS_FUNCTIONS}
pid=$(pid_of "$1")
if [ -z "$pid" ] || ! alive "$pid"; then
  echo not-running
  exit 0
fi
kill -s "$2" "$pid" 2>/dev/null || true
i=0
while alive "$pid" && [ $i -lt "$3" ]; do sleep 0.1; i=$((i + 1)); done
if alive "$pid"; then
  kill -s KILL "$pid" 2>/dev/null || true
  i=0
  while alive "$pid" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
fi
if alive "$pid"; then echo "process $pid survived KILL" >&2; exit 1; fi
echo "stopped $pid"`;

export type StartMode = "own" | "daemon" | "forks";

export function statusCommand(pidFile: string): readonly string[] {
  return ["sh", "-c", STATUS_SCRIPT, "pgaas-status", pidFile];
}

export interface StartCommandInput {
  readonly pidFile: string;
  readonly logFile: string;
  readonly workingDir: string;
  readonly user: string;
  readonly mode: StartMode;
  readonly definitionHash: string;
  readonly startTimeoutMs: number;
  readonly argv: readonly string[];
}

export function startCommand(input: StartCommandInput): readonly string[] {
  const tenths = String(Math.max(1, Math.ceil(input.startTimeoutMs / 100)));
  return [
    "sh",
    "-c",
    START_SCRIPT,
    "pgaas-start",
    input.pidFile,
    input.logFile,
    input.workingDir,
    input.user,
    input.mode,
    input.definitionHash,
    tenths,
    ...input.argv,
  ];
}

export function stopCommand(pidFile: string, signal: StopSignal, timeoutMs: number): readonly string[] {
  const tenths = String(Math.max(1, Math.ceil(timeoutMs / 100)));
  return ["sh", "-c", STOP_SCRIPT, "pgaas-stop", pidFile, signal, tenths];
}

export interface ParsedStatus {
  readonly running: boolean;
  readonly pid?: number;
  readonly definitionHash?: string;
}

export function parseStatus(stdout: string): ParsedStatus {
  const [state, pid, hash] = stdout.trim().split(/\s+/);
  if (state !== "running" || pid === undefined) return { running: false };
  return { running: true, pid: Number(pid), ...(hash ? { definitionHash: hash } : {}) };
}
