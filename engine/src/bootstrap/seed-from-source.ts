// The first primary of a pair seeded from another pair's repository (spec.restoreFrom), instead of
// initdb: the target is checked against the source's inventory before anything is touched, then
// `pgbackrest restore` from the source (read-only), recovery to the target, promotion to a new timeline.
// What the source carried that belongs to the source is replaced: its synchronous standby names and
// recovery settings, the pair roles' passwords (the new pair's secrets), its repmgr metadata (the new
// pair registers its own nodes). Tenant roles and their passwords stay as they were at the target.
// Any failure after the check leaves no data directory behind, so a rerun starts over.
import { ConflictError, shellCommand } from "@pgaas/common";
import { backupInventory, checkRestoreTarget, parseRepositoryInfo } from "@pgaas/common/wire";
import { backupLayout } from "../backup/backup-layout.js";
import { infoCommand, pgbackrestCommand } from "../backup/pgbackrest-commands.js";
import { recoveryTime } from "../backup/repository-inventory.js";
import type { RestoreFromSpec } from "../backup/restore-from-spec.js";
import { type RestoreTarget, recoveryTypeArgs } from "../backup/scratch-commands.js";
import { failWithLogTail } from "../backup/scratch-instance.js";
import { finishInitdbCommand, pgStopImmediateCommand, wipeDataDirCommand } from "../commands/pg-commands.js";
import type { Inspection } from "../member-commands.js";
import type { MemberSession } from "../member-session.js";
import { REPMGR_DATABASE } from "../render/pg-hba.js";
import { renderSeedPgbackrestConfs } from "../render/pgbackrest-conf.js";
import { renderDataDirStubConf } from "../render/postgresql-conf.js";
import type { PairSecrets } from "../secrets.js";
import type { PairSpec } from "../spec.js";
import { pairRolesSql } from "../sql/roles-sql.js";
import { type StepOutcome, startPostgres } from "./postgres-steps.js";

const RESTORE_TIMEOUT_MS = 3_600_000;
const PROMOTE_WAIT_MS = 3_600_000;

/**
 * Settings the restored postgresql.auto.conf carries from the source or from pgBackRest's restore:
 * the source's synchronous standbys (every commit would wait for nodes that are not this pair's) and
 * the recovery settings (a standby cloned from here must not stop at the source's target).
 */
export const SOURCE_ONLY_SETTINGS = [
  "synchronous_standby_names",
  "restore_command",
  "recovery_target",
  "recovery_target_action",
  "recovery_target_inclusive",
  "recovery_target_lsn",
  "recovery_target_name",
  "recovery_target_time",
  "recovery_target_timeline",
  "recovery_target_xid",
] as const;

export function resetSourceSettingsSql(): string {
  return [
    ...SOURCE_ONLY_SETTINGS.map((name) => `ALTER SYSTEM RESET ${name};`),
    "SELECT pg_catalog.pg_reload_conf();",
    "",
  ].join("\n");
}

/** The source's repmgr metadata names the source's nodes: the new pair registers its own. */
export const DROP_SOURCE_REPMGR_SQL = "DROP EXTENSION IF EXISTS repmgr CASCADE;\n";

/** `pgbackrest restore` of the source stanza into this node's (empty) data directory. */
export function seedRestoreCommand(conf: string, stanza: string, target: RestoreTarget): string {
  return pgbackrestCommand(conf, stanza, [
    ...(target.set ? [`--set=${target.set}`] : []),
    ...recoveryTypeArgs(target),
    "restore",
  ]);
}

interface SeedHosts {
  readonly primary: MemberSession;
  readonly witness: MemberSession;
}

export async function seedFromSource(
  spec: PairSpec,
  source: RestoreFromSpec,
  hosts: SeedHosts,
  secrets: PairSecrets,
  inspection: Inspection,
): Promise<StepOutcome> {
  const { primary, witness } = hosts;
  const confs = renderSeedPgbackrestConfs(spec, primary.name, secrets);
  const nodeConf = backupLayout(primary.member.layout).seedConf;
  const witnessConf = backupLayout(witness.member.layout).seedConf;
  // The source's key must not stay behind: removed after the seed, also when it failed.
  const removeConfs = () =>
    Promise.all([
      primary.sh(shellCommand(["rm", "-f", "--", nodeConf]), "seed-conf-remove"),
      ...(confs.witness === undefined
        ? []
        : [witness.sh(shellCommand(["rm", "-f", "--", witnessConf]), "seed-conf-remove")]),
    ]);
  let outcome: StepOutcome;
  try {
    await writeSeedConf(primary, nodeConf, confs.node);
    if (confs.witness !== undefined) await writeSeedConf(witness, witnessConf, confs.witness);
    // Where the repository is read: the witness host for a local source, else the node itself.
    const reader =
      confs.witness === undefined ? { host: primary, conf: nodeConf } : { host: witness, conf: witnessConf };
    outcome = await restoreAndPromote(source, primary, reader, nodeConf, secrets, inspection);
  } catch (error) {
    await removeConfs().catch(() => undefined);
    throw error;
  }
  await removeConfs();
  return outcome;
}

