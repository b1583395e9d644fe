// Every file a pair member needs, rendered from the spec: the bootstrap installs them (writing only
// when bytes differ) and uses `affects` to know which daemon must reload or restart after a change.
import { type Secret, shellCommand } from "@pgaas/common";
import { CLIENT_AUTH_CONF } from "@pgaas/common/wire";
import { backupLayout, PGBACKREST_BIN, stanzaOf } from "./backup/backup-layout.js";
import { scriptPaths } from "./layout.js";
import { type Member, nodeMember, witnessMember } from "./members.js";
import { renderAgentConfig } from "./render/agent-config.js";
import { renderArchiveHandover } from "./render/archive-handover.js";
import { renderKeepalivedConf } from "./render/keepalived-conf.js";
import { type KnownHost, renderKnownHosts } from "./render/known-hosts.js";
import { renderPgHba } from "./render/pg-hba.js";
import {
  renderNodePgbackrestConf,
  renderRepositoryPgbackrestConf,
  renderRestorePgbackrestConf,
} from "./render/pgbackrest-conf.js";
import { renderPgbackrestSsh } from "./render/pgbackrest-ssh.js";
import { renderPgbouncerHba } from "./render/pgbouncer-hba.js";
import { renderPgbouncerIni } from "./render/pgbouncer-ini.js";
import { renderPgpass } from "./render/pgpass.js";
import { renderPgIdent, renderPostgresqlConf } from "./render/postgresql-conf.js";
import { renderRepmgrConf } from "./render/repmgr-conf.js";
import {
  renderDegrade,
  renderEventHook,
  renderFenceWatcher,
  renderKeepalivedCheck,
  renderPgService,
  renderPromote,
  renderScriptLib,
} from "./render/scripts.js";
import type { PairSecrets } from "./secrets.js";
import { resolveSettings, WITNESS_OVERRIDES } from "./settings.js";
import type { PairSpec } from "./spec.js";
import { issueServerCertificate } from "./tls/certificates.js";

export type Daemon = "postgres" | "repmgrd" | "keepalived" | "fence" | "agent" | "pgbouncer";

export interface RenderedFile {
  readonly path: string;
  readonly content: string;
  readonly mode: number;
  readonly owner: string;
  readonly group: string;
  /** Daemons that must pick the change up (postgres: reload, restart only if pending_restart). */
  readonly affects: readonly Daemon[];
}

function file(
  path: string,
  content: string,
  mode: number,
  owner: string,
  affects: readonly Daemon[],
): RenderedFile {
  return { path, content, mode, owner, group: owner, affects };
}

function postgresFiles(spec: PairSpec, member: Member, secrets: PairSecrets): RenderedFile[] {
  const layout = member.layout;
  // Nodes also listen on the endpoint: the VIP they may hold, or the load balancer's address, which a
  // passthrough load balancer (GCP) leaves as the packets' destination.
  const listen = member.kind === "node" ? [member.address, spec.endpoint.address] : [member.address];
  const archives = member.kind === "node" && spec.backup !== undefined;
  const identity = {
    clusterName: `${spec.name}-${member.name}`,
    listenAddresses: listen,
    port: member.port,
    layout,
    dataNode: member.kind === "node",
    ...(archives ? { archiveCommand: archiveCommand(spec, member) } : {}),
  };
  const settings =
    member.kind === "node"
      ? resolveSettings(spec, identity, archives ? ARCHIVE_DEFAULTS : {})
      : resolveSettings({ ...spec, settings: {} }, identity, WITNESS_OVERRIDES);
  return [
    file(
      layout.postgresqlConf,
      renderPostgresqlConf(
        settings,
        member.kind === "node" ? `${layout.clientAuthDir}/${CLIENT_AUTH_CONF}` : undefined,
      ),
      0o644,
      "postgres",
      ["postgres"],
    ),
    file(layout.hbaFile, renderPgHba(spec, member.kind), 0o640, "postgres", ["postgres"]),
    file(layout.identFile, renderPgIdent(), 0o640, "postgres", ["postgres"]),
    file(layout.repmgrConf, renderRepmgrConf(spec, member), 0o644, "postgres", ["repmgrd"]),
    file(layout.pgpass, renderPgpass(secrets.repmgrPassword), 0o600, "postgres", []),
    file(layout.sshPrivateKey, secrets.postgresSshPrivateKey.reveal(), 0o600, "postgres", []),
    file(`${layout.sshPrivateKey}.pub`, `${secrets.postgresSshPublicKey}\n`, 0o644, "postgres", []),
    ...tlsFiles(spec, member, secrets),
  ];
}

