// The agent's JSON config (schema shared with the agent in @pgaas/common/wire). JSON has no comments,
// so the do-not-edit notice and the body hash travel as two extra keys the schema ignores.
import { shellCommand } from "@pgaas/common";
import { AgentConfig, type AgentConfigInput, type BackupType } from "@pgaas/common/wire";
import { backupLayout, stanzaOf } from "../backup/backup-layout.js";
import { backupArgv, infoArgv } from "../backup/pgbackrest-commands.js";
import { type Member, nodeMember, witnessMember } from "../members.js";
import type { PairSpec } from "../spec.js";
import { bodyHash, MANAGED_NOTICE } from "./header.js";
import { pgbouncerPidFile } from "./pgbouncer-ini.js";
import { REPMGR_BIN } from "./repmgr-conf.js";

export function agentConfigFor(spec: PairSpec, member: Member): AgentConfig {
  const agent = spec.agent;
  if (!agent) throw new TypeError(`pair ${spec.name} has no agent section`);
  const layout = member.layout;
  const input: AgentConfigInput = {
    pairName: spec.name,
    nodeName: member.name,
    controlPlane: {
      url: agent.controlPlaneUrl,
      tokenFile: layout.agentTokenFile,
      timeoutMs: 3000,
      ...(agent.controlPlaneCa !== undefined ? { caFile: layout.agentControlPlaneCa } : {}),
    },
    postgres: {
      socketDir: layout.runDir,
      port: member.port,
      user: "postgres",
      database: "postgres",
      dataDir: layout.dataDir,
      clientAuthDir: layout.clientAuthDir,
      logDirectory: layout.logDir,
    },
    repmgr: { binary: REPMGR_BIN, configFile: layout.repmgrConf },
    fenceMarkerFile: layout.fenceMarker,
    // Behind a passthrough load balancer the health check's probes arrive addressed to the forwarding
    // rule's IP: the agent listens on every address there (the firewall admits only the control plane
    // and the health-check ranges).
    listen: {
      host: spec.endpoint.kind === "load-balancer" ? "0.0.0.0" : member.address,
      port: agent.listenPort,
    },
    intervals: { stateSeconds: agent.stateSeconds, metricsSeconds: agent.metricsSeconds },
    ...(spec.backup ? { backup: agentBackupCommands(spec, member, spec.backup) } : {}),
    ...(spec.pooler.enabled
      ? { pooler: { databasesFile: layout.pgbouncerDatabases, pidFile: pgbouncerPidFile(member) } }
      : {}),
    spool: { dir: layout.spoolDir, maxBytes: 64 * 1024 * 1024 },
    heal: {
      autoRejoin: agent.autoRejoin,
      node: healMember(member),
      peer: healMember(nodeMember(spec, spec.nodes.find((node) => node.name !== member.name)?.name ?? "")),
      witness: healMember(witnessMember(spec)),
      synchronous: spec.replication.mode === "synchronous",
      stateFile: layout.healStateFile,
    },
  };
  return AgentConfig.parse(input);
}

function healMember(member: Member) {
  return { name: member.name, id: member.id, address: member.address, port: member.port };
}

/**
 * The agent's pgBackRest commands. `backup` must run on the repository host for a local repository
 * (pgBackRest refuses it elsewhere): the node reaches it as postgres over the wrapper with the
 * pair's key and pinned host keys, as restores already do. A bucket is reached from the node itself.
 */
function agentBackupCommands(
  spec: PairSpec,
  member: Member,
  backup: NonNullable<PairSpec["backup"]>,
): NonNullable<AgentConfigInput["backup"]> {
  const stanza = stanzaOf(spec);
  const own = backupLayout(member.layout);
  const witness = witnessMember(spec);
  const backupOf = (type: BackupType): string[] =>
    backup.repository.kind === "local"
      ? [
          own.sshWrapper,
          `postgres@${witness.address}`,
          shellCommand(backupArgv(backupLayout(witness.layout).conf, stanza, type)),
        ]
      : backupArgv(own.conf, stanza, type);
  return {
    stanza,
    infoArgv: infoArgv(own.conf, stanza),
    backupArgv: { full: backupOf("full"), diff: backupOf("diff"), incr: backupOf("incr") },
    schedule: backup.schedule,
    retention: backup.retention,
  };
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

export function renderAgentConfig(spec: PairSpec, member: Member): string {
  const config = sortKeys(agentConfigFor(spec, member));
  const body = JSON.stringify(config);
  return `${JSON.stringify({ _managedBy: MANAGED_NOTICE, _sha256: bodyHash(body), ...(config as object) }, null, 2)}\n`;
}
