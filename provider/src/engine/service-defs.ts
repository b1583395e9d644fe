// The daemons of a pair member as ServiceDefs. Each carries the sha256 of the files it reads in its
// environment, so ensureRunning restarts it exactly when one of those files changed (and never else).
import { createHash } from "node:crypto";
import { scriptPaths } from "./layout.js";
import type { Member } from "./members.js";
import type { Daemon, RenderedFile } from "./plan-files.js";
import { REPMGRD_BIN } from "./render/repmgr-conf.js";
import type { ServiceDef } from "./services/service-def.js";

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
function serviceName(member: Member, daemon: string): string {
  return `${daemon}-${member.layout.pair}-${member.name}`.replaceAll("_", "-");
}

export function repmgrdService(member: Member, files: readonly RenderedFile[]): ServiceDef {
  const layout = member.layout;
  return {
    name: serviceName(member, "repmgrd"),
    argv: [REPMGRD_BIN, "-f", layout.repmgrConf, "--daemonize=false", "--no-pid-file"],
    user: "postgres",
    workingDir: "/tmp",
    logFile: `${layout.logDir}/repmgrd.log`,
    pidFile: `${layout.runDir}/repmgrd.pid`,
    env: { PGPASSFILE: layout.pgpass, PGAAS_CONFIG_SHA256: configHash(files, "repmgrd") },
  };
}

export function keepalivedService(member: Member, files: readonly RenderedFile[]): ServiceDef {
  const layout = member.layout;
  return {
    name: serviceName(member, "keepalived"),
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
    env: { PGAAS_CONFIG_SHA256: configHash(files, "keepalived") },
  };
}

export function fenceWatcherService(member: Member, files: readonly RenderedFile[]): ServiceDef {
  const layout = member.layout;
  return {
    name: serviceName(member, "fence"),
    argv: ["/bin/bash", scriptPaths(layout).fenceWatcher],
    user: "postgres",
    workingDir: "/tmp",
    logFile: `${layout.logDir}/fence-watcher.log`,
    pidFile: `${layout.runDir}/fence-watcher.pid`,
    env: { PGAAS_CONFIG_SHA256: configHash(files, "fence") },
  };
}

export function agentService(
  member: Member,
  files: readonly RenderedFile[],
  agentArgv: readonly string[],
): ServiceDef {
  const layout = member.layout;
  return {
    name: serviceName(member, "agent"),
    argv: [...agentArgv, "--config", layout.agentConfig],
    user: "postgres",
    workingDir: "/tmp",
    logFile: `${layout.logDir}/agent.log`,
    pidFile: `${layout.runDir}/agent.pid`,
    env: { PGAAS_CONFIG_SHA256: configHash(files, "agent") },
  };
}
