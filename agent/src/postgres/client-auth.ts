// The node's side of certificate authentication: the control plane's client CA and CRL, written into
// the client-auth directory that postgresql.conf includes, then a reload. A new CRL is in force for
// every new connection once the postmaster has re-read its configuration (pg_conf_load_time moves).
// The version file is written last and only after that, so a node that crashed halfway or could not
// reload reports its old version and is sent the bundle again.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  CLIENT_AUTH_CONF,
  CLIENT_AUTH_VERSION_FILE,
  CLIENT_CA_FILE,
  CLIENT_CRL_FILE,
  type ClientAuthBundle,
} from "@pgaas/common/wire";
import { confLine } from "@pgaas/engine/self-heal";
import { writeAtomically } from "../files/write-atomically.js";
import type { PgConnection } from "./pg-connection.js";

export interface ClientAuth {
  /** The version PostgreSQL uses now; null before the first bundle. */
  version(): number | null;
  /** Idempotent: a bundle of the version in place changes nothing. */
  apply(bundle: ClientAuthBundle): Promise<void>;
}

/** How long a reload may take to show in pg_conf_load_time before the bundle counts as not applied. */
const RELOAD_WAIT_MS = 5000;
const RELOAD_POLL_MS = 50;

/** Nothing here is secret (a CA certificate and a CRL), so the files are world-readable. */
const PUBLIC_FILE_MODE = 0o644;

/** The settings file's body: the two files by absolute path. */
export function clientAuthConf(dir: string): string {
  return [
    "# written by the pgaas agent: the pair's client CA and its CRL (certificate authentication)",
    confLine("ssl_ca_file", join(dir, CLIENT_CA_FILE)),
    confLine("ssl_crl_file", join(dir, CLIENT_CRL_FILE)),
    "",
  ].join("\n");
}

/** Reloads PostgreSQL and waits until the postmaster has re-read its configuration. */
async function reloadAndWait(connection: PgConnection): Promise<void> {
  type LoadRow = { loaded: string };
  const loadTime = async () =>
    (await connection.query<LoadRow>("SELECT pg_catalog.pg_conf_load_time()::text AS loaded"))[0]?.loaded;
  const before = await loadTime();
  await connection.query("SELECT pg_catalog.pg_reload_conf()");
  const started = performance.now();
  for (let attempt = 0; attempt < RELOAD_WAIT_MS / RELOAD_POLL_MS; attempt += 1) {
    if ((await loadTime()) !== before) return;
    if (performance.now() - started > RELOAD_WAIT_MS) break;
    await new Promise((resolve) => setTimeout(resolve, RELOAD_POLL_MS));
  }
  throw new Error(`PostgreSQL did not reload its configuration within ${RELOAD_WAIT_MS} ms`);
}

export async function openClientAuth(dir: string, connection: PgConnection): Promise<ClientAuth> {
  const stored = await readFile(join(dir, CLIENT_AUTH_VERSION_FILE), "utf8").catch(() => "");
  let current: number | null = /^\d+\n?$/.test(stored) ? Number.parseInt(stored, 10) : null;
  let applying: Promise<void> = Promise.resolve();
  const apply = async (bundle: ClientAuthBundle) => {
    if (bundle.version === current) return;
    await writeAtomically(join(dir, CLIENT_CA_FILE), bundle.caCertificate, PUBLIC_FILE_MODE);
    await writeAtomically(join(dir, CLIENT_CRL_FILE), bundle.crl, PUBLIC_FILE_MODE);
    await writeAtomically(join(dir, CLIENT_AUTH_CONF), clientAuthConf(dir), PUBLIC_FILE_MODE);
    await reloadAndWait(connection);
    await writeAtomically(join(dir, CLIENT_AUTH_VERSION_FILE), `${bundle.version}\n`, PUBLIC_FILE_MODE);
    current = bundle.version;
  };
  return {
    version: () => current,
    apply(bundle) {
      // One at a time: two acknowledgements in a row must not interleave their writes.
      applying = applying.catch(() => {}).then(() => apply(bundle));
      return applying;
    },
  };
}
