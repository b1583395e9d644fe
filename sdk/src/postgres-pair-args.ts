// The public contract of PostgresPair: flat inputs named in PostgreSQL/repmgr terms, one cloud block.
import type * as pulumi from "@pulumi/pulumi";
import type { PairBackupInput, PairRestoreFromInput, SshBastionInput } from "./native/types.js";

export interface OpenStackPairArgs {
  /** Network both node ports (and the VIP port) live on. */
  networkId: pulumi.Input<string>;
  /** Subnet for the fixed IPs. */
  subnetId: pulumi.Input<string>;
  /** The subnet's CIDR (replication and repmgr are allowed from it), e.g. "10.0.0.0/24". */
  subnetCidr: pulumi.Input<string>;
  /** A Debian 12 image. */
  imageName: pulumi.Input<string>;
  flavorName: pulumi.Input<string>;
  /** Memory of the flavor in MiB: PostgreSQL's memory settings derive from it. Default 2048. */
  memoryMb?: number;
  /** Two availability zones, one per node; same zone (anti-affinity only) when omitted. */
  availabilityZones?: [pulumi.Input<string>, pulumi.Input<string>];
  /** Fixed address of the VIP port; Neutron picks one when omitted. */
  vipAddress?: pulumi.Input<string>;
  /** External network (pool) for an optional floating IP on the VIP. */
  floatingIpPool?: pulumi.Input<string>;
  /**
   * A floating IP (from `floatingIpPool`) on each node too, and the provider's SSH goes there instead
   * of the private address: a way in without a bastion. Only SSH from `adminCidr` is allowed on it.
   * Default false.
   */
  nodeFloatingIps?: boolean;
  /** Interface name inside the guest keepalived binds the VIP to. Default "ens3". */
  interfaceName?: string;
  /**
   * Size in GB of each node's Cinder data volume (PostgreSQL's data lives there, not on the VM's
   * disk). Default 50. See `dataVolume` for protect / retainOnDelete.
   */
  dataVolumeSizeGb?: pulumi.Input<number>;
  /** Cinder volume type of the data volumes (e.g. an SSD type); the cloud's default when omitted. */
  dataVolumeType?: pulumi.Input<string>;
}

export interface GcpPairArgs {
  /** VPC network self link or name. */
  network: pulumi.Input<string>;
  /** Subnetwork (in the region of the zones) self link or name. */
  subnetwork: pulumi.Input<string>;
  /** The subnetwork's primary CIDR. */
  subnetworkCidr: pulumi.Input<string>;
  /** Exactly two zones of one region, one per node, e.g. ["europe-west1-b", "europe-west1-c"]. */
  zones: [string, string];
  /** Default "e2-standard-2". */
  machineType?: pulumi.Input<string>;
  /** Memory of the machine type in MiB. Default 8192 (e2-standard-2). */
  memoryMb?: number;
  /** Default "debian-cloud/debian-12". */
  image?: pulumi.Input<string>;
  /** Boot disk size in GB. Default 20 (PostgreSQL's data is on the data disk). */
  diskSizeGb?: pulumi.Input<number>;
  /** Size in GB of each node's persistent data disk. Default 50. See `dataVolume`. */
  dataDiskSizeGb?: pulumi.Input<number>;
  /** "pd-ssd" (default) or "pd-balanced": never the HDD default. */
  dataDiskType?: "pd-ssd" | "pd-balanced";
  /** Fixed internal address for the load balancer; GCP picks one when omitted. */
  endpointAddress?: pulumi.Input<string>;
  project?: pulumi.Input<string>;
  /**
   * The nodes have no public address; their first boot reaches Debian's mirrors through Cloud NAT.
   * Omitted: the pair creates a Cloud Router and a NAT for its subnetwork only. Set it to the name of
   * an existing Cloud Router whose NAT already covers the subnetwork, and nothing is created (a
   * subnetwork can be covered by one NAT only).
   */
  natRouter?: pulumi.Input<string>;
}

export interface LocalPairArgs {
  /** Namespace name prefix; short (link names are at most 15 characters). Default "pgl". */
  prefix?: string;
  /** A private /24 avoiding the machine's own networks, e.g. "10.231.60.0/24". */
  subnet: string;
  /** Where the local driver keeps its state. Default ".pgaas/local/<name>". */
  stateDir?: string;
}

/**
 * Pulumi options of the data volumes. A replaced VM mounts the same volume and keeps its data; these
 * guard the volume itself.
 */
export interface DataVolumeGuardArgs {
  /**
   * Pulumi `protect`: any plan that would delete a data volume (destroy, or a change that replaces
   * it) fails until you set this to false and run `pulumi up`. Default true.
   */
  protect?: boolean;
  /**
   * Pulumi `retainOnDelete`: deleting the resource only forgets it, the volume stays in the cloud
   * (delete it by hand, or import it into a new pair). Default false.
   */
  retainOnDelete?: boolean;
}

/**
 * The control plane a pair uses, as the ControlPlane component outputs it: the pair's witness runs on
 * its host, pinned by its host key, and the agents report to its URL pinning its CA.
 */
