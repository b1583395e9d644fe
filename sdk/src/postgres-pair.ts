// PostgresPair: hosts on one cloud, then the pair configured over SSH (PairConfiguration), then the
// pair registered with the control plane and its agents started (Registration).
import { AGENT_PORT, POOLER_PORT, POSTGRES_MAJOR, POSTGRES_PORT } from "@pgaas/common/wire";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_WITNESS_PORTS } from "./clouds/control-plane-vm.js";
import { createGcpHosts } from "./clouds/gcp.js";
import { createLocalHosts } from "./clouds/local.js";
import { createOpenStackHosts } from "./clouds/openstack.js";
import type { CloudContext, PairHosts } from "./clouds/pair-hosts.js";
import { PairConfigurationResource } from "./native/pair-configuration.js";
import { PairSecretsResource } from "./native/pair-secrets.js";
import { RegistrationResource } from "./native/registration.js";
import type { HostConnectionInput, NodeInstanceInput, PairSpecInput } from "./native/types.js";
import { withControlPlane } from "./pair-control-plane.js";
import type { PostgresPairArgs } from "./postgres-pair-args.js";
import { NodeGates, rolloutChain, rolloutPlan } from "./rollout-chain.js";
import { type CloudKind, selectCloud, validatePairArgs } from "./validate-pair-args.js";

export type {
  GcpPairArgs,
  LocalPairArgs,
  OpenStackPairArgs,
  PostgresPairArgs,
} from "./postgres-pair-args.js";

/** A pair's witness takes the first of the ports a ControlPlane opens for witnesses. */
const DEFAULT_WITNESS_PORT = DEFAULT_WITNESS_PORTS.first;

/**
 * The component's type token: the same in this SDK and in the provider's schema (where other languages
 * construct it through the plugin), so both paths give a pair the same URNs.
 */
export const POSTGRES_PAIR_TYPE = "pgaas:components:PostgresPair";

export class PostgresPair extends pulumi.ComponentResource {
  /** The stable endpoint clients connect to: the VIP, or the internal load balancer's address. */
  readonly endpointHost: pulumi.Output<string>;
  readonly endpointPort: pulumi.Output<number>;
  /** The floating IP on the VIP (OpenStack with `floatingIpPool`), else undefined. */
  readonly publicEndpointHost: pulumi.Output<string | undefined>;
  /** Node addresses, in node order (n1 first: the initial primary). */
  readonly nodeAddresses: pulumi.Output<string[]>;
  /** The node that is primary now (after a failover, `pulumi refresh` shows the new one). */
  readonly primary: pulumi.Output<string>;
  /** The control plane's id of the pair; "" when `register` is false. */
  readonly pairId: pulumi.Output<string>;
  readonly adminUsername: pulumi.Output<string>;
  /** The pgaas_admin role's password (secret). */
  readonly adminPassword: pulumi.Output<string>;
  /**
   * postgresql://pgaas_admin:…@endpoint:port/postgres?sslmode=verify-full (secret; the admin role is allowed
   * from the control plane). The servers serve TLS only: verify them with `caCertificate` (sslrootcert).
   */
  readonly connectionUri: pulumi.Output<string>;
  /** The pair CA (PEM) every member's server certificate is issued by. */
  readonly caCertificate: pulumi.Output<string>;
  readonly configuration: PairConfigurationResource;
  /** The pair's secrets in a resource of their own, adopted from the configuration's (see below). */
  readonly secrets: PairSecretsResource;
  readonly registration: RegistrationResource | undefined;

