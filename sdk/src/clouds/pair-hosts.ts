// What every cloud hands to PostgresPair: two node hosts, the witness host, the endpoint and how the
// provider reaches each host. Cloud files only create infrastructure; the pair is configured once.
import * as pulumi from "@pulumi/pulumi";
import { PrivateKey } from "@pulumi/tls/privateKey.js";
import type { NodeShapeInput } from "../native/node-rollout.js";
import type { HostConnectionInput, NodeInstanceInput, SshBastionInput } from "../native/types.js";
import { hostPackages, renderHostSetupScript } from "../plan/host-setup-script.js";
import { type IngressRule, planIngressRules } from "../plan/ingress-rules.js";
import type { PostgresPairArgs } from "../postgres-pair-args.js";

export const NODE_NAMES = ["n1", "n2"] as const;

export interface PlannedHost {
  readonly name: string;
  readonly address: pulumi.Input<string>;
  readonly connection: HostConnectionInput;
  /** The node's VM on a cloud: PairConfiguration reconfigures the node whenever it changes. */
  readonly instance?: NodeInstanceInput;
  /** The shape its VM is to have, from the program's args alone (a rolling update's drain takes it). */
  readonly shape?: NodeShapeInput;
  /** The node's VM and what attaches its data volume: a rolling update's settle waits for them. */
  readonly vm?: readonly pulumi.Resource[];
}

export interface PairHosts {
  readonly nodes: readonly [PlannedHost, PlannedHost];
  readonly witness: PlannedHost;
  readonly endpointKind: "vip" | "load-balancer";
  /** The stable endpoint inside the network: the VIP, or the load balancer's internal address. */
  readonly endpointAddress: pulumi.Input<string>;
  /** A floating IP on the VIP, when one was requested. */
  readonly publicEndpointAddress: pulumi.Input<string | undefined>;
  /** Guest interface keepalived binds the VIP to. */
  readonly interfaceName: string;
  readonly nodeCidr: pulumi.Input<string>;
  readonly controlPlaneCidr: pulumi.Input<string>;
  readonly memoryMb: number;
  /** The marker the hosts' first-boot script leaves; undefined when hosts are ready at once. */
  readonly readyFile: string | undefined;
  /** The instances and their data volumes' attachments: configuration waits for them. */
  readonly instances: pulumi.Resource[];
  /**
   * A node's address (and SSH host) comes from its VM (GCP): a rolling update's steps before that VM
   * take the address the control plane knows instead.
   */
  readonly addressesFollowVms?: boolean;
}

/** What cloud wiring needs from the component. */
export interface CloudContext {
  readonly name: string;
  readonly args: PostgresPairArgs;
  readonly parent: pulumi.Resource;
  readonly postgresPort: number;
  /** PgBouncer's port on the endpoint (the pair spec's default). */
  readonly poolerPort: number;
  readonly agentPort: number;
  /**
   * With rolling updates: what a node's VM and data volume wait for (its drain), decided once the
   * program knows the order. Without: n2's wait for n1's.
   */
  readonly nodeGate?: (node: string) => Promise<pulumi.Resource[] | undefined>;
}

/** The args every cloud (not local) needs, each required with a message naming it. */
export interface CloudAccess {
  readonly adminCidr: pulumi.Input<string>;
  readonly sshPublicKey: pulumi.Input<string>;
  readonly sshPrivateKey: pulumi.Input<string>;
  readonly controlPlaneAddress: pulumi.Input<string>;
  readonly witnessSshHostKeySha256: pulumi.Input<string>;
  /** The jump host every connection goes through, when given. */
  readonly bastion: SshBastionInput | undefined;
  /** The control-plane host as a /32. */
  readonly controlPlaneCidr: pulumi.Output<string>;
}

export function cloudAccess(ctx: CloudContext, cloud: "openstack" | "gcp"): CloudAccess {
  const { args, parent } = ctx;
  const required = <T>(value: T | undefined, arg: string): T => {
    if (value === undefined) throw new pulumi.ResourceError(`${arg} is required on ${cloud}`, parent);
    return value;
  };
  const controlPlaneAddress = required(args.controlPlaneAddress, "controlPlaneAddress");
  return {
    adminCidr: required(args.adminCidr, "adminCidr"),
    sshPublicKey: required(args.sshPublicKey, "sshPublicKey"),
    sshPrivateKey: required(args.sshPrivateKey, "sshPrivateKey"),
    controlPlaneAddress,
    witnessSshHostKeySha256: required(args.witnessSshHostKeySha256, "witnessSshHostKeySha256"),
    bastion:
      args.bastion === undefined
        ? undefined
        : { ...args.bastion, privateKey: pulumi.secret(args.bastion.privateKey) },
    controlPlaneCidr: pulumi.interpolate`${controlPlaneAddress}/32`,
  };
}

/** The ingress rules of a cloud pair: the planner fed from the component's args and ports. */
export function cloudIngressRules(
  ctx: CloudContext,
  access: CloudAccess,
  endpointKind: "vip" | "load-balancer",
  healthCheckCidrs: readonly string[],
): IngressRule<pulumi.Input<string>>[] {
  return planIngressRules<pulumi.Input<string>>({
    adminCidr: access.adminCidr,
    clientCidrs: ctx.args.clientCidrs,
    controlPlaneCidr: access.controlPlaneCidr,
    postgresPort: ctx.postgresPort,
    poolerPort: ctx.poolerPort,
    agentPort: ctx.agentPort,
    endpointKind,
    healthCheckCidrs,
  });
}

/**
 * A node's SSH host key, generated in the program so that the very first session already pins it
 * (no trust on first use). Its private half is in the node's first-boot script: secret in state.
 */
