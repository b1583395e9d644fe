// pgaas:index:ControlPlaneHost — the control plane installed on one host over SSH by the engine
// (engine/src/control-plane): its store, the control-plane artefact by sha256, TLS and the server.
// Check records the artefact's sha256 among the inputs, so a new artefact shows as an update; every
// other change but the host and the instance name updates in place (the install is idempotent).
// Delete stops the services and keeps the store's files: the registry of every pair is in them.
import { Secret } from "@pgaas/common";
import { installControlPlane, loadControlPlaneArtefact, stopControlPlane } from "@pgaas/engine";
import { withSsh } from "@pgaas/engine/ssh";
import { CONTROL_PLANE_ARTEFACT_PATH } from "@pgaas/portal/artefact";
import { z } from "zod";
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

export const ControlPlaneHostInputs = z.object({
  host: HostConnection,
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,30}$/, "must match ^[a-z][a-z0-9-]{0,30}$")
    .default("main"),
  listenAddress: z.union([z.ipv4(), z.ipv6()], { error: "an IP address of the host" }),
  port: z.number().int().min(1).max(65535).default(443),
  certificate: z.string().includes("BEGIN CERTIFICATE", { message: "must be a PEM certificate" }),
  privateKey: z.string().includes("PRIVATE KEY", { message: "must be a PEM private key" }),
  caCertificate: z.string().includes("BEGIN CERTIFICATE", { message: "must be a PEM certificate" }),
  adminEmail: z.email(),
  adminPassword: z.string().min(12, "at least 12 characters"),
  readyFile: z.string().startsWith("/").optional(),
  readyTimeoutSeconds: z.number().int().min(1).max(7200).default(DEFAULT_READY_TIMEOUT_SECONDS),
  artefactSha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ControlPlaneHostInputs = z.infer<typeof ControlPlaneHostInputs>;

/** A different host or instance name is another control plane: replace. */
const REPLACE_KEYS = ["name"] as const;
const UPDATE_KEYS = [
  "host",
  "listenAddress",
  "port",
  "certificate",
  "privateKey",
  "caCertificate",
  "adminEmail",
  "adminPassword",
  "readyFile",
  "readyTimeoutSeconds",
  "artefactSha256",
] as const;

async function install(inputs: ControlPlaneHostInputs, ctx: ResourceContext): Promise<WireProps> {
  const target = hostTarget(inputs.host, "control-plane");
  await waitForControlPlaneHost(target, {
    readyFile: inputs.readyFile,
    timeoutMs: inputs.readyTimeoutSeconds * 1000,
  });
  const artefact = await loadControlPlaneArtefact(CONTROL_PLANE_ARTEFACT_PATH);
  const result = await withSsh(target.ssh, (ssh) =>
    installControlPlane(ssh, {
      name: inputs.name,
      artefact,
      listenAddress: inputs.listenAddress,
      port: inputs.port,
      tls: {
        certificate: inputs.certificate,
        privateKey: new Secret(inputs.privateKey),
        caCertificate: inputs.caCertificate,
      },
      admin: { email: inputs.adminEmail, password: new Secret(inputs.adminPassword) },
      serviceManager: inputs.host.serviceManager,
    }),
  );
  ctx.log.info("control plane installed", {
    host: inputs.host.host,
    url: result.url,
    changed: result.steps.filter((step) => step.changed).map((step) => step.step),
  });
  // The same host serves as the pairs' witness: PostgresPair takes this address for it.
  return { url: result.url, witnessAddress: inputs.listenAddress };
}

export const controlPlaneHostHandler: ResourceHandler = {
  token: CONTROL_PLANE_HOST_TOKEN,

  async check(_olds, news) {
    const artefact = await loadControlPlaneArtefact(CONTROL_PLANE_ARTEFACT_PATH).catch(() => undefined);
    const inputs = {
      ...news,
      name: news.name ?? "main",
      port: news.port ?? 443,
      readyTimeoutSeconds: news.readyTimeoutSeconds ?? DEFAULT_READY_TIMEOUT_SECONDS,
      ...(artefact === undefined ? {} : { artefactSha256: artefact.sha256 }),
    };
    const failures = schemaFailures(ControlPlaneHostInputs, inputs).map((failure) =>
      failure.property === "artefactSha256"
        ? {
            property: failure.property,
            reason: `no control-plane artefact at ${CONTROL_PLANE_ARTEFACT_PATH}: build it with \`npm run build:control-plane\``,
          }
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
    const outs = await install(inputs, ctx);
    return { id: `${inputs.host.host}/${inputs.name}`, outs: { ...props, ...outs } };
  },

  async read(id, props) {
    return { id, props };
  },

  async update(_id, _olds, news, ctx) {
    const inputs = parseInputs(ControlPlaneHostInputs, news);
    return { outs: { ...news, ...(await install(inputs, ctx)) } };
  },

  async delete(_id, props, ctx) {
    const inputs = parseInputs(ControlPlaneHostInputs, props);
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
