// The configuration of a control plane that serves HTTPS for a test: a throwaway CA and a server
// certificate for the given addresses, a fresh secret key, the first admin. The server reads its
// certificate and key when the configuration is loaded, so the files are gone when this returns.

import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureControlPlaneTls } from "@pgaas/engine";
import { loadConfig, type ServerConfig } from "@pgaas/portal";

export interface HttpsServerConfig {
  readonly config: ServerConfig;
  /** The CA clients pin (PEM). */
  readonly caCertificate: string;
}

export async function httpsServerConfig(options: {
  readonly storeUrl: string;
  /** PGAAS_LISTEN_HOST: one address or several, comma-separated. */
  readonly listenHost: string;
  /** Addresses the certificate names besides the listen addresses. */
  readonly altNames?: readonly string[];
  readonly admin: { readonly email: string; readonly password: string };
}): Promise<HttpsServerConfig> {
  const dir = await mkdtemp(join(tmpdir(), "pgaas-cp-tls-"));
  try {
    // "0.0.0.0" listens everywhere but names no address a client dials.
    const listening = options.listenHost.split(",").filter((host) => host !== "0.0.0.0");
    const names = [...new Set([...listening, ...(options.altNames ?? [])])];
    const tls = ensureControlPlaneTls(dir, names);
    const config = loadConfig({
      DATABASE_URL: options.storeUrl,
      PGAAS_LISTEN_HOST: options.listenHost,
      PGAAS_PORT: "0",
      PGAAS_SECRET_KEY: randomBytes(32).toString("base64"),
      PGAAS_ADMIN_EMAIL: options.admin.email,
      PGAAS_ADMIN_PASSWORD: options.admin.password,
      PGAAS_TLS_CERT_FILE: tls.certFile,
      PGAAS_TLS_KEY_FILE: tls.keyFile,
    });
    return { config, caCertificate: tls.caCertificate };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
