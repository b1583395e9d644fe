// A node's rendered scripts with every host path they use moved under one scratch directory (run, state,
// log, bin, pgbin), so tests run them for real in bash with stand-ins for psql and ip in `pgbin`.
import { IP_BIN, type MemberLayout, PG_BIN_DIR } from "../src/layout.js";

export function relocatedScripts(text: string, layout: MemberLayout, dir: string): string {
  return text
    .replaceAll(layout.runDir, `${dir}/run`)
    .replaceAll(layout.stateDir, `${dir}/state`)
    .replaceAll(layout.logDir, `${dir}/log`)
    .replaceAll(layout.scriptsDir, `${dir}/bin`)
    .replaceAll(PG_BIN_DIR, `${dir}/pgbin`)
    .replaceAll(IP_BIN, `${dir}/pgbin/ip`);
}

/** The directories relocatedScripts points into. */
export const RELOCATED_DIRS = ["run", "state/data", "log", "bin", "pgbin"] as const;
