// Every file a pair member needs, rendered from the spec: the bootstrap installs them (writing only
// when bytes differ) and uses `affects` to know which daemon must reload or restart after a change.
import type { Secret } from "@pgaas/common";
import { scriptPaths } from "./layout.js";
import { type Member, nodeMember, witnessMember } from "./members.js";
import { renderAgentConfig } from "./render/agent-config.js";
import { renderKeepalivedConf } from "./render/keepalived-conf.js";
import { type KnownHost, renderKnownHosts } from "./render/known-hosts.js";
import { renderPgHba } from "./render/pg-hba.js";
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

export type Daemon = "postgres" | "repmgrd" | "keepalived" | "fence" | "agent";

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
  const identity = {
    clusterName: `${spec.name}-${member.name}`,
    listenAddresses: listen,
    port: member.port,
    layout,
  };
  const settings =
    member.kind === "node"
      ? resolveSettings(spec, identity)
      : resolveSettings({ ...spec, settings: {} }, identity, WITNESS_OVERRIDES);
  return [
    file(layout.postgresqlConf, renderPostgresqlConf(settings), 0o644, "postgres", ["postgres"]),
    file(layout.hbaFile, renderPgHba(spec, member.kind), 0o640, "postgres", ["postgres"]),
    file(layout.identFile, renderPgIdent(), 0o640, "postgres", ["postgres"]),
    file(layout.repmgrConf, renderRepmgrConf(spec, member), 0o644, "postgres", ["repmgrd"]),
    file(layout.pgpass, renderPgpass(secrets.repmgrPassword), 0o600, "postgres", []),
    file(layout.sshPrivateKey, secrets.postgresSshPrivateKey.reveal(), 0o600, "postgres", []),
    file(`${layout.sshPrivateKey}.pub`, `${secrets.postgresSshPublicKey}\n`, 0o644, "postgres", []),
  ];
}

function commonScripts(spec: PairSpec, member: Member): RenderedFile[] {
  const scripts = scriptPaths(member.layout);
  return [
    file(scripts.lib, renderScriptLib(spec, member), 0o755, "root", ["fence"]),
    file(scripts.eventHook, renderEventHook(member), 0o755, "root", []),
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
  }
  return files;
}

export function planWitnessFiles(spec: PairSpec, secrets: PairSecrets): RenderedFile[] {
  const member = witnessMember(spec);
  return [...postgresFiles(spec, member, secrets), ...commonScripts(spec, member)];
}
