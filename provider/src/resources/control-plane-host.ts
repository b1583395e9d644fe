// pgaas:index:ControlPlaneHost — the control plane installed on one host over SSH by the engine
// (engine/src/control-plane): its store, the control-plane artefact by sha256, TLS and the server.
// Check records the artefact's sha256 among the inputs, so a new artefact shows as an update; every
// other change but the host and the instance name updates in place (the install is idempotent).
// Without a certificate it makes a CA and an ECDSA server certificate for the address and DNS names;
// without an admin password it generates one: both are kept in state as secrets and reused.
// Delete stops the services and keeps the store's files: the registry of every pair is in them.
import { Secret } from "@pgaas/common";
import { CONTROL_PLANE_PORT } from "@pgaas/common/wire";
import {
  controlPlaneCertificate,
  type GeneratedControlPlaneTls,
  generateAdminPassword,
  generateControlPlaneTls,
  installControlPlane,
  loadControlPlaneArtefact,
  stopControlPlane,
} from "@pgaas/engine";
import { withSsh } from "@pgaas/engine/ssh";
import { controlPlaneArtefactPath } from "@pgaas/portal/artefact";
import { z } from "zod";
import { unwrapSecrets, wireSecret } from "../plugin/wire-values.js";
import { HostConnection, hostTarget } from "./host-connections.js";
import {
  changedKeys,
  parseInputs,
  type ResourceContext,
  type ResourceHandler,
  schemaFailures,
  type WireProps,
} from "./resource-handler.js";
import { waitForControlPlaneHost } from "./wait-for-hosts.js";

export const CONTROL_PLANE_HOST_TOKEN = "pgaas:index:ControlPlaneHost";

const DEFAULT_READY_TIMEOUT_SECONDS = 900;

export const ControlPlaneHostInputs = z
  .object({
    host: HostConnection,
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,30}$/, "must match ^[a-z][a-z0-9-]{0,30}$")
      .default("main"),
    listenAddress: z.union([z.ipv4(), z.ipv6()], { error: "an IP address of the host" }),
    port: z.number().int().min(1).max(65535).default(CONTROL_PLANE_PORT),
    /** Names the generated certificate carries besides listenAddress. */
    dnsNames: z.array(z.string().regex(/^[A-Za-z0-9.-]+$/, "a DNS name")).default([]),
    certificate: z
      .string()
      .includes("BEGIN CERTIFICATE", { message: "must be a PEM certificate" })
      .optional(),
    privateKey: z.string().includes("PRIVATE KEY", { message: "must be a PEM private key" }).optional(),
    caCertificate: z
      .string()
      .includes("BEGIN CERTIFICATE", { message: "must be a PEM certificate" })
      .optional(),
    adminEmail: z.email(),
    adminPassword: z.string().min(12, "at least 12 characters").optional(),
    readyFile: z.string().startsWith("/").optional(),
    readyTimeoutSeconds: z.number().int().min(1).max(7200).default(DEFAULT_READY_TIMEOUT_SECONDS),
    artefactSha256: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .refine(
    (inputs) =>
      [inputs.certificate, inputs.privateKey, inputs.caCertificate].every((value) => value === undefined) ||
      [inputs.certificate, inputs.privateKey, inputs.caCertificate].every((value) => value !== undefined),
    { path: ["certificate"], message: "give certificate, privateKey and caCertificate together (or none)" },
  );
export type ControlPlaneHostInputs = z.infer<typeof ControlPlaneHostInputs>;

/** Where a control plane is: what delete needs from the state. */
const ControlPlaneLocation = z.object({ host: HostConnection, name: z.string().default("main") });

/** A different host or instance name is another control plane: replace. */
const REPLACE_KEYS = ["name"] as const;
const UPDATE_KEYS = [
  "host",
  "listenAddress",
  "port",
  "dnsNames",
  "certificate",
  "privateKey",
  "caCertificate",
  "adminEmail",
  "adminPassword",
  "readyFile",
  "readyTimeoutSeconds",
  "artefactSha256",
] as const;

/** What the provider generated and keeps in state (secret): reused on every update. */
interface Generated {
  readonly tls?: GeneratedControlPlaneTls;
  readonly adminPassword?: string;
}

/** The `generated` output as stored in state (JSON, a secret): checked like any input read back. */
const StoredGenerated = z.object({
  tls: z.object({ caCertificate: z.string(), caPrivateKey: z.string(), serverKey: z.string() }).optional(),
  adminPassword: z.string().optional(),
});

export function generatedFrom(props: WireProps): Generated {
  const raw = unwrapSecrets(props.generated);
  if (typeof raw !== "string") return {};
  const parsed = StoredGenerated.parse(JSON.parse(raw));
  return {
    ...(parsed.tls === undefined
      ? {}
      : {
          tls: {
            caCertificate: parsed.tls.caCertificate,
            caPrivateKey: new Secret(parsed.tls.caPrivateKey),
            serverKey: new Secret(parsed.tls.serverKey),
          },
        }),
    ...(parsed.adminPassword === undefined ? {} : { adminPassword: parsed.adminPassword }),
  };
}

