// The daemons of a pair member as ServiceDefs. Each carries the sha256 of the files it reads in its
// environment, so ensureRunning restarts it exactly when one of those files changed (and never else).
// On systemd hosts each unit is enabled and ordered after the member's PostgreSQL unit (boot order);
// the detached service manager ignores the systemd-only fields.
import { createHash } from "node:crypto";
import { agentArtefactArgv } from "@pgaas/common/wire";
import { scriptPaths } from "./layout.js";
import type { Member } from "./members.js";
import type { Daemon, RenderedFile } from "./plan-files.js";
import { PGBOUNCER_BIN, pgbouncerPidFile } from "./render/pgbouncer-ini.js";
import { REPMGRD_BIN } from "./render/repmgr-conf.js";
import { type SystemdServiceDef, unitName } from "./services/systemd-unit.js";

export const KEEPALIVED_BIN = "/usr/sbin/keepalived";

/** Hash of the planned files that affect `daemon`: a changed file changes the definition. */
export function configHash(files: readonly RenderedFile[], daemon: Daemon): string {
  const hash = createHash("sha256");
  for (const file of files.filter((candidate) => candidate.affects.includes(daemon))) {
    hash.update(file.path).update("\0").update(file.content).update("\0");
  }
  return hash.digest("hex");
}

/** `repmgrd-<pair>-<member>`: unique per host even when several pairs share one (service names allow no `_`). */
export function memberServiceName(member: Member, daemon: string): string {
  return `${daemon}-${member.layout.pair}-${member.name}`.replaceAll("_", "-");
}

/** The unit that starts the member's PostgreSQL at boot on systemd hosts (render/postgres-unit.ts). */
export function postgresUnitName(member: Member): string {
  return unitName(memberServiceName(member, "postgres"));
}

/** On systemd hosts every daemon of a member starts after its PostgreSQL at boot. */
function afterPostgres(member: Member): readonly string[] {
  return [postgresUnitName(member)];
}

export function repmgrdService(member: Member, files: readonly RenderedFile[]): SystemdServiceDef {
  const layout = member.layout;
  return {
    name: memberServiceName(member, "repmgrd"),
    argv: [REPMGRD_BIN, "-f", layout.repmgrConf, "--daemonize=false", "--no-pid-file"],
    user: "postgres",
    workingDir: "/tmp",
    logFile: `${layout.logDir}/repmgrd.log`,
    pidFile: `${layout.runDir}/repmgrd.pid`,
    env: { PGPASSFILE: layout.pgpass, PGAAS_CONFIG_SHA256: configHash(files, "repmgrd") },
    startsAfter: afterPostgres(member),
    keepChildrenOnStop: true,
  };
}

export function keepalivedService(member: Member, files: readonly RenderedFile[]): SystemdServiceDef {
  const layout = member.layout;
  return {
    name: memberServiceName(member, "keepalived"),
    argv: [
      KEEPALIVED_BIN,
      "--dont-fork",
      "--log-console",
      "--log-detail",
      "--vrrp",
      "--use-file",
      layout.keepalivedConf,
      "--pid",
      `${layout.runDir}/keepalived.pid`,
      "--vrrp_pid",
      `${layout.runDir}/keepalived-vrrp.pid`,
    ],
    user: "root",
    workingDir: "/",
    logFile: `${layout.logDir}/keepalived.log`,
    pidFile: `${layout.runDir}/keepalived.service.pid`,
    // keepalived.conf itself is applied by a reload (bootstrap/keepalived-steps.ts): a restart would
    // drop the VIP, so a new one does not change the definition.
    env: {
      PGAAS_CONFIG_SHA256: configHash(
        files.filter((file) => file.path !== layout.keepalivedConf),
        "keepalived",
      ),
    },
    startsAfter: afterPostgres(member),
  };
}

export function fenceWatcherService(member: Member, files: readonly RenderedFile[]): SystemdServiceDef {
  const layout = member.layout;
  return {
    name: memberServiceName(member, "fence"),
    argv: ["/bin/bash", scriptPaths(layout).fenceWatcher],
    user: "postgres",
    workingDir: "/tmp",
    logFile: `${layout.logDir}/fence-watcher.log`,
    pidFile: `${layout.runDir}/fence-watcher.pid`,
    env: { PGAAS_CONFIG_SHA256: configHash(files, "fence") },
    startsAfter: afterPostgres(member),
  };
}

/**
 * PgBouncer in the foreground (its log is stderr, into the service's log). It writes its own PID file,
 * which the agent signals (HUP) to reload the pooled databases without dropping a client.
 */
export function pgbouncerService(member: Member, files: readonly RenderedFile[]): SystemdServiceDef {
  const layout = member.layout;
  return {
    name: memberServiceName(member, "pgbouncer"),
    argv: [PGBOUNCER_BIN, layout.pgbouncerIni],
    user: "postgres",
    workingDir: "/tmp",
    logFile: `${layout.logDir}/pgbouncer.log`,
    pidFile: pgbouncerPidFile(member),
    pidFileWrittenByDaemon: true,
    env: { PGAAS_CONFIG_SHA256: configHash(files, "pgbouncer") },
    startsAfter: afterPostgres(member),
  };
}

/**
 * The agent, run from the artefact installed in the member's agent directory. `artefactSha256` is that
 * artefact's sha256: a new one changes the definition, so ensureRunning restarts the agent exactly
 * when its code changed. (Stopping needs only the name and PID file: the hash may be left out.)
 */
export function agentService(
  member: Member,
  files: readonly RenderedFile[],
  artefactSha256?: string,
): SystemdServiceDef {
  const layout = member.layout;
  return {
    name: memberServiceName(member, "agent"),
    argv: [...agentArtefactArgv(layout.agentDir), "--config", layout.agentConfig],
    user: "postgres",
    workingDir: "/tmp",
    logFile: `${layout.logDir}/agent.log`,
    pidFile: `${layout.runDir}/agent.pid`,
    env: {
      PGAAS_CONFIG_SHA256: configHash(files, "agent"),
      ...(artefactSha256 === undefined ? {} : { PGAAS_AGENT_ARTEFACT_SHA256: artefactSha256 }),
    },
    startsAfter: afterPostgres(member),
  };
}