  constructor(name: string, given: PostgresPairArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(POSTGRES_PAIR_TYPE, name, {}, opts);
    const args = withControlPlane(given);
    const problems = validatePairArgs(name, args);
    if (problems.length > 0) {
      throw new pulumi.ResourceError(
        `invalid PostgresPair ${name}: ${problems.map((problem) => `${problem.arg}: ${problem.message}`).join("; ")}`,
        this,
      );
    }
    const cloud = selectCloud(args);
    // Rolling updates chain the VMs of a cloud pair; local hosts have none, only the secrets move first.
    const gates = args.rollingUpdates === true && cloud !== "local" ? new NodeGates() : undefined;
    const ctx: CloudContext = {
      name,
      args,
      parent: this,
      postgresPort: args.port ?? POSTGRES_PORT,
      poolerPort: POOLER_PORT,
      agentPort: args.agentPort ?? AGENT_PORT,
      ...(gates === undefined ? {} : { nodeGate: gates.gate }),
    };
    const hosts = createHosts(cloud, ctx);
    const spec = pairSpecInput(name, args, ctx, hosts);
    const connections = connectionsOf(hosts);

    // With rolling updates the secrets come first: the steps between the VMs need them. The name is the
    // adopted resource's, so an existing stack's state (and its seed, ignored from then on) carries over.
    const ownSecrets =
      args.rollingUpdates === true
        ? new PairSecretsResource(
            `${name}-secrets`,
            { pairName: name },
            { parent: this, ignoreChanges: ["seed"] },
          )
        : undefined;
    const lastStep =
      ownSecrets === undefined || gates === undefined
        ? Promise.resolve<pulumi.Resource[]>([])
        : rolloutChain({
            name,
            parent: this,
            plan: rolloutPlan(name, args.register !== false, this),
            gates,
            hosts,
            pairOf: (stepHosts) => ({
              spec: pairSpecInput(name, args, ctx, stepHosts),
              connections: connectionsOf(stepHosts),
            }),
            pairSecrets: ownSecrets.pairSecrets,
          });

    const afterHosts: Promise<pulumi.Resource[]> = lastStep.then((last) => [...hosts.instances, ...last]);
    this.configuration = new PairConfigurationResource(
      `${name}-configuration`,
      {
        spec,
        hosts: connections,
        readyFile: hosts.readyFile,
        ...nodeInstancesOf(hosts),
        ...(ownSecrets === undefined ? {} : { pairSecrets: ownSecrets.pairSecrets }),
      },
      { parent: this, dependsOn: afterHosts },
    );
    const config = this.configuration;
    // Without rolling updates the pair's secrets are adopted from the configuration's state (new and
    // existing pairs alike, no VM or host touched); later seeds are ignored, they never rotate.
    this.secrets =
      ownSecrets ??
      new PairSecretsResource(
        `${name}-secrets`,
        { pairName: name, seed: config.pairSecrets },
        { parent: this, dependsOn: [config], ignoreChanges: ["seed"] },
      );
    // Secret on their own, not only through the engine's additionalSecretOutputs.
    const adminPassword = pulumi.secret(config.adminPassword);
    this.registration =
      args.register === false
        ? undefined
        : new RegistrationResource(
            `${name}-registration`,
            {
              name,
              endpointHost: hosts.endpointAddress,
              endpointPort: ctx.postgresPort,
              nodes: hosts.nodes.map((node) => ({
                name: node.name,
                address: node.address,
                port: ctx.postgresPort,
                agentPort: ctx.agentPort,
              })),
              witness: { name: hosts.witness.name, address: hosts.witness.address },
              adminUsername: config.adminUsername,
              adminPassword,
              caCertificate: config.caCertificate,
              agents:
                args.agentControlPlaneUrl === undefined
                  ? undefined
                  : pulumi.secret({ spec, hosts: connections, pairSecrets: config.pairSecrets }),
            },
            { parent: this, dependsOn: [config] },
          );

    this.endpointHost = pulumi.output(hosts.endpointAddress);
    this.endpointPort = pulumi.output(ctx.postgresPort);
    this.publicEndpointHost = pulumi.output(hosts.publicEndpointAddress);
    this.nodeAddresses = pulumi.all(hosts.nodes.map((node) => node.address));
    this.primary = config.primary;
    this.pairId = this.registration ? this.registration.pairId : pulumi.output("");
    this.adminUsername = config.adminUsername;
    this.adminPassword = adminPassword;
    this.caCertificate = config.caCertificate;
    this.connectionUri = pulumi.secret(
      pulumi
        .all([config.adminUsername, adminPassword, this.endpointHost])
        .apply(([user, password, host]) => adminConnectionUri(user, password, host, ctx.postgresPort)),
    );
    this.registerOutputs(postgresPairOutputs(this));
  }
}

