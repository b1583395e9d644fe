// PostgreSQL on each member: create or start the primary, roles, repmgr registration, the standby
// (clone, start or rejoin) and the witness. Every step looks first and acts only when needed.
import { SERVICE_PAUSE_ARGS, UnavailableError, unpauseRepmgrd } from "@pgaas/common";
import {
  finishInitdbCommand,
  initdbCommand,
  markDataCompleteCommand,
  pgServiceCommand,
  removeFenceMarkerCommand,
  wipeDataDirCommand,
} from "../commands/pg-commands.js";
import {
  primaryRegisterCommand,
  standbyCloneCommand,
  standbyRegisterCommand,
  witnessRegisterCommand,
} from "../commands/repmgr-commands.js";
import type { Inspection, MemberCommands, SqlTarget } from "../member-commands.js";
import type { MemberSession } from "../member-session.js";
import { renderDataDirStubConf } from "../render/postgresql-conf.js";
import { repmgrRunner } from "../repmgr-runner.js";
import type { PairSecrets } from "../secrets.js";
import { PAIR_ROLES_PRESENT_SQL, pairRolesSql, psqlScript, repmgrRoleSql } from "../sql/roles-sql.js";
import { CONFIG_NOT_APPLIED_SQL } from "../sql/status-sql.js";
import { nodeStreamingSql } from "../sql/sync-sql.js";
import type { NodeAction } from "./decide-roles.js";

export type StepOutcome = { changed: boolean; skipped?: boolean; detail?: string };

async function createCluster(session: MemberSession, inspection: Inspection): Promise<void> {
  if (inspection.running) throw new Error(`${session.name}: PostgreSQL runs on an incomplete data directory`);
  if (inspection.exists || inspection.complete)
    await session.sh(wipeDataDirCommand(session.member.layout), "wipe-leftovers");
  await session.sh(initdbCommand(session.member.layout), "initdb", 120_000);
  await session.sh(finishInitdbCommand(session.member.layout, renderDataDirStubConf()), "initdb");
}

export async function startPostgres(session: MemberCommands): Promise<void> {
  await session.sh(pgServiceCommand(session.member.layout, "start"), "start", 150_000);
}

/**
 * Applies configuration to a running server: reload, then restart only when a parameter needs it
 * (pg_settings.pending_restart). Besides files changed in this run, it catches files written by an
 * earlier run that was interrupted before its reload (config newer than the last load, or a
 * parameter still waiting for a restart).
 */
export async function applyConfig(session: MemberSession, configChanged: boolean): Promise<StepOutcome> {
  const stale = configChanged || (await session.sql(CONFIG_NOT_APPLIED_SQL, "config-applied")) === "t";
  if (!stale) return { changed: false };
  await session.sh(pgServiceCommand(session.member.layout, "reload"), "reload");
  await new Promise((resolve) => setTimeout(resolve, 300));
  const state = await session.state();
  if (state.pendingRestart > 0) {
    await restartPaused(session);
    return { changed: true, detail: "restarted (pending_restart), repmgrd paused meanwhile" };
  }
  return { changed: true, detail: "reloaded" };
}

/**
 * A planned restart with repmgrd paused on every member, so a restart slower than the reconnect budget
 * never promotes the standby (nor degrades synchronous replication). Pausing is best effort: on a first
 * bootstrap nothing is registered yet. An unpause that keeps failing fails the step, loudly: paused
 * repmgrd would never fail over.
 */
async function restartPaused(session: MemberSession): Promise<void> {
  const repmgr = repmgrRunner(session, "restart");
  const paused = (await repmgr(SERVICE_PAUSE_ARGS, 30_000)).exitCode === 0;
  const restartFailure: unknown = await session
    .sh(pgServiceCommand(session.member.layout, "restart"), "restart", 150_000)
    .then(
      () => undefined,
      (error: unknown) => error ?? new Error("restart failed"),
    );
  if (paused && (await unpauseRepmgrd(repmgr)).exitCode !== 0) {
    throw repmgr.lastFailure() ?? new Error(`${session.name}: repmgrd stays paused`);
  }
  if (restartFailure !== undefined) throw restartFailure;
}

export async function ensurePrimary(
  session: MemberSession,
  action: NodeAction,
  inspection: Inspection,
  unfence: boolean,
  configChanged: boolean,
): Promise<StepOutcome> {
  switch (action) {
    case "initdb":
      await createCluster(session, inspection);
      await startPostgres(session);
      return { changed: true, detail: "initdb + start" };
    case "start-primary":
      if (unfence) await session.sh(removeFenceMarkerCommand(session.member.layout), "unfence");
      await startPostgres(session);
      return { changed: true, detail: unfence ? "unfenced + started" : "started" };
    case "keep-primary":
      return applyConfig(session, configChanged);
    default:
      throw new Error(`${session.name}: ${action} is not a primary action`);
  }
}

