// Side effects of the heal decision's inputs: the local data directory (timeline and WAL end of a
// stopped server, sync setting on disk) and the peer and witness over libpq. Every reader returns
// null for "could not tell"; the decision treats that as unproven, never as safe.
import { access, readFile } from "node:fs/promises";
import type { StateSample } from "@pgaas/common/wire";
import {
  asPostgres,
  type CommandTransport,
  type Member,
  PG_BIN_DIR,
  type SqlTarget,
  SshCommandError,
} from "@pgaas/engine/self-heal";
import { z } from "zod";
import type { LocalView, PeerView } from "./decide-heal.js";
import { largestLsnIn } from "./lsn.js";

const TOOL_TIMEOUT_MS = 30_000;

export async function observeLocal(
  state: StateSample,
  member: Member,
  transport: CommandTransport,
): Promise<LocalView> {
  const layout = member.layout;
  const hasData = (await exists(`${layout.dataDir}/PG_VERSION`)) && (await exists(layout.dataCompleteMarker));
  const syncOnDisk = hasData ? await syncNamesOnDisk(layout.dataDir) : null;
  const standbyData = hasData && (await exists(`${layout.dataDir}/standby.signal`));
  const base = {
    role: state.role,
    writable: state.writable,
    fenced: state.fenced,
    hasData,
    syncOnDisk,
  };
  if (state.role !== "down") {
    const walEnd = state.role === "primary" ? state.lsn : null;
    return { ...base, crashedStandby: false, timeline: state.timeline, walEnd };
  }
  if (!hasData) return { ...base, crashedStandby: false, timeline: null, walEnd: null };
  const control = await controlData(layout.dataDir, transport);
  const walEnd = control ? await walEndOf(layout.dataDir, control, transport) : null;
  // A stopped standby's control file says "shut down in recovery"; one that died says it is still
  // "in archive recovery". Only the second is the agent's to start: a stop was somebody's decision.
  const crashedStandby = standbyData && control?.state === "in archive recovery";
  return { ...base, crashedStandby, timeline: control?.timeline ?? null, walEnd };
}

interface ControlData {
  readonly timeline: number;
  readonly redo: string;
  /** "Database cluster state", e.g. "in archive recovery" or "shut down in recovery". */
  readonly state: string | null;
}

/** The latest checkpoint's timeline and redo point, from pg_controldata (works while stopped). */
export function parseControlData(text: string): ControlData | null {
  const timeline = /^Latest checkpoint's TimeLineID:\s+(\d+)$/m.exec(text)?.[1];
  const redo = /^Latest checkpoint's REDO location:\s+([0-9A-F]+\/[0-9A-F]+)$/im.exec(text)?.[1];
  const state = /^Database cluster state:\s+(.+)$/m.exec(text)?.[1]?.trim() ?? null;
  return timeline && redo ? { timeline: Number(timeline), redo, state } : null;
}

async function controlData(dataDir: string, transport: CommandTransport): Promise<ControlData | null> {
  try {
    const { stdout } = await transport.runChecked(
      asPostgres([`${PG_BIN_DIR}/pg_controldata`, "-D", dataDir]),
      {
        step: "heal.controldata",
        timeoutMs: TOOL_TIMEOUT_MS,
      },
    );
    return parseControlData(stdout);
  } catch {
    return null;
  }
}

/**
 * Where the local WAL ends: pg_waldump reads from the last redo point until the first invalid record
 * and names that position in its final error ("invalid record length at 0/30001C0"). Anything else
 * (a missing segment, a clean exit) is "could not tell".
 */
export function walEndFromWaldump(stderr: string): string | null {
  if (!/error in WAL record at/.test(stderr)) return null;
  return largestLsnIn(stderr);
}

async function walEndOf(
  dataDir: string,
  control: ControlData,
  transport: CommandTransport,
): Promise<string | null> {
  const command = asPostgres([
    `${PG_BIN_DIR}/pg_waldump`,
    "-p",
    `${dataDir}/pg_wal`,
    "-t",
    String(control.timeline),
    "-s",
    control.redo,
    "-q",
  ]);
  try {
    await transport.runChecked(command, { step: "heal.waldump", timeoutMs: TOOL_TIMEOUT_MS });
    return null;
  } catch (error) {
    return error instanceof SshCommandError ? walEndFromWaldump(error.stderrTail) : null;
  }
}

/** true/false from postgresql.auto.conf (where ALTER SYSTEM and the degrade hook write it), null if absent. */
export function parseSyncNames(autoConf: string): boolean | null {
  let found: boolean | null = null;
  for (const match of autoConf.matchAll(/^\s*synchronous_standby_names\s*=\s*'((?:[^']|'')*)'/gm)) {
    found = (match[1] ?? "").trim() !== "";
  }
  return found;
}

async function syncNamesOnDisk(dataDir: string): Promise<boolean | null> {
  const text = await readFile(`${dataDir}/postgresql.auto.conf`, "utf8").catch(() => null);
  return text === null ? null : parseSyncNames(text);
}

/** One round trip to the peer: role, timeline (from the current WAL file name), history and repmgr's primary. */
export const PEER_VIEW_SQL = `WITH me AS (SELECT NOT pg_is_in_recovery() AS is_primary),
tl AS (SELECT CASE WHEN (SELECT is_primary FROM me)
  THEN ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END AS timeline)
SELECT json_build_object(
  'primary', (SELECT is_primary FROM me),
  'timeline', (SELECT timeline FROM tl),
  'history', (SELECT CASE WHEN timeline > 1 THEN pg_read_file('pg_wal/' || lpad(upper(to_hex(timeline)), 8, '0') || '.history', 0, 1048576, true) END FROM tl),
  'repmgrPrimary', (SELECT node_name FROM repmgr.nodes WHERE type = 'primary' AND active ORDER BY node_id LIMIT 1))`;

export const REPMGR_PRIMARY_SQL =
  "SELECT coalesce((SELECT node_name FROM repmgr.nodes WHERE type = 'primary' AND active ORDER BY node_id LIMIT 1), '')";

/** The switchpoint where a timeline history branched off `fromTimeline`, or null when it never did. */
export function forkPointOf(history: string | null, fromTimeline: number | null): string | null {
  if (history === null || fromTimeline === null) return null;
  for (const line of history.split("\n")) {
    const [parent, switchpoint] = line.trim().split(/\s+/);
    if (parent !== undefined && Number(parent) === fromTimeline && switchpoint)
      return switchpoint.toUpperCase();
  }
  return null;
}

const PeerRow = z.object({
  primary: z.boolean(),
  timeline: z.number().int().nullable(),
  history: z.string().nullable(),
  repmgrPrimary: z.string().nullable(),
});

export async function observePeer(
  peer: SqlTarget,
  localTimeline: number | null,
  onError: (error: unknown) => void,
): Promise<PeerView | null> {
  try {
    const raw = PeerRow.parse(JSON.parse(await peer.sql(PEER_VIEW_SQL, "heal.peer")));
    return {
      primary: raw.primary,
      timeline: raw.timeline,
      forkLsn: forkPointOf(raw.history, localTimeline),
      repmgrPrimary: raw.repmgrPrimary,
    };
  } catch (error) {
    onError(error);
    return null;
  }
}

export async function observeWitnessPrimary(witness: SqlTarget): Promise<string | null> {
  try {
    const name = await witness.sql(REPMGR_PRIMARY_SQL, "heal.witness");
    return name === "" ? null : name;
  } catch {
    return null;
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
