// How the provider reaches a pair's hosts: the `hosts` input of PairConfiguration (and of
// Registration's agents), turned into the engine's PairHosts in spec order.
import { Secret } from "@pgaas/common";
import type { HostTarget, PairHosts, PairSpec } from "@pgaas/engine";
import { z } from "zod";

/** A jump host, pinned like any host: nothing is sent through an unverified bastion. */
export const SshBastion = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(22),
  username: z.string().min(1).default("root"),
  privateKey: z.string().includes("PRIVATE KEY", { message: "must be a private key (PEM or OpenSSH)" }),
  hostKeySha256: z.string().min(1),
});

export const HostConnection = z.object({
  name: z.string().min(1),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(22),
  username: z.string().min(1).default("root"),
  privateKey: z.string().includes("PRIVATE KEY", { message: "must be a private key (PEM or OpenSSH)" }),
  hostKeySha256: z.string().min(1).optional(),
  serviceManager: z.enum(["systemd", "detached"]).default("systemd"),
  bastion: SshBastion.optional(),
});
export type HostConnection = z.infer<typeof HostConnection>;

export const HostConnections = z
  .array(HostConnection)
  .min(3, "give the two nodes and the witness host")
  .refine(
    (hosts) => new Set(hosts.map((host) => host.name)).size === hosts.length,
    "host names must be unique",
  );

/** The engine's target for one host connection, named `label` in errors and logs. */
export function hostTarget(host: HostConnection, label: string = host.name): HostTarget {
  return {
    serviceManager: host.serviceManager,
    ssh: {
      host: host.host,
      port: host.port,
      username: host.username,
      privateKey: new Secret(host.privateKey),
      hostKeySha256: host.hostKeySha256,
      label,
      jump:
        host.bastion === undefined
          ? undefined
          : { ...host.bastion, privateKey: new Secret(host.bastion.privateKey) },
    },
  };
}

/** The engine's PairHosts for a spec; throws naming the spec member that has no connection. */
export function pairHostsFor(spec: PairSpec, hosts: readonly HostConnection[]): PairHosts {
  const target = (name: string) => {
    const host = hosts.find((candidate) => candidate.name === name);
    if (host === undefined)
      throw new TypeError(
        `hosts has no entry named "${name}" (pair members: ${memberNames(spec).join(", ")})`,
      );
    return hostTarget(host, name);
  };
  return {
    nodes: [target(spec.nodes[0].name), target(spec.nodes[1].name)],
    witness: target(spec.witness.name),
  };
}

export function memberNames(spec: PairSpec): string[] {
  return [spec.nodes[0].name, spec.nodes[1].name, spec.witness.name];
}