export interface PairControlPlaneInput {
  witnessAddress: pulumi.Input<string>;
  witnessSshHostKeySha256: pulumi.Input<string>;
  url: pulumi.Input<string>;
  caCertificate: pulumi.Input<string>;
}

export interface PostgresPairArgs {
  /** PostgreSQL port on the nodes and the endpoint. Default 5432. */
  port?: number;
  /** User PostgreSQL parameters (postgresql.conf); replication-critical ones cannot be overridden. */
  settings?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** "synchronous" (default: zero acknowledged-row loss while the standby streams) or "asynchronous". */
  replicationMode?: "synchronous" | "asynchronous";
  /** Continuous WAL archiving and scheduled backups with pgBackRest (see PairBackupInput). */
  backup?: PairBackupInput;
  /**
   * Create this pair from another pair's backups as of a point in time (PairRestoreFromInput), never in
   * place: the source is only read. Needs `backup`. Ignored once the pair exists.
   */
  restoreFrom?: PairRestoreFromInput;
  /** Networks whose clients may connect to PostgreSQL (scram-sha-256). */
  clientCidrs: pulumi.Input<string>[];
  /** Network `pulumi up` runs from: SSH to the nodes is allowed from it. Required on OpenStack and GCP. */
  adminCidr?: pulumi.Input<string>;
  /**
   * An SSH server the provider reaches the nodes and the control-plane host through, when the machine
   * running `pulumi up` has no route to their private addresses (like `connection.proxy` in
   * @pulumi/command). Its host key is pinned. Allow SSH from it: it must be inside `adminCidr`.
   */
  bastion?: SshBastionInput;
  /** Public key authorised for root on the nodes (cloud only; local hosts bring their own key). */
  sshPublicKey?: pulumi.Input<string>;
  /** Matching private key the provider configures the nodes with (cloud only; stays secret). */
  sshPrivateKey?: pulumi.Input<string>;
  /**
   * The control-plane host: the pair's witness runs there and it may reach the nodes (admin SQL,
   * agents). Required on OpenStack and GCP; locally the lab's witness host is used.
   */
  controlPlaneAddress?: pulumi.Input<string>;
  /**
   * A ControlPlane (or its outputs): stands for `controlPlaneAddress`, `witnessSshHostKeySha256`,
   * `agentControlPlaneUrl` and `agentControlPlaneCa`, each of which still wins when given.
   */
  controlPlane?: PairControlPlaneInput;
  /** SSH to the control-plane host for the witness: user (default "root"), port (22), key (sshPrivateKey). */
  witnessSshUsername?: pulumi.Input<string>;
  witnessSshPort?: pulumi.Input<number>;
  witnessSshPrivateKey?: pulumi.Input<string>;
  /**
   * The control-plane host's ed25519 SSH host key fingerprint, pinned for the witness (every session
   * to it fails on another key). Required on OpenStack and GCP. On that host:
   * `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` prints `256 SHA256:… root@host (ED25519)`;
   * give the `SHA256:…` field. The nodes' host keys are generated by the program and pinned the same way.
   */
  witnessSshHostKeySha256?: pulumi.Input<string>;
  /** The witness PostgreSQL's port on the control-plane host: one per pair. Default 5433. */
  witnessPort?: number;
  /**
   * URL the agents report to (as the nodes reach it): https://, http:// only on loopback. No agents
   * are installed when omitted.
   */
  agentControlPlaneUrl?: pulumi.Input<string>;
  /** PEM of the CA that issued the control plane's certificate, pinned by the agents; default: the system's roots. */
  agentControlPlaneCa?: pulumi.Input<string>;
  /** The agent's HTTP port (/health, /primary). Default 9187. */
  agentPort?: number;
  /** Register the pair with the control plane (provider config `pgaas:controlPlaneUrl`). Default true. */
  register?: boolean;
  /** How the nodes' data volumes (OpenStack) / data disks (GCP) are guarded. */
  dataVolume?: DataVolumeGuardArgs;
  /**
   * Replace the VMs when their first-boot script (OpenStack user data, GCP startup-script) changes.
   * Default false: a changed script (new key, new pgaas version) is ignored on existing VMs, so an
   * upgrade never recreates a node under a running pair; new VMs boot the new script.
   */
  replaceVmsOnBootScriptChange?: boolean;
  /**
   * Roll VM changes through the pair in one `pulumi up`, at most one switchover: the standby's VM first
   * (drained, changed, settled until it streams synchronously again), then the primary's, the order
   * asked of the control plane when the program runs (n1 first for an unregistered pair; on a pair's
   * first `pulumi up` the VMs come first, then the steps). The pair's secrets then come from its
   * PairSecrets, created before the VMs; local hosts have no VMs, only the secrets move. Default false:
   * n1's VM, then n2's, then PairConfiguration (stage a resize with `--target`, docs/operations.md).
   */
  rollingUpdates?: boolean;
  openstack?: OpenStackPairArgs;
  gcp?: GcpPairArgs;
  local?: LocalPairArgs;
}