export function nodeHostKey(ctx: CloudContext, node: string): PrivateKey {
  return vmHostKey(`${ctx.name}-${node}`, ctx.parent);
}

/** The host key of the VM named `vm` (a node, the control-plane host). */
export function vmHostKey(vm: string, parent: pulumi.Resource): PrivateKey {
  return new PrivateKey(`${vm}-host-key`, { algorithm: "ED25519" }, { parent });
}

/** The first-boot script of a cloud VM node (OpenStack user data, GCP startup-script); secret. */
export function cloudSetupScript(
  access: CloudAccess,
  endpointKind: "vip" | "load-balancer",
  dataDevices: pulumi.Input<string[]>,
  hostKey: PrivateKey,
): pulumi.Output<string> {
  return vmSetupScript(access.sshPublicKey, hostPackages(endpointKind), dataDevices, hostKey);
}

/** The first-boot script of any cloud VM of ours with these packages (a node, the control-plane host). */
export function vmSetupScript(
  sshPublicKey: pulumi.Input<string>,
  packages: readonly string[],
  dataDevices: pulumi.Input<string[]>,
  hostKey: PrivateKey,
): pulumi.Output<string> {
  return pulumi.secret(
    pulumi
      .all([sshPublicKey, dataDevices, hostKey.privateKeyOpenssh, hostKey.publicKeyOpenssh])
      .apply(([key, devices, privateKeyOpenssh, publicKeyOpenssh]) =>
        renderHostSetupScript({
          sshPublicKey: key,
          packages,
          dataDevices: devices,
          hostKey: { privateKeyOpenssh, publicKeyOpenssh },
        }),
      ),
  );
}

/** What the data-volume and boot-script guards read: the pair's (or the control plane's) args. */
export interface VmGuards {
  readonly args: Pick<PostgresPairArgs, "dataVolume" | "replaceVmsOnBootScriptChange">;
  readonly parent: pulumi.Resource;
}

/** Options of a data volume: protected by default, retained on delete when asked. */
export function dataVolumeOptions(ctx: VmGuards): pulumi.CustomResourceOptions {
  const guard = ctx.args.dataVolume ?? {};
  return {
    parent: ctx.parent,
    protect: guard.protect ?? true,
    retainOnDelete: guard.retainOnDelete ?? false,
  };
}

/** A VM ignores changes to its first-boot script unless the args ask to replace it. */
export function bootScriptIgnoreChanges(ctx: VmGuards, property: string): string[] {
  return ctx.args.replaceVmsOnBootScriptChange === true ? [] : [property];
}

export const DEFAULT_DATA_VOLUME_SIZE_GB = 50;

/** The nodes' VMs and what attaches their data volumes, n1's first: what the configuration waits for. */
export function vmsOf(nodes: readonly PlannedHost[]): pulumi.Resource[] {
  return nodes.flatMap((node) => [...(node.vm ?? [])]);
}

/**
 * The other node's VM (and data volume) waits for this one's: a resize or replacement never takes both
 * nodes at once. n1's resources get none; n2's depend on n1's.
 */
function afterFirstNode(index: number, first: readonly pulumi.Resource[]): pulumi.Resource[] {
  return index === 0 ? [] : [...first];
}

/**
 * What a node's VM (or data volume) waits for besides `extra`: its drain in a rolling update, else
 * (also on a rolling update's first `pulumi up`, gate undefined) n1's resources (`first`) for n2.
 */
export function nodeDependsOn(
  ctx: CloudContext,
  index: number,
  first: readonly pulumi.Resource[],
  extra: readonly pulumi.Resource[] = [],
): pulumi.Input<pulumi.Resource[]> {
  const gate = ctx.nodeGate;
  if (gate === undefined) return [...extra, ...afterFirstNode(index, first)];
  return gate(NODE_NAMES[index] as string).then((drain) => [
    ...extra,
    ...(drain ?? afterFirstNode(index, first)),
  ]);
}

/** How the provider reaches a cloud VM: root over SSH with the provider's key (kept secret), its host key pinned. */
export function vmConnection(
  name: string,
  sshHost: pulumi.Input<string>,
  access: Pick<CloudAccess, "sshPrivateKey" | "bastion">,
  hostKey: PrivateKey,
): PlannedHost["connection"] {
  return {
    name,
    host: sshHost,
    port: 22,
    username: "root",
    privateKey: pulumi.secret(access.sshPrivateKey),
    hostKeySha256: hostKey.publicKeyFingerprintSha256,
    serviceManager: "systemd",
    bastion: access.bastion,
  };
}

/** A cloud VM node of the pair: its connection and the instance facts PairConfiguration watches. */
export function cloudNode(
  name: string,
  address: pulumi.Input<string>,
  access: Pick<CloudAccess, "sshPrivateKey" | "bastion">,
  hostKey: PrivateKey,
  instance: NodeInstanceInput,
  /** Where the provider reaches sshd, when not at the node's address (a floating IP). */
  sshHost: pulumi.Input<string> = address,
): PlannedHost {
  return { name, address, instance, connection: vmConnection(name, sshHost, access, hostKey) };
}

/** The witness on the control-plane host, reached over SSH with the witness (or node) key. */
export function controlPlaneWitness(args: PostgresPairArgs, access: CloudAccess): PlannedHost {
  const address = access.controlPlaneAddress;
  return {
    name: "witness",
    address,
    connection: {
      name: "witness",
      host: address,
      port: args.witnessSshPort ?? 22,
      username: args.witnessSshUsername ?? "root",
      privateKey: pulumi.secret(args.witnessSshPrivateKey ?? access.sshPrivateKey),
      hostKeySha256: access.witnessSshHostKeySha256,
      serviceManager: "systemd",
      bastion: access.bastion,
    },
  };
}