/**
 * The pair CA and this member's server certificate. A node's certificate also names the endpoint (and
 * its DNS name): whichever node holds the VIP, verify-full through it succeeds. PostgreSQL reloads
 * certificates on SIGHUP, so a reissue (endpoint changed) needs no restart.
 */
function tlsFiles(spec: PairSpec, member: Member, secrets: PairSecrets): RenderedFile[] {
  const ca = secrets.tlsCa;
  if (!ca) throw new TypeError(`pair ${spec.name}: TLS needs the pair CA (withTlsCa)`);
  const names =
    member.kind === "node"
      ? [member.address, spec.endpoint.address, ...(spec.endpoint.dnsName ? [spec.endpoint.dnsName] : [])]
      : [member.address];
  const issued = issueServerCertificate(ca, `${spec.name}-${member.name}`, names);
  const layout = member.layout;
  // PgBouncer serves the same certificate on the pooler port.
  const readers: Daemon[] = pooled(spec, member) ? ["postgres", "pgbouncer"] : ["postgres"];
  return [
    file(layout.caCertificate, ca.certificate, 0o644, "postgres", []),
    file(layout.serverCertificate, issued.certificate, 0o644, "postgres", readers),
    file(layout.serverKey, issued.privateKey.reveal(), 0o600, "postgres", readers),
  ];
}

/** Nodes run PgBouncer when the spec enables the pooler; the witness never does. */
function pooled(spec: PairSpec, member: Member): boolean {
  return member.kind === "node" && spec.pooler.enabled;
}

/** PgBouncer's configuration; its [databases] include belongs to the agent (not planned here). */
function poolerFiles(spec: PairSpec, member: Member): RenderedFile[] {
  if (!pooled(spec, member)) return [];
  const layout = member.layout;
  return [
    file(layout.pgbouncerIni, renderPgbouncerIni(spec, member), 0o640, "postgres", ["pgbouncer"]),
    file(layout.pgbouncerHba, renderPgbouncerHba(spec), 0o640, "postgres", ["pgbouncer"]),
  ];
}

/** An idle primary still closes a segment every minute: the archive is never more than that behind. */
const ARCHIVE_DEFAULTS = { archive_timeout: "60s" } as const;

function archiveCommand(spec: PairSpec, member: Member): string {
  const conf = backupLayout(member.layout).conf;
  return `${shellCommand([PGBACKREST_BIN, `--config=${conf}`, `--stanza=${stanzaOf(spec)}`, "archive-push"])} %p`;
}

/** pgBackRest's files: the node's archive-push config, or the repository host's repository and restore configs. */
function backupFiles(spec: PairSpec, member: Member, secrets: PairSecrets): RenderedFile[] {
  if (!spec.backup) return [];
  const paths = backupLayout(member.layout);
  const ssh = file(paths.sshWrapper, renderPgbackrestSsh(member), 0o755, "root", []);
  if (member.kind === "node")
    return [
      file(paths.conf, renderNodePgbackrestConf(spec, member.name, secrets), 0o600, "postgres", []),
      ssh,
      file(paths.archiveHandover, renderArchiveHandover(spec, member), 0o755, "root", []),
    ];
  if (spec.backup.repository.kind !== "local") return [];
  return [
    file(paths.conf, renderRepositoryPgbackrestConf(spec, secrets), 0o600, "postgres", []),
    file(paths.restoreConf, renderRestorePgbackrestConf(spec, secrets), 0o600, "postgres", []),
    ssh,
  ];
}

