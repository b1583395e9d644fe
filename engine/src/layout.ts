// Where every file and directory of a pair member lives on its host. Pure. Paths include the pair and
// the member name so members stay apart even when hosts share one filesystem (namespace hosts do). Pair-wide files (.pgpass, the postgres SSH key) are identical on every member,
// so they may share one path: repmgr stores each node's conninfo (with `passfile=`) for all to use.
import { POSTGRES_BIN_DIR } from "@pgaas/common/wire";
import type { PairSpec } from "./spec.js";

export const PG_BIN_DIR = POSTGRES_BIN_DIR;
/** iproute2 (an absolute path: a service's PATH may lack /usr/sbin). */
export const IP_BIN = "/usr/sbin/ip";

export interface MemberLayout {
  readonly pair: string;
  /** node or witness name */
  readonly member: string;
  readonly dataDir: string;
  /** postgresql.conf, pg_hba.conf, pg_ident.conf, repmgr.conf, keepalived.conf */
  readonly configDir: string;
  readonly scriptsDir: string;
  /** unix sockets and PID files (created on every start: /run is a tmpfs on VMs) */
  readonly runDir: string;
  readonly logDir: string;
  /** persistent state outside the data directory: fence marker, agent spool, rejoin config archive */
  readonly stateDir: string;
  /** the installed agent artefact (its runtime and bundle), root-owned, readable by the agent */
  readonly agentDir: string;
  readonly postgresqlConf: string;
  readonly hbaFile: string;
  readonly identFile: string;
  readonly repmgrConf: string;
  readonly keepalivedConf: string;
  readonly pgbouncerIni: string;
  /** Who may reach PgBouncer, how (its auth_hba_file). */
  readonly pgbouncerHba: string;
  /** PgBouncer's [databases]: the pooled databases, rewritten by the agent (hence in stateDir). */
  readonly pgbouncerDatabases: string;
  readonly agentConfig: string;
  readonly agentTokenFile: string;
  /** the client CA, CRL and their settings file, written by the agent (see @pgaas/common/wire client-auth) */
  readonly clientAuthDir: string;
  /** The control plane's CA (PEM) the agent pins when the spec brings one. */
  readonly agentControlPlaneCa: string;
  /** This member's TLS server certificate and key (issued by the pair CA). */
  readonly serverCertificate: string;
  readonly serverKey: string;
  readonly postgresLog: string;
  /** what the pgaas scripts (hooks, degrade, fence watcher) did, one line per action */
  readonly scriptsLog: string;
  readonly fenceMarker: string;
  /** keepalived's track_file: `0` (the VIP may live here) while open or held, `1` (FAULT) when closed */
  readonly vipGate: string;
  /** keepalived's weighted track_file: added to the VRRP priority, so an open gate outranks a held one */
  readonly vipPriority: string;
  /** touched by the loop that keeps the gate current; stale means the gate may be stale too */
  readonly vipGateHeartbeat: string;
  /** a standby's mark that repmgrd reported its upstream lost and sleeps between reconnect attempts */
  readonly upstreamLostMark: string;
  /** taken by the upstream watch's wake of repmgrd and by the event hook's mark (render/upstream-watch.ts) */
  readonly repmgrdWakeLock: string;
  /** written once initdb or a clone finished: a data directory without it is a half-made leftover */
  readonly dataCompleteMarker: string;
  readonly spoolDir: string;
  readonly configArchiveDir: string;
  /** the agent's durable record of the last sync state it saw on this node as primary (auto-rejoin) */
  readonly healStateFile: string;
  /** pair-wide, same on every member */
  readonly pgpass: string;
  readonly sshDir: string;
  readonly sshPrivateKey: string;
  /** The pair CA's certificate: every member's sslrootcert for verify-full. */
  readonly caCertificate: string;
  /** The nodes' host keys, pinned for repmgr's node-to-node SSH. */
  readonly knownHosts: string;
}

export interface ScriptPaths {
  readonly lib: string;
  readonly keepalivedCheck: string;
  readonly promote: string;
  readonly eventHook: string;
  readonly degrade: string;
  readonly fenceWatcher: string;
  /** start|stop|restart|reload through pg_ctl -D <configDir>; refuses to start a fenced primary */
  readonly pgService: string;
}

export function pairConfigRoot(pairName: string): string {
  return `/etc/pgaas/${pairName}`;
}

/** Installed software per pair; a member's agent lives below it. */
export function pairSoftwareRoot(pairName: string): string {
  return `/opt/pgaas/${pairName}`;
}

