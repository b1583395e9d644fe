// Shell command lines for host preparation (directories, the postgres user's authorized key, data
// directory inspection). Every value goes through `shellQuote`/`shellCommand`; tests assert exact text.
import { shellCommand, shellQuote } from "@pgaas/common";
import type { DirectorySpec } from "../layout.js";

/** Runs argv as the postgres OS user from /tmp: in root's home the tools fail to read their cwd. */
export function asPostgres(argv: readonly string[], env: Readonly<Record<string, string>> = {}): string {
  const envArgs = Object.entries(env).map(([name, value]) => `${name}=${value}`);
  const command = envArgs.length > 0 ? ["env", ...envArgs, ...argv] : [...argv];
  return `cd /tmp && ${shellCommand(["runuser", "-u", "postgres", "--", ...command])}`;
}

/** Creates or corrects each directory; prints one `changed <path>` line per directory it touched. */
export function ensureDirectoriesCommand(dirs: readonly DirectorySpec[]): string {
  const lines = dirs.map((dir) => {
    const path = shellQuote(dir.path);
    const mode = dir.mode.toString(8);
    const owner = shellQuote(dir.owner);
    return `if [ ! -d ${path} ] || [ "$(stat -c %a:%U:%G ${path})" != ${shellQuote(`${mode}:${dir.owner}:${dir.owner}`)} ]; then install -d -o ${owner} -g ${owner} -m ${mode} ${path} && echo changed ${path}; fi`;
  });
  return ["set -e", ...lines].join("\n");
}

/** Adds one line to the postgres user's authorized_keys under a lock (hosts may share the file). */
export function ensureAuthorizedKeyCommand(publicKey: string): string {
  return [
    "set -e",
    "home=$(getent passwd postgres | cut -d: -f6)",
    'install -d -o postgres -g postgres -m 700 "$home/.ssh"',
    'file="$home/.ssh/authorized_keys"',
    `key=${shellQuote(publicKey)}`,
    'exec 9>>"$file.lock"',
    "flock -w 10 9",
    'touch "$file" && chown postgres:postgres "$file" && chmod 600 "$file"',
    'if ! grep -qxF -- "$key" "$file"; then printf "%s\\n" "$key" >>"$file"; echo changed; fi',
  ].join("\n");
}

/** Removes the pair's key line again (teardown). */
export function removeAuthorizedKeyCommand(publicKey: string): string {
  return [
    "home=$(getent passwd postgres | cut -d: -f6)",
    'file="$home/.ssh/authorized_keys"',
    '[ -f "$file" ] || exit 0',
    `key=${shellQuote(publicKey)}`,
    'exec 9>>"$file.lock"',
    "flock -w 10 9",
    'grep -vxF -- "$key" "$file" >"$file.pgaas-tmp" || true',
    'chown postgres:postgres "$file.pgaas-tmp"; chmod 600 "$file.pgaas-tmp"; mv -f "$file.pgaas-tmp" "$file"',
  ].join("\n");
}

/** Preflight: prints `name=version` lines for every binary the member needs; fails naming a missing one. */
export function preflightCommand(binaries: Readonly<Record<string, string>>): string {
  const lines = Object.entries(binaries).map(
    ([name, path]) =>
      `if [ -x ${shellQuote(path)} ]; then echo ${shellQuote(name)}="$(${shellQuote(path)} --version 2>&1 | head -n1)"; else echo "missing ${name}: ${path}" >&2; exit 3; fi`,
  );
  return ["id postgres >/dev/null || { echo 'missing OS user postgres' >&2; exit 3; }", ...lines].join("\n");
}

/**
 * One JSON line describing a member's data directory: whether it holds a complete cluster, whether it
 * is configured as a standby, whether the fence marker exists, and whether the postmaster runs.
 */
export function inspectMemberCommand(paths: {
  dataDir: string;
  fenceMarker: string;
  completeMarker: string;
  pgBin: string;
}): string {
  const d = shellQuote(paths.dataDir);
  return [
    `d=${d}`,
    'b() { if eval "$1"; then echo true; else echo false; fi; }',
    'pid=""; running=false',
    'if [ -f "$d/postmaster.pid" ]; then pid=$(head -n1 "$d/postmaster.pid"); if [ -n "$pid" ] && [ -d "/proc/$pid" ] && [ "$(awk \'{print $3}\' "/proc/$pid/stat" 2>/dev/null)" != Z ]; then running=true; fi; fi',
    `tli=$(${shellQuote(`${paths.pgBin}/pg_controldata`)} "$d" 2>/dev/null | awk -F: '/TimeLineID/ && /Latest checkpoint/ {gsub(/ /,"",$2); print $2; exit}')`,
    `state=$(${shellQuote(`${paths.pgBin}/pg_controldata`)} "$d" 2>/dev/null | awk -F: '/Database cluster state/ {sub(/^ +/,"",$2); print $2; exit}')`,
    `printf '{"exists":%s,"complete":%s,"standbySignal":%s,"fenced":%s,"running":%s,"timeline":%s,"clusterState":"%s"}\\n' \\`,
    `  "$(b '[ -f "$d/PG_VERSION" ]')" "$(b '[ -f ${shellQuote(paths.completeMarker)} ] && [ -f "$d/global/pg_control" ]')" \\`,
    `  "$(b '[ -f "$d/standby.signal" ]')" "$(b '[ -e ${shellQuote(paths.fenceMarker)} ]')" "$running" "\${tli:-null}" "$state"`,
  ].join("\n");
}