/** How the provider reaches each host, nodes first, in spec order. */
function connectionsOf(hosts: PairHosts): HostConnectionInput[] {
  return [...hosts.nodes, hosts.witness].map((host) => host.connection);
}

/** The nodes' VMs for PairConfiguration (clouds only: local hosts have none). */
function nodeInstancesOf(hosts: PairHosts): { nodeInstances?: NodeInstanceInput[] } {
  const instances = hosts.nodes.flatMap((node) => (node.instance === undefined ? [] : [node.instance]));
  return instances.length === 0 ? {} : { nodeInstances: instances };
}

/** The component's outputs by schema name: what it registers, and what the provider's Construct returns. */
export function postgresPairOutputs(pair: PostgresPair): pulumi.Inputs {
  return {
    endpointHost: pair.endpointHost,
    endpointPort: pair.endpointPort,
    publicEndpointHost: pair.publicEndpointHost,
    nodeAddresses: pair.nodeAddresses,
    primary: pair.primary,
    pairId: pair.pairId,
    adminUsername: pair.adminUsername,
    adminPassword: pair.adminPassword,
    connectionUri: pair.connectionUri,
    caCertificate: pair.caCertificate,
  };
}

function createHosts(cloud: CloudKind, ctx: CloudContext): PairHosts {
  const { args } = ctx;
  switch (cloud) {
    case "openstack":
      return createOpenStackHosts(ctx, args.openstack as NonNullable<PostgresPairArgs["openstack"]>);
    case "gcp":
      return createGcpHosts(ctx, args.gcp as NonNullable<PostgresPairArgs["gcp"]>);
    case "local":
      return createLocalHosts(ctx, args.local as NonNullable<PostgresPairArgs["local"]>);
    default: {
      const unknown: never = cloud;
      throw new Error(`unknown cloud ${String(unknown)}`);
    }
  }
}

/** The engine's pair spec from the args and the hosts the cloud created. */
export function pairSpecInput(
  name: string,
  args: PostgresPairArgs,
  ctx: CloudContext,
  hosts: PairHosts,
): PairSpecInput {
  return {
    name,
    postgres: { major: POSTGRES_MAJOR, port: ctx.postgresPort, memoryMb: hosts.memoryMb },
    nodes: hosts.nodes.map((node) => ({ name: node.name, address: node.address })),
    witness: {
      name: hosts.witness.name,
      address: hosts.witness.address,
      port: args.witnessPort ?? DEFAULT_WITNESS_PORT,
    },
    endpoint: {
      kind: hosts.endpointKind,
      address: hosts.endpointAddress,
      port: ctx.postgresPort,
      interface: hosts.interfaceName,
    },
    network: {
      nodeCidr: hosts.nodeCidr,
      clientCidrs: args.clientCidrs,
      controlPlaneCidrs: [hosts.controlPlaneCidr],
    },
    replication: { mode: args.replicationMode ?? "synchronous" },
    settings: args.settings ?? {},
    ...(args.backup === undefined ? {} : { backup: args.backup }),
    ...(args.restoreFrom === undefined
      ? {}
      : { restoreFrom: { ...args.restoreFrom, cipherPass: pulumi.secret(args.restoreFrom.cipherPass) } }),
    agent:
      args.agentControlPlaneUrl === undefined
        ? undefined
        : {
            controlPlaneUrl: args.agentControlPlaneUrl,
            ...(args.agentControlPlaneCa === undefined ? {} : { controlPlaneCa: args.agentControlPlaneCa }),
            listenPort: ctx.agentPort,
          },
  };
}

export function adminConnectionUri(user: string, password: string, host: string, port: number): string {
  return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/postgres?sslmode=verify-full`;
}
