// Pure renderers for a pgaas systemd unit and its environment file. Secrets never go into the unit
// (world-readable); they go into an EnvironmentFile with mode 0600.
import { createHash } from "node:crypto";
import type { ServiceDef } from "./service-def.js";

/** What only systemd needs to know about a service: its place in the boot order. */
export interface SystemdServiceDef extends ServiceDef {
  /** Units this one starts after at boot (ordering only: neither pulls the other in). */
  readonly startsAfter?: readonly string[];
  /**
   * Stopping the unit signals the main process only (KillMode=process), never what it started:
   * a restarted repmgrd must not take a PostgreSQL it happened to start down with it.
   */
  readonly keepChildrenOnStop?: boolean;
  /** An unprivileged daemon that listens on a port below 1024 (the control plane's 443) gets just that right. */
  readonly bindsLowPort?: boolean;
}

export const UNIT_DIR = "/etc/systemd/system";
export const ENV_DIR = "/etc/pgaas/env";

export function unitName(name: string): string {
  return `pgaas-${name}.service`;
}

export function unitPath(name: string): string {
  return `${UNIT_DIR}/${unitName(name)}`;
}

export function envFilePath(name: string): string {
  return `${ENV_DIR}/${name}.env`;
}

/** systemd's own quoting for command lines: "…" with C escapes, `%` → `%%`, `$` → `$$`. */
export function systemdQuote(word: string): string {
  const specifiers = word.replaceAll("%", "%%").replaceAll("$", "$$$$");
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(specifiers)) return specifiers;
  const escaped = specifiers
    .replaceAll("\\", "\\\\")
    .replaceAll('"', '\\"')
    .replaceAll("\n", "\\n")
    .replaceAll("\t", "\\t");
  return `"${escaped}"`;
}

/** One KEY="value" line per variable, sorted; EnvironmentFile= reads these literally. */
export function renderEnvFile(def: ServiceDef): string | undefined {
  const names = Object.keys(def.env ?? {}).sort();
  if (names.length === 0) return undefined;
  const lines = names.map((name) => {
    const raw = def.env?.[name];
    const value = typeof raw === "string" ? raw : (raw?.reveal() ?? "");
    const escaped = value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
    return `${name}="${escaped}"`;
  });
  return `# Managed by pgaas - do not edit.\n${lines.join("\n")}\n`;
}

/** Prefixes a unit body with the managed header and the sha256 of the body. */
export function withUnitHeader(body: string): string {
  const hash = createHash("sha256").update(body).digest("hex");
  return `# Managed by pgaas - do not edit. content-sha256: ${hash}\n${body}`;
}

/**
 * The unit for a service. Restart=no on purpose: a crashed postgres must stay down so repmgr can fail
 * over, and repmgr/keepalived are restarted by the engine, not behind its back.
 */
export function renderSystemdUnit(def: SystemdServiceDef): string {
  const forking = def.daemonizes === true;
  const service = [
    `Type=${forking ? "forking" : "simple"}`,
    ...(forking ? [`PIDFile=${def.pidFile}`] : []),
    `User=${def.user}`,
    ...(def.bindsLowPort ? ["AmbientCapabilities=CAP_NET_BIND_SERVICE"] : []),
    `WorkingDirectory=${def.workingDir}`,
    ...(renderEnvFile(def) === undefined ? [] : [`EnvironmentFile=${envFilePath(def.name)}`]),
    `ExecStart=${def.argv.map(systemdQuote).join(" ")}`,
    `StandardOutput=append:${def.logFile}`,
    `StandardError=append:${def.logFile}`,
    `KillSignal=SIG${def.stopSignal ?? "TERM"}`,
    ...(def.keepChildrenOnStop ? ["KillMode=process"] : []),
    "Restart=no",
    "TimeoutStopSec=60",
  ];
  const body = [
    "[Unit]",
    `Description=pgaas ${def.name}`,
    `After=${["network-online.target", ...(def.startsAfter ?? [])].join(" ")}`,
    "Wants=network-online.target",
    "",
    "[Service]",
    ...service,
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
  return withUnitHeader(body);
}
