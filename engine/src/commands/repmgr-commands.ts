// repmgr command lines, always run as the postgres OS user with the pair's password file.
import type { Member } from "../members.js";
import { REPMGR_DATABASE, REPMGR_USER } from "../render/pg-hba.js";
import { REPMGR_BIN } from "../render/repmgr-conf.js";
import { asPostgres } from "./host-commands.js";

/** `repmgr -f <the member's repmgr.conf> <args…>`. */
export function repmgrCommand(member: Member, args: readonly string[]): string {
  return asPostgres([REPMGR_BIN, "-f", member.layout.repmgrConf, ...args], {
    PGPASSFILE: member.layout.pgpass,
  });
}

export function primaryRegisterCommand(member: Member, force: boolean): string {
  return repmgrCommand(member, ["primary", "register", ...(force ? ["--force"] : [])]);
}

/** Clones from the primary with a fast checkpoint (a spread one made clones wait
 * ~96 s); the slot comes from repmgr.conf. */
export function standbyCloneCommand(member: Member, primary: Member): string {
  return repmgrCommand(member, [
    "-h",
    primary.address,
    "-p",
    String(primary.port),
    "-U",
    REPMGR_USER,
    "-d",
    REPMGR_DATABASE,
    "standby",
    "clone",
    "--fast-checkpoint",
  ]);
}

export function standbyRegisterCommand(member: Member, force: boolean): string {
  return repmgrCommand(member, ["standby", "register", ...(force ? ["--force"] : [])]);
}

export function witnessRegisterCommand(witness: Member, primary: Member): string {
  return repmgrCommand(witness, [
    "witness",
    "register",
    "--force",
    "-h",
    primary.address,
    "-p",
    String(primary.port),
  ]);
}

/**
 * pg_rewind through repmgr (works after kill -9 on PG ≥ 13: pg_rewind runs crash
 * recovery first), archiving config files first.
 * The upstream is named by -h/-p/-U/-d: given as one `-d '<conninfo>'` string, repmgr 5.3.3 wrote the
 * rejoining node's own address into primary_conninfo and the node never streamed.
 */
export function nodeRejoinCommand(member: Member, upstream: Member): string {
  return repmgrCommand(member, [
    "-h",
    upstream.address,
    "-p",
    String(upstream.port),
    "-U",
    REPMGR_USER,
    "-d",
    REPMGR_DATABASE,
    "node",
    "rejoin",
    "--force-rewind",
    `--config-archive-dir=${member.layout.configArchiveDir}`,
  ]);
}

/** `cluster show --csv`: node_id, available (0 = yes), in_recovery (0 = primary); exits 25 when a node is unwell. */
export function clusterShowCsvCommand(member: Member): string {
  return repmgrCommand(member, ["cluster", "show", "--csv"]);
}
