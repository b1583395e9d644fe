// pgaas:index:LocalHosts — hosts as Linux network namespaces on this machine (the local driver), so
// the whole product runs with `pulumi up` on one Linux box (root needed). Any input change replaces
// the lab; delete removes every namespace, link and process it created.
import { isAbsolute, resolve } from "node:path";
import { createLocalLab, destroyLab, type LocalLab, labStatus } from "@pgaas/engine/local";
import { z } from "zod";
import { wireSecret } from "../plugin/wire-values.js";
import {
  changedKeys,
  parseInputs,
  type ResourceHandler,
  schemaFailures,
  type WireProps,
} from "./resource-handler.js";

export const LOCAL_HOSTS_TOKEN = "pgaas:index:LocalHosts";

export const LocalHostsInputs = z.object({
  prefix: z
    .string()
    .regex(/^[a-z][a-z0-9]{0,5}$/, "must match ^[a-z][a-z0-9]{0,5}$ (link names are at most 15 characters)"),
  subnet: z.cidrv4().refine((cidr) => cidr.endsWith("/24"), "must be a /24"),
  hosts: z
    .array(z.string().regex(/^[a-z0-9]{1,8}$/, "must match ^[a-z0-9]{1,8}$"))
    .min(1)
    .max(20),
  stateDir: z.string().min(1),
});
export type LocalHostsInputs = z.infer<typeof LocalHostsInputs>;

const INPUT_KEYS = ["prefix", "subnet", "hosts", "stateDir"] as const;

function labState(props: WireProps, lab: LocalLab): WireProps {
  const [first] = lab.hosts;
  return {
    ...props,
    hostAddress: lab.hostAddress,
    hostStates: lab.hosts.map((host) => ({
      name: host.name,
      address: host.address,
      namespace: host.namespace,
      sshPort: host.ssh.port,
      sshUsername: host.ssh.username,
      hostKeySha256: host.ssh.hostKeySha256 ?? "",
    })),
    sshPrivateKey: wireSecret(first?.ssh.privateKey.reveal() ?? ""),
  };
}

export const localHostsHandler: ResourceHandler = {
  token: LOCAL_HOSTS_TOKEN,

  async check(_olds, news) {
    // The state directory is kept absolute: the provider's working directory is not part of identity.
    const stateDir =
      typeof news.stateDir === "string" && !isAbsolute(news.stateDir)
        ? resolve(news.stateDir)
        : news.stateDir;
    const inputs = { ...news, stateDir };
    return { inputs, failures: schemaFailures(LocalHostsInputs, inputs) };
  },

  async diff(_id, olds, news) {
    const replaces = changedKeys(INPUT_KEYS, olds, news);
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: true };
  },

  async create(props, ctx) {
    const inputs = parseInputs(LocalHostsInputs, props);
    const lab = await createLocalLab(inputs);
    ctx.log.info("local hosts created", {
      prefix: inputs.prefix,
      hosts: lab.hosts.map((host) => host.address),
    });
    return { id: inputs.prefix, outs: labState(props, lab) };
  },

  async read(id, props) {
    const inputs = parseInputs(LocalHostsInputs, props);
    const status = await labStatus(inputs.stateDir);
    if (status === undefined || !status.switchExists || status.hosts.some((host) => !host.namespaceExists))
      return {};
    return { id, props, inputs: Object.fromEntries(INPUT_KEYS.map((key) => [key, props[key]])) };
  },

  async update() {
    throw new Error("LocalHosts never updates in place: every input change replaces the hosts");
  },

  async delete(_id, props, ctx) {
    const inputs = parseInputs(LocalHostsInputs, props);
    try {
      await destroyLab(inputs.stateDir);
    } catch (error) {
      // The kernel removes a namespace's veth ends asynchronously, so the host-side link can vanish
      // between "exists" and "delete"; destroyLab is safe to run again and finishes the job.
      ctx.log.warn("local hosts: destroy retried", { prefix: inputs.prefix, error });
      await new Promise((resolve) => setTimeout(resolve, 500));
      await destroyLab(inputs.stateDir);
    }
    ctx.log.info("local hosts destroyed", { prefix: inputs.prefix });
  },
};