async function restoreAndPromote(
  source: RestoreFromSpec,
  primary: MemberSession,
  reader: { readonly host: MemberSession; readonly conf: string },
  nodeConf: string,
  secrets: PairSecrets,
  inspection: Inspection,
): Promise<StepOutcome> {
  const info = parseRepositoryInfo(
    await reader.host.sh(infoCommand(reader.conf, source.stanza), "seed-info"),
    source.stanza,
  );
  // No archiver to ask (the source may be gone): the source's own archive decides how far a time
  // after its last backup can go, and recovery says so if it falls short.
  const checked = checkRestoreTarget(backupInventory(info, null), source, new Date());
  const target: RestoreTarget = {
    ...(checked.time ? { time: recoveryTime(checked.time) } : {}),
    ...(checked.set ? { set: checked.set } : {}),
  };
  const layout = primary.member.layout;
  if (inspection.running) await primary.sh(pgStopImmediateCommand(layout), "seed-stop-leftover");
  try {
    await primary.sh(
      [
        wipeDataDirCommand(layout),
        shellCommand(["install", "-d", "-m", "700", "-o", "postgres", "-g", "postgres", layout.dataDir]),
      ].join(" && "),
      "seed-clear",
    );
    await primary.sh(seedRestoreCommand(nodeConf, source.stanza, target), "seed-restore", RESTORE_TIMEOUT_MS);
    await startPostgres(primary).catch(async (error: unknown) => {
      // pg_ctl gives up waiting after its own timeout while a long recovery goes on: only a stopped
      // server is a failure.
      if (!(await primary.inspect()).running) await failWithLog(primary, "could not start", error);
    });
    await waitForPromotion(primary);
    await primary.sql(resetSourceSettingsSql(), "seed-settings");
    await primary.sql(pairRolesSql(secrets), "seed-roles");
    await primary.sql(DROP_SOURCE_REPMGR_SQL, "seed-repmgr", REPMGR_DATABASE);
    await primary.sh(finishInitdbCommand(layout, renderDataDirStubConf()), "seed-complete");
  } catch (error) {
    await primary
      .sh(`${pgStopImmediateCommand(layout)}\n${wipeDataDirCommand(layout)}`, "seed-undo")
      .catch(() => undefined);
    throw error;
  }
  const from = checked.time ? `as of ${checked.time.toISOString()}` : "at the end of its archive";
  return {
    changed: true,
    detail: `restored from ${source.stanza} ${from} and promoted; tenant roles keep their passwords as of then`,
  };
}

/** The source's key reaches the host only inside this 0600 file, for the seed's duration. */
async function writeSeedConf(session: MemberSession, path: string, content: string): Promise<void> {
  await session.ssh.upload(path, content, {
    step: `${session.name}.seed-conf`,
    mode: 0o600,
    owner: "postgres",
    group: "postgres",
  });
}

async function waitForPromotion(primary: MemberSession): Promise<void> {
  const started = Date.now();
  for (let attempt = 0; attempt < 7200 && Date.now() - started < PROMOTE_WAIT_MS; attempt += 1) {
    if (!(await primary.inspect()).running) await failWithLog(primary, "recovery stopped");
    const state = await primary.state().catch(() => null);
    if (state && !state.inRecovery) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new ConflictError(`${primary.name}: recovery did not finish in ${PROMOTE_WAIT_MS / 1000} s`, {
    code: "restore_timeout",
  });
}

/** PostgreSQL's own last lines say why (the target lies after the source's archive, a missing segment). */
function failWithLog(primary: MemberSession, what: string, cause?: unknown): Promise<never> {
  return failWithLogTail(
    primary,
    primary.member.layout.postgresLog,
    `${primary.name}: restore from the source repository: ${what}`,
    cause,
  );
}
