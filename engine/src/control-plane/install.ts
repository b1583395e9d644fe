// Installs (or brings up to date) a control plane on a host over SSH, with no Pulumi involved: the
// server's system user, its directories, the store (store.ts), the control-plane artefact by sha256,
// the TLS certificate and key, the secret key, the server as a service, and a wait until its HTTPS
// endpoint answers, checked against the CA from the host itself. Every step is idempotent: a rerun
// with the same inputs reports no change and restarts nothing.
//
//   await installControlPlane(ssh, { name, artefact, listenAddress, port, tls, admin, serviceManager })
//     → { changed, steps: [{ step, changed }], url }
import { createHash } from "node:crypto";
import { InputError, type Secret, shellCommand, shellQuote } from "@pgaas/common";
import { CONTROL_PLANE_ARTEFACT_WEB, controlPlaneArtefactArgv } from "@pgaas/common/wire";
import { type AgentArtefact, installArtefact } from "../bootstrap/agent-artefact.js";
import { ensureDirectoriesCommand } from "../commands/host-commands.js";
import { serviceControlFor } from "../services/control-for.js";
import type { ServiceRef } from "../services/service-def.js";
import { type SystemdServiceDef, unitName } from "../services/systemd-unit.js";
import type { SshSession } from "../ssh/session.js";
import {
  CONTROL_PLANE_USER,
  type ControlPlaneLayout,
  controlPlaneDirectories,
  controlPlaneLayout,
} from "./layout.js";
import {
  renderStoreHba,
  storeDatabaseUrl,
  storeHbaPath,
  storeInitdbCommand,
  storeReadyCommand,
  storeRoleCommand,
  storeService,
} from "./store.js";

export interface ControlPlaneInstallOptions {
  /** Instance name on the host ([a-z][a-z0-9-]*): paths and services are per name. */
  readonly name: string;
  /** The control-plane artefact (`npm run build:control-plane`), installed by its sha256. */
  readonly artefact: AgentArtefact;
  /** The host's address the API listens on (and the certificate names). */
  readonly listenAddress: string;
  readonly port: number;
  readonly tls: {
    readonly certificate: string;
    readonly privateKey: Secret;
    /** The CA that issued `certificate`: clients pin it; the readiness check uses it too. */
    readonly caCertificate: string;
  };
  /** The first admin, created when the store has none (later changes of the password are the user's). */
  readonly admin: { readonly email: string; readonly password: Secret };
  readonly serviceManager: "systemd" | "detached";
  /** How long the server may take to answer over HTTPS (first start applies every migration). */
  readonly readyTimeoutSeconds?: number;
}

export interface ControlPlaneInstallResult {
  readonly changed: boolean;
  readonly steps: readonly { readonly step: string; readonly changed: boolean }[];
  readonly url: string;
}

/** Creates the server's system user unless it exists; prints `changed` when it did. */
export function ensureServiceUserCommand(): string {
  const user = shellQuote(CONTROL_PLANE_USER);
  return `if ! id -u ${user} >/dev/null 2>&1; then useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin ${user} && echo changed; fi`;
}

/** The 32-byte key that seals pair admin credentials: generated on the host once, then kept. */
export function ensureSecretKeyCommand(layout: ControlPlaneLayout): string {
  const file = shellQuote(layout.secretKeyFile);
  return [
    "set -euo pipefail",
    `if [ ! -s ${file} ]; then`,
    `  (umask 077 && head -c 32 /dev/urandom | base64 -w0 > ${file}.new)`,
    `  chown ${shellCommand([`${CONTROL_PLANE_USER}:`])} ${file}.new && mv -f ${file}.new ${file} && echo changed`,
    "fi",
  ].join("\n");
}

/**
 * Asks /healthz over HTTPS from the host, trusting only the CA file, until it answers 200 or the
 * deadline passes (then exits 1 with the last answer). Runs on the artefact's own Node.
 */
const HTTPS_PROBE = `
const https = require("node:https");
const { readFileSync } = require("node:fs");
const [url, caFile, seconds] = process.argv.slice(1);
const ca = readFileSync(caFile, "utf8");
const deadline = Date.now() + Number(seconds) * 1000;
let last = "no answer";
function attempt() {
  const req = https.get(url, { ca, timeout: 2000 }, (res) => {
    res.resume();
    if (res.statusCode === 200) process.exit(0);
    last = "status " + res.statusCode;
    again();
  });
  req.on("timeout", () => req.destroy(new Error("timed out")));
  req.on("error", (error) => { last = error.message; again(); });
}
function again() {
  if (Date.now() > deadline) { console.error(url + ": " + last); process.exit(1); }
  setTimeout(attempt, 500);
}
attempt();
`;

/** Enough of the server's service to find and stop it. */
export function serverServiceRef(layout: ControlPlaneLayout): ServiceRef {
  return { name: `control-plane-${layout.name}`, pidFile: `${layout.runDir}/server.pid` };
}