export async function ensurePairRoles(primary: MemberSession, secrets: PairSecrets): Promise<StepOutcome> {
  if (Number(await primary.sql(PAIR_ROLES_PRESENT_SQL, "roles")) === 2)
    return { changed: false, skipped: true };
  await primary.sql(pairRolesSql(secrets), "roles");
  return { changed: true };
}

/** The node's record in repmgr.nodes as seen on `source` (type and upstream), or null. */
async function repmgrRecord(
  source: MemberSession,
  nodeId: number,
): Promise<{ type: string; upstream: number | null; active: boolean } | null> {
  const hasMetadata = await source.sql(
    "SELECT to_regclass('repmgr.nodes') IS NOT NULL",
    "repmgr-record",
    "repmgr",
  );
  if (hasMetadata !== "t") return null;
  const out = await source.sql(
    `SELECT row_to_json(n) FROM (SELECT type, upstream_node_id AS upstream, active FROM repmgr.nodes WHERE node_id = ${nodeId}) n`,
    "repmgr-record",
    "repmgr",
  );
  return out === "" ? null : (JSON.parse(out) as { type: string; upstream: number | null; active: boolean });
}

export async function registerPrimary(
  primary: MemberSession,
  repmgrConfChanged: boolean,
): Promise<StepOutcome> {
  const record = await repmgrRecord(primary, primary.member.id);
  if (record?.type === "primary" && record.active && !repmgrConfChanged)
    return { changed: false, skipped: true };
  await primary.sh(primaryRegisterCommand(primary.member, record !== null), "primary-register");
  return { changed: true };
}

export async function ensureStandby(
  standby: MemberSession,
  primary: MemberSession,
  action: NodeAction,
  inspection: Inspection,
  configChanged: boolean,
  rejoin: () => Promise<StepOutcome>,
): Promise<StepOutcome> {
  switch (action) {
    case "clone":
      if (inspection.running)
        throw new Error(`${standby.name}: PostgreSQL runs on an incomplete data directory`);
      if (inspection.exists) await standby.sh(wipeDataDirCommand(standby.member.layout), "wipe-leftovers");
      await standby.sh(standbyCloneCommand(standby.member, primary.member), "clone", 600_000);
      await standby.sh(markDataCompleteCommand(standby.member.layout), "clone");
      await startPostgres(standby);
      return { changed: true, detail: "cloned + started" };
    case "start-standby":
      await startPostgres(standby);
      return { changed: true, detail: "started" };
    case "keep-standby":
      return applyConfig(standby, configChanged);
    case "rejoin":
      return rejoin();
    default:
      throw new Error(`${standby.name}: ${action} is not a standby action`);
  }
}

export async function registerStandby(
  standby: MemberSession,
  primary: MemberSession,
  repmgrConfChanged: boolean,
): Promise<StepOutcome> {
  const record = await repmgrRecord(primary, standby.member.id);
  const current = record?.type === "standby" && record.active && record.upstream === primary.member.id;
  if (current && !repmgrConfChanged) return { changed: false, skipped: true };
  await waitFor(
    `${standby.name} streaming from ${primary.name}`,
    () => streamsFrom(primary, standby),
    60_000,
  );
  await standby.sh(standbyRegisterCommand(standby.member, record !== null), "standby-register");
  return { changed: true };
}

export async function ensureWitness(
  witness: MemberSession,
  secrets: PairSecrets,
  configChanged: boolean,
): Promise<StepOutcome> {
  const inspection = await witness.inspect();
  let changed = false;
  if (!inspection.complete) {
    await createCluster(witness, inspection);
    changed = true;
  }
  if (!inspection.running || !inspection.complete) {
    await startPostgres(witness);
    changed = true;
  } else {
    changed = (await applyConfig(witness, configChanged)).changed || changed;
  }
  if (
    Number(await witness.sql("SELECT count(*) FROM pg_roles WHERE rolname = 'repmgr'", "witness-role")) === 0
  ) {
    await witness.sql(psqlScript(repmgrRoleSql(secrets.repmgrPassword)), "witness-role");
    changed = true;
  }
  return { changed };
}

export async function registerWitness(
  witness: MemberSession,
  primary: MemberSession,
  repmgrConfChanged: boolean,
): Promise<StepOutcome> {
  const onPrimary = await repmgrRecord(primary, witness.member.id);
  const onWitness = await repmgrRecord(witness, primary.member.id);
  const current =
    onPrimary?.type === "witness" &&
    onPrimary.active &&
    onPrimary.upstream === primary.member.id &&
    onWitness?.type === "primary";
  if (current && !repmgrConfChanged) return { changed: false, skipped: true };
  await witness.sh(witnessRegisterCommand(witness.member, primary.member), "witness-register");
  return { changed: true };
}

/** Polls until `check` passes; bounded in attempts and time. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (let attempt = 0; attempt < 10_000 && Date.now() < deadline; attempt += 1) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new UnavailableError(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
}

export async function streamsFrom(primary: SqlTarget, node: { readonly name: string }): Promise<boolean> {
  return Number(await primary.sql(nodeStreamingSql(node.name), "streaming-check")) >= 1;
}
