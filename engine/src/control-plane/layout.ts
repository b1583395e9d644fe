// Where a control plane lives on its host. One host may carry several (namespace hosts share one
// filesystem), so every path is per instance name. The store and the secrets sit under /var/lib/pgaas,
// which is the data volume on a cloud VM. `control_plane` has an underscore, which no pair name has:
// the pairs' witnesses on this host keep their own /var/lib/pgaas/<pair> beside it.
import { InputError } from "@pgaas/common";
import type { DirectorySpec } from "../layout.js";

/** The unprivileged system user the server runs as: it reads its key files, nothing of PostgreSQL. */
export const CONTROL_PLANE_USER = "pgaas-control-plane";
/** The store's database and its least-privilege owner role (no superuser, no CREATEDB/ROLE). */
export const CONTROL_PLANE_STORE_DATABASE = "pgaas_control_plane";
export const CONTROL_PLANE_STORE_ROLE = "pgaas_control_plane";
/** The store listens on its socket only, on PostgreSQL's own port number. */
export const CONTROL_PLANE_STORE_PORT = 5432;

export interface ControlPlaneLayout {
  readonly name: string;
  /** The unpacked artefact (root-owned, read-only to the server). */
  readonly appDir: string;
  /** Certificate, CA and the server's secrets. */
  readonly configDir: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
  /** The 32-byte key sealing pair admin credentials in the store: generated on the host, kept. */
  readonly secretKeyFile: string;
  /** The store role's password: generated on the host, kept, read by the server (0600). */
  readonly storePasswordFile: string;
  readonly storeDataDir: string;
  readonly storeSocketDir: string;
  readonly runDir: string;
  readonly logDir: string;
}

export function controlPlaneLayout(name: string): ControlPlaneLayout {
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(name)) {
    throw new InputError(`control plane name ${JSON.stringify(name)}: lowercase letters, digits and -`, {
      code: "invalid_control_plane_name",
    });
  }
  const lib = `/var/lib/pgaas/control_plane/${name}`;
  const config = `/etc/pgaas/control_plane/${name}`;
  return {
    name,
    appDir: `${lib}/app`,
    configDir: config,
    certFile: `${config}/server.pem`,
    keyFile: `${config}/server.key`,
    caFile: `${config}/ca.pem`,
    secretKeyFile: `${lib}/secrets/secret.key`,
    storePasswordFile: `${lib}/secrets/store-password`,
    storeDataDir: `${lib}/store`,
    storeSocketDir: `${lib}/socket`,
    runDir: `${lib}/run`,
    logDir: `/var/log/pgaas/control_plane/${name}`,
  };
}

export function controlPlaneDirectories(layout: ControlPlaneLayout): DirectorySpec[] {
  const lib = layout.storeDataDir.replace(/\/store$/, "");
  return [
    { path: "/etc/pgaas/control_plane", owner: "root", mode: 0o755 },
    { path: layout.configDir, owner: CONTROL_PLANE_USER, mode: 0o700 },
    { path: "/var/lib/pgaas/control_plane", owner: "root", mode: 0o755 },
    { path: lib, owner: "root", mode: 0o755 },
    { path: `${lib}/secrets`, owner: CONTROL_PLANE_USER, mode: 0o700 },
    { path: layout.storeDataDir, owner: "postgres", mode: 0o700 },
    { path: layout.storeSocketDir, owner: "postgres", mode: 0o755 },
    { path: layout.runDir, owner: "root", mode: 0o755 },
    { path: "/var/log/pgaas/control_plane", owner: "root", mode: 0o755 },
    { path: layout.logDir, owner: "root", mode: 0o755 },
  ];
}