export function serverService(
  layout: ControlPlaneLayout,
  options: ControlPlaneInstallOptions,
): SystemdServiceDef {
  const tlsHash = createHash("sha256")
    .update(options.tls.certificate)
    .update("\0")
    .update(options.tls.privateKey.reveal())
    .digest("hex");
  return {
    ...serverServiceRef(layout),
    argv: controlPlaneArtefactArgv(layout.appDir),
    user: CONTROL_PLANE_USER,
    workingDir: "/tmp",
    logFile: `${layout.logDir}/server.log`,
    env: {
      DATABASE_URL: storeDatabaseUrl(layout),
      PGAAS_DATABASE_PASSWORD_FILE: layout.storePasswordFile,
      PGAAS_LISTEN_HOST: options.listenAddress,
      PGAAS_PORT: String(options.port),
      PGAAS_SECRET_KEY_FILE: layout.secretKeyFile,
      PGAAS_TLS_CERT_FILE: layout.certFile,
      PGAAS_TLS_KEY_FILE: layout.keyFile,
      PGAAS_WEB_DIR: `${layout.appDir}/${CONTROL_PLANE_ARTEFACT_WEB}`,
      PGAAS_ADMIN_EMAIL: options.admin.email,
      PGAAS_ADMIN_PASSWORD: options.admin.password,
      // What the server reads from files: a new artefact or certificate restarts it, nothing else does.
      PGAAS_ARTEFACT_SHA256: options.artefact.sha256,
      PGAAS_TLS_SHA256: tlsHash,
    },
    startsAfter: [unitName(storeService(layout).name)],
    bindsLowPort: options.port < 1024,
    startTimeoutMs: 20_000,
  };
}

function changedLines(stdout: string): boolean {
  return stdout.split("\n").some((line) => line.startsWith("changed"));
}

export async function installControlPlane(
  ssh: SshSession,
  options: ControlPlaneInstallOptions,
): Promise<ControlPlaneInstallResult> {
  if (options.serviceManager === "detached" && options.port < 1024) {
    throw new InputError(`port ${options.port}: below 1024 only under systemd (which grants the right)`, {
      code: "invalid_control_plane_port",
    });
  }
  const layout = controlPlaneLayout(options.name);
  const services = serviceControlFor(options.serviceManager, ssh);
  const steps: { step: string; changed: boolean }[] = [];
  const label = `control-plane ${layout.name}`;
  const script = async (step: string, command: string, timeoutMs = 60_000) => {
    const { stdout } = await ssh.runChecked(["bash", "-c", command], {
      step: `${label}: ${step}`,
      timeoutMs,
    });
    steps.push({ step, changed: changedLines(stdout) });
  };
  const upload = async (step: string, path: string, content: string, mode: number, owner: string) => {
    const { changed } = await ssh.upload(path, content, {
      step: `${label}: ${step}`,
      mode,
      owner,
      group: owner,
    });
    steps.push({ step, changed });
  };

  await script("service user", ensureServiceUserCommand());
  await script("directories", ensureDirectoriesCommand(controlPlaneDirectories(layout)));
  const artefact = await installArtefact(ssh, layout.appDir, options.artefact, `${label}: artefact`);
  steps.push({ step: "artefact", changed: artefact.changed });

  await script("store initdb", storeInitdbCommand(layout), 180_000);
  await upload("store pg_hba.conf", storeHbaPath(layout), renderStoreHba(), 0o600, "postgres");
  steps.push({
    step: "store service",
    changed: (await services.ensureRunning(storeService(layout))).changed,
  });
  await script("store ready", storeReadyCommand(layout, 60), 90_000);
  await script("store role", storeRoleCommand(layout));

  await script("secret key", ensureSecretKeyCommand(layout));
  await upload("certificate", layout.certFile, options.tls.certificate, 0o644, CONTROL_PLANE_USER);
  await upload("ca certificate", layout.caFile, options.tls.caCertificate, 0o644, CONTROL_PLANE_USER);
  await upload("private key", layout.keyFile, options.tls.privateKey.reveal(), 0o600, CONTROL_PLANE_USER);
  const server = serverService(layout, options);
  steps.push({ step: "server service", changed: (await services.ensureRunning(server)).changed });

  const url = `https://${options.listenAddress.includes(":") ? `[${options.listenAddress}]` : options.listenAddress}:${options.port}`;
  const seconds = options.readyTimeoutSeconds ?? 120;
  const [node = ""] = controlPlaneArtefactArgv(layout.appDir);
  await ssh.runChecked([node, "-e", HTTPS_PROBE, `${url}/healthz`, layout.caFile, String(seconds)], {
    step: `${label}: https ready`,
    timeoutMs: (seconds + 15) * 1000,
  });
  return { changed: steps.some((step) => step.changed), steps, url };
}
