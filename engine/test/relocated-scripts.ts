// A node's rendered scripts with every host path they use moved under one scratch directory (run, state,
// log, bin, pgbin), so tests run them for real in bash with stand-ins for psql and ip in `pgbin`.
export function relocatedScripts(text: string, pair: string, node: string, dir: string): string {
  return text
    .replaceAll(`/run/pgaas/${pair}/${node}`, `${dir}/run`)
    .replaceAll(`/var/lib/pgaas/${pair}/${node}`, `${dir}/state`)
    .replaceAll(`/var/log/pgaas/${pair}/${node}`, `${dir}/log`)
    .replaceAll(`/etc/pgaas/${pair}/${node}/bin`, `${dir}/bin`)
    .replaceAll("/usr/lib/postgresql/15/bin", `${dir}/pgbin`)
    .replaceAll("/usr/sbin/ip", `${dir}/pgbin/ip`);
}

/** The directories relocatedScripts points into. */
export const RELOCATED_DIRS = ["run", "state/data", "log", "bin", "pgbin"] as const;