/** Fills what the inputs leave out from what was generated before, generating what is missing. */
export function filledInputs(inputs: ControlPlaneHostInputs, kept: Generated) {
  const tls = inputs.certificate === undefined ? (kept.tls ?? generateControlPlaneTls()) : undefined;
  const adminPassword = inputs.adminPassword ?? kept.adminPassword ?? generateAdminPassword().reveal();
  const generated: Generated = {
    ...(tls === undefined ? {} : { tls }),
    ...(inputs.adminPassword === undefined ? { adminPassword } : {}),
  };
  return {
    certificate:
      tls === undefined
        ? (inputs.certificate as string)
        : controlPlaneCertificate(tls, [inputs.listenAddress, ...inputs.dnsNames]),
    privateKey: tls === undefined ? (inputs.privateKey as string) : tls.serverKey.reveal(),
    caCertificate: tls === undefined ? (inputs.caCertificate as string) : tls.caCertificate,
    adminPassword,
    generated: JSON.stringify({
      ...(generated.tls === undefined
        ? {}
        : {
            tls: {
              caCertificate: generated.tls.caCertificate,
              caPrivateKey: generated.tls.caPrivateKey.reveal(),
              serverKey: generated.tls.serverKey.reveal(),
            },
          }),
      ...(generated.adminPassword === undefined ? {} : { adminPassword: generated.adminPassword }),
    }),
  };
}

async function install(
  inputs: ControlPlaneHostInputs,
  kept: Generated,
  ctx: ResourceContext,
): Promise<WireProps> {
  const target = hostTarget(inputs.host, "control-plane");
  await waitForControlPlaneHost(target, {
    readyFile: inputs.readyFile,
    timeoutMs: inputs.readyTimeoutSeconds * 1000,
  });
  const artefact = await loadControlPlaneArtefact(controlPlaneArtefactPath());
  const filled = filledInputs(inputs, kept);
  const result = await withSsh(target.ssh, (ssh) =>
    installControlPlane(ssh, {
      name: inputs.name,
      artefact,
      listenAddress: inputs.listenAddress,
      port: inputs.port,
      tls: {
        certificate: filled.certificate,
        privateKey: new Secret(filled.privateKey),
        caCertificate: filled.caCertificate,
      },
      admin: { email: inputs.adminEmail, password: new Secret(filled.adminPassword) },
      serviceManager: inputs.host.serviceManager,
    }),
  );
  ctx.log.info("control plane installed", {
    host: inputs.host.host,
    url: result.url,
    changed: result.steps.filter((step) => step.changed).map((step) => step.step),
  });
  return {
    url: result.url,
    // The same host serves as the pairs' witness: PostgresPair takes this address for it.
    witnessAddress: inputs.listenAddress,
    caCertificate: filled.caCertificate,
    adminPassword: wireSecret(filled.adminPassword),
    generated: wireSecret(filled.generated),
  };
}

export const controlPlaneHostHandler: ResourceHandler = {
  token: CONTROL_PLANE_HOST_TOKEN,

  async check(_olds, news) {
    // A missing artefact is a check failure saying how to build it (the engine's message), not a crash.
    const artefact = await loadControlPlaneArtefact(controlPlaneArtefactPath()).then(
      (loaded) => ({ sha256: loaded.sha256 }),
      (error: Error) => ({ missing: error.message }),
    );
    const inputs = {
      ...news,
      name: news.name ?? "main",
      port: news.port ?? CONTROL_PLANE_PORT,
      dnsNames: news.dnsNames ?? [],
      readyTimeoutSeconds: news.readyTimeoutSeconds ?? DEFAULT_READY_TIMEOUT_SECONDS,
      ...("sha256" in artefact ? { artefactSha256: artefact.sha256 } : {}),
    };
    const failures = schemaFailures(ControlPlaneHostInputs, inputs).map((failure) =>
      failure.property === "artefactSha256" && "missing" in artefact
        ? { property: failure.property, reason: artefact.missing }
        : failure,
    );
    return { inputs, failures };
  },

  async diff(_id, olds, news) {
    const replaces = [...changedKeys(REPLACE_KEYS, olds, news), ...(sameHost(olds, news) ? [] : ["host"])];
    const updates = changedKeys(UPDATE_KEYS, olds, news);
    return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: false };
  },

  async create(props, ctx) {
    const inputs = parseInputs(ControlPlaneHostInputs, props);
    const outs = await install(inputs, {}, ctx);
    return { id: `${inputs.host.host}/${inputs.name}`, outs: { ...props, ...outs } };
  },

  async read(id, props) {
    return { id, props };
  },

  async update(_id, olds, news, ctx) {
    const inputs = parseInputs(ControlPlaneHostInputs, news);
    return { outs: { ...news, ...(await install(inputs, generatedFrom(olds), ctx)) } };
  },

  async delete(_id, props, ctx) {
    // The state's outputs (a generated caCertificate among them), not inputs: only where it is matters.
    const inputs = parseInputs(ControlPlaneLocation, props);
    const target = hostTarget(inputs.host, "control-plane");
    await withSsh(target.ssh, (ssh) =>
      stopControlPlane(ssh, { name: inputs.name, serviceManager: inputs.host.serviceManager }),
    );
    ctx.log.info("control plane stopped; its store stays on the host", {
      host: inputs.host.host,
      name: inputs.name,
    });
  },
};

/** The same machine: address and port sshd answers on (keys and bastion may change in place). */
function sameHost(olds: WireProps, news: WireProps): boolean {
  const host = (props: WireProps) => {
    const value = props.host as { host?: unknown; port?: unknown } | undefined;
    return `${String(value?.host)}:${String(value?.port ?? 22)}`;
  };
  return host(olds) === host(news);
}