function archiveHandoverOf(spec: PairSpec, member: Member): string | undefined {
  return spec.backup && member.kind === "node" ? backupLayout(member.layout).archiveHandover : undefined;
}

function commonScripts(spec: PairSpec, member: Member): RenderedFile[] {
  const scripts = scriptPaths(member.layout);
  return [
    file(scripts.lib, renderScriptLib(spec, member), 0o755, "root", ["fence"]),
    file(scripts.eventHook, renderEventHook(member, archiveHandoverOf(spec, member)), 0o755, "root", []),
    file(scripts.pgService, renderPgService(member), 0o755, "root", []),
  ];
}

export interface NodeFileExtras {
  /** The node's control-plane token; the agent config and token file are planned only with it. */
  readonly agentToken?: Secret;
  /** Both nodes' addresses and host keys; the managed known_hosts is planned only with them. */
  readonly nodeHostKeys?: readonly KnownHost[];
}

export function planNodeFiles(
  spec: PairSpec,
  nodeName: string,
  secrets: PairSecrets,
  extras: NodeFileExtras = {},
): RenderedFile[] {
  const member = nodeMember(spec, nodeName);
  const scripts = scriptPaths(member.layout);
  const files = [
    ...postgresFiles(spec, member, secrets),
    ...commonScripts(spec, member),
    file(scripts.promote, renderPromote(member), 0o755, "root", []),
    file(scripts.degrade, renderDegrade(member), 0o755, "root", []),
    file(scripts.fenceWatcher, renderFenceWatcher(spec, member), 0o755, "root", ["fence"]),
    ...backupFiles(spec, member, secrets),
    ...poolerFiles(spec, member),
  ];
  if (spec.endpoint.kind === "vip") {
    files.push(file(scripts.keepalivedCheck, renderKeepalivedCheck(member), 0o755, "root", []));
    files.push(
      file(member.layout.keepalivedConf, renderKeepalivedConf(spec, member), 0o644, "root", ["keepalived"]),
    );
  }
  if (extras.nodeHostKeys) {
    files.push(file(member.layout.knownHosts, renderKnownHosts(extras.nodeHostKeys), 0o644, "postgres", []));
  }
  if (spec.agent && extras.agentToken) {
    files.push(
      file(member.layout.agentConfig, renderAgentConfig(spec, member), 0o640, "postgres", ["agent"]),
    );
    files.push(
      file(member.layout.agentTokenFile, `${extras.agentToken.reveal()}\n`, 0o600, "postgres", ["agent"]),
    );
    if (spec.agent.controlPlaneCa !== undefined) {
      files.push(
        file(member.layout.agentControlPlaneCa, spec.agent.controlPlaneCa, 0o644, "postgres", ["agent"]),
      );
    }
  }
  return files;
}

/**
 * The witness. With a local repository it is also the repository host: pgBackRest's SSH to the nodes
 * needs the pinned host keys of all three hosts (`hostKeys`), the same file the nodes get.
 */
export function planWitnessFiles(
  spec: PairSpec,
  secrets: PairSecrets,
  hostKeys?: readonly KnownHost[],
): RenderedFile[] {
  const member = witnessMember(spec);
  const files = [
    ...postgresFiles(spec, member, secrets),
    ...commonScripts(spec, member),
    ...backupFiles(spec, member, secrets),
  ];
  if (hostKeys && usesRepositoryHost(spec))
    files.push(file(member.layout.knownHosts, renderKnownHosts(hostKeys), 0o644, "postgres", []));
  return files;
}

/** True when the witness host is the pair's pgBackRest repository host (SSH in both directions). */
export function usesRepositoryHost(spec: PairSpec): boolean {
  return spec.backup?.repository.kind === "local";
}