/** Every pair-wide directory on a host; its members' directories are below these. */
export function pairRoots(pairName: string): string[] {
  return [
    pairConfigRoot(pairName),
    `/var/lib/pgaas/${pairName}`,
    `/run/pgaas/${pairName}`,
    `/var/log/pgaas/${pairName}`,
    pairSoftwareRoot(pairName),
  ];
}

export function memberLayout(spec: Pick<PairSpec, "name">, member: string): MemberLayout {
  const pairRoot = pairConfigRoot(spec.name);
  const configDir = `${pairRoot}/${member}`;
  const stateDir = `/var/lib/pgaas/${spec.name}/${member}`;
  const runDir = `/run/pgaas/${spec.name}/${member}`;
  const logDir = `/var/log/pgaas/${spec.name}/${member}`;
  return {
    pair: spec.name,
    member,
    dataDir: `${stateDir}/data`,
    configDir,
    scriptsDir: `${configDir}/bin`,
    runDir,
    logDir,
    stateDir,
    agentDir: `${pairSoftwareRoot(spec.name)}/${member}/agent`,
    postgresqlConf: `${configDir}/postgresql.conf`,
    hbaFile: `${configDir}/pg_hba.conf`,
    identFile: `${configDir}/pg_ident.conf`,
    repmgrConf: `${configDir}/repmgr.conf`,
    keepalivedConf: `${configDir}/keepalived.conf`,
    pgbouncerIni: `${configDir}/pgbouncer.ini`,
    pgbouncerHba: `${configDir}/pgbouncer_hba.conf`,
    pgbouncerDatabases: `${stateDir}/pgbouncer-databases.ini`,
    agentConfig: `${configDir}/agent.json`,
    agentTokenFile: `${configDir}/agent.token`,
    clientAuthDir: `${stateDir}/client-auth`,
    agentControlPlaneCa: `${configDir}/control-plane-ca.pem`,
    serverCertificate: `${configDir}/server.crt`,
    serverKey: `${configDir}/server.key`,
    postgresLog: `${logDir}/postgresql.log`,
    scriptsLog: `${logDir}/pgaas-scripts.log`,
    fenceMarker: `${stateDir}/FENCED`,
    vipGate: `${runDir}/vip-gate`,
    vipPriority: `${runDir}/vip-priority`,
    vipGateHeartbeat: `${runDir}/vip-gate.alive`,
    upstreamLostMark: `${runDir}/upstream-lost`,
    repmgrdWakeLock: `${runDir}/repmgrd-wake.lock`,
    dataCompleteMarker: `${stateDir}/data.complete`,
    spoolDir: `${stateDir}/spool`,
    configArchiveDir: `${stateDir}/config-archive`,
    healStateFile: `${stateDir}/heal-state.json`,
    pgpass: `${pairRoot}/pgpass`,
    sshDir: `${pairRoot}/ssh`,
    sshPrivateKey: `${pairRoot}/ssh/id_ed25519`,
    caCertificate: `${pairRoot}/ca.crt`,
    knownHosts: `${pairRoot}/ssh/known_hosts`,
  };
}

export function scriptPaths(layout: MemberLayout): ScriptPaths {
  const dir = layout.scriptsDir;
  return {
    lib: `${dir}/pgaas-lib.sh`,
    keepalivedCheck: `${dir}/keepalived-check`,
    promote: `${dir}/promote`,
    eventHook: `${dir}/event-hook`,
    degrade: `${dir}/degrade`,
    fenceWatcher: `${dir}/fence-watcher`,
    pgService: `${dir}/pg-service`,
  };
}

/** Directories to create before any file is written, with owner and mode. */
export interface DirectorySpec {
  readonly path: string;
  readonly owner: string;
  readonly mode: number;
}

export function memberDirectories(layout: MemberLayout): DirectorySpec[] {
  return [
    { path: layout.configDir.replace(/\/[^/]+$/, ""), owner: "root", mode: 0o755 },
    { path: layout.configDir, owner: "root", mode: 0o755 },
    { path: layout.scriptsDir, owner: "root", mode: 0o755 },
    { path: layout.sshDir, owner: "postgres", mode: 0o700 },
    { path: layout.stateDir, owner: "postgres", mode: 0o700 },
    { path: layout.spoolDir, owner: "postgres", mode: 0o700 },
    { path: layout.clientAuthDir, owner: "postgres", mode: 0o700 },
    { path: layout.configArchiveDir, owner: "postgres", mode: 0o700 },
    { path: layout.runDir, owner: "postgres", mode: 0o755 },
    { path: layout.logDir, owner: "postgres", mode: 0o755 },
  ];
}
