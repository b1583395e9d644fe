// The schema of the components other languages construct through the plugin (`isComponent`):
// PostgresPair, ControlPlane and Database, with the inputs and outputs of the SDK's classes. The drift test
// (provider/test/plugin/component-schema-drift.test.ts) compares these inputs with the SDK's argument
// interfaces: names, required-ness and types.
import { CONTROL_PLANE_TOKEN, DATABASE_TOKEN, POSTGRES_PAIR_TOKEN } from "./components.js";
import { arrayOf, bool, int, type Property, ref, secret, str, stringMap } from "./schema-properties.js";

const enumOf = (description: string, values: readonly string[]): Property => ({
  type: "string",
  description,
  enum: values.map((value) => ({ value })),
});

const strings = (description: string): Property => arrayOf({ type: "string" }, description);

const types = {
  "pgaas:index:GcpDataDiskType": enumOf("The persistent disk type of a node's data disk (never HDD).", [
    "pd-ssd",
    "pd-balanced",
  ]),
  "pgaas:index:OpenStackPairArgs": {
    type: "object",
    description: "A pair on OpenStack: two instances, their ports, data volumes and a VIP port.",
    properties: {
      networkId: str("Network both node ports (and the VIP port) live on."),
      subnetId: str("Subnet for the fixed IPs."),
      subnetCidr: str("The subnet's CIDR (replication and repmgr are allowed from it)."),
      imageName: str("A Debian 12 image."),
      flavorName: str("The instances' flavor."),
      memoryMb: int("Memory of the flavor in MiB: PostgreSQL's memory settings derive from it.", {
        default: 2048,
      }),
      availabilityZones: strings("Two availability zones, one per node; same zone when omitted."),
      vipAddress: str("Fixed address of the VIP port; Neutron picks one when omitted."),
      floatingIpPool: str("External network (pool) for an optional floating IP on the VIP."),
      nodeFloatingIps: bool("A floating IP on each node too; the provider's SSH goes there.", {
        default: false,
      }),
      interfaceName: str("Interface name inside the guest keepalived binds the VIP to.", {
        default: "ens3",
      }),
      dataVolumeSizeGb: int("Size in GB of each node's Cinder data volume.", { default: 50 }),
      dataVolumeType: str("Cinder volume type of the data volumes; the cloud's default when omitted."),
    },
    required: ["networkId", "subnetId", "subnetCidr", "imageName", "flavorName"],
  },
  "pgaas:index:GcpPairArgs": {
    type: "object",
    description: "A pair on GCP: two instances in two zones behind an internal load balancer.",
    properties: {
      network: str("VPC network self link or name."),
      subnetwork: str("Subnetwork (in the region of the zones) self link or name."),
      subnetworkCidr: str("The subnetwork's primary CIDR."),
      zones: strings("Exactly two zones of one region, one per node."),
      machineType: str("Machine type.", { default: "e2-standard-2" }),
      memoryMb: int("Memory of the machine type in MiB.", { default: 8192 }),
      image: str("Boot image.", { default: "debian-cloud/debian-12" }),
      diskSizeGb: int("Boot disk size in GB.", { default: 20 }),
      dataDiskSizeGb: int("Size in GB of each node's persistent data disk.", { default: 50 }),
      dataDiskType: { ...ref("GcpDataDiskType", "The data disks' type."), default: "pd-ssd" },
      endpointAddress: str("Fixed internal address for the load balancer; GCP picks one when omitted."),
      project: str("The GCP project; the provider's when omitted."),
      natRouter: str(
        "An existing Cloud Router whose NAT covers the subnetwork; one is created when omitted.",
      ),
    },
    required: ["network", "subnetwork", "subnetworkCidr", "zones"],
  },
  "pgaas:index:LocalPairArgs": {
    type: "object",
    description: "A pair on three network namespaces of the machine running Pulumi (root on Linux).",
    properties: {
      prefix: str("Namespace name prefix; short (link names are at most 15 characters).", {
        default: "pgl",
      }),
      subnet: str("A private /24 avoiding the machine's own networks, e.g. 10.231.60.0/24."),
      stateDir: str("Where the local driver keeps its state; default .pgaas/local/<name>."),
    },
    required: ["subnet"],
  },
  "pgaas:index:OpenStackControlPlaneArgs": {
    type: "object",
    description:
      "The control-plane VM on OpenStack: an instance, its port with a fixed address and a data volume.",
    properties: {
      networkId: str("Network the port lives on."),
      subnetId: str("Subnet of the fixed address."),
      address: str("The port's fixed address: the control plane's stable address."),
      imageName: str("A Debian 12 image."),
      flavorName: str("The instance's flavor."),
      availabilityZone: str("Availability zone of the instance and its volume."),
      dataVolumeSizeGb: int("Size in GB of the Cinder volume (store and witnesses).", { default: 20 }),
      dataVolumeType: str("Cinder volume type; the cloud's default when omitted."),
    },
    required: ["networkId", "subnetId", "address", "imageName", "flavorName"],
  },
  "pgaas:index:GcpControlPlaneArgs": {
    type: "object",
    description: "The control-plane VM on GCP: an instance on a reserved internal address with a data disk.",
    properties: {
      network: str("VPC network self link or name."),
      subnetwork: str("Subnetwork self link or name."),
      zone: str("The instance's zone."),
      address: str("A fixed internal address; GCP reserves one when omitted (static either way)."),
      machineType: str("Machine type.", { default: "e2-small" }),
      image: str("Boot image.", { default: "debian-cloud/debian-12" }),
      diskSizeGb: int("Boot disk size in GB.", { default: 20 }),
      dataDiskSizeGb: int("Size in GB of the data disk (store and witnesses).", { default: 20 }),
      dataDiskType: { ...ref("GcpDataDiskType", "The data disk's type."), default: "pd-ssd" },
      project: str("The GCP project; the provider's when omitted."),
      natRouter: str(
        "An existing Cloud Router whose NAT covers the subnetwork; one is created when omitted.",
      ),
    },
    required: ["network", "subnetwork", "zone"],
  },
  "pgaas:index:WitnessPortRange": {
    type: "object",
    description: "The witness ports pairs use on the control-plane host (one per pair).",
    properties: { first: int("First port."), last: int("Last port.") },
    required: ["first", "last"],
  },
  "pgaas:index:ControlPlaneTls": {
    type: "object",
    description: "Your certificate (for the address and every DNS name clients use), its key and its CA.",
    properties: {
      certificate: str("The server certificate (PEM)."),
      privateKey: secret("Its private key (PEM)."),
      caCertificate: str("The CA that issued it (PEM): clients pin it."),
    },
    required: ["certificate", "privateKey", "caCertificate"],
  },
  "pgaas:index:PairControlPlane": {
    type: "object",
    description:
      "The control plane a pair uses, as the ControlPlane component outputs it: the witness host and where agents report.",
    properties: {
      witnessAddress: str("The control-plane host's address: the pair's witness runs there."),
      witnessSshHostKeySha256: str("The control-plane host's ed25519 host key (SHA256:…), pinned."),
      url: str("The control plane's URL the agents report to."),
      caCertificate: str("The CA of the control plane's certificate, pinned by the agents."),
    },
    required: ["witnessAddress", "witnessSshHostKeySha256", "url", "caCertificate"],
  },
  "pgaas:index:DataVolumeGuardArgs": {
    type: "object",
    description: "Pulumi options of the nodes' data volumes (OpenStack) / data disks (GCP).",
    properties: {
      protect: bool("Any plan that would delete a data volume fails until this is false.", { default: true }),
      retainOnDelete: bool("Deleting the resource only forgets it; the volume stays in the cloud.", {
        default: false,
      }),
    },
    required: [],
  },
};

const postgresPairInputs = {
  port: int("PostgreSQL port on the nodes and the endpoint.", { default: 5432 }),
  settings: stringMap(
    "User PostgreSQL parameters (postgresql.conf); replication-critical ones cannot be set.",
  ),
  replicationMode: {
    ...ref("PairSpecReplicationMode", "Synchronous (zero acknowledged-row loss) or asynchronous."),
    default: "synchronous",
  },
  backup: ref("PairSpecBackup", "Continuous WAL archiving and scheduled backups with pgBackRest."),
  restoreFrom: ref(
    "PairSpecRestoreFrom",
    "Create the pair from another pair's backups as of a point in time (needs backup; ignored once the pair exists).",
  ),
  clientCidrs: strings("Networks whose clients may connect to PostgreSQL (scram-sha-256)."),
  adminCidr: str(
    "Network Pulumi runs from: SSH to the nodes is allowed from it. Required on OpenStack and GCP.",
  ),
  bastion: ref(
    "SshBastion",
    "An SSH server the provider reaches the nodes and the control-plane host through.",
  ),
  sshPublicKey: str("Public key authorised for root on the nodes (cloud only)."),
  sshPrivateKey: secret("Matching private key the provider configures the nodes with (cloud only)."),
  controlPlaneAddress: str("The control-plane host, where the witness runs. Required on OpenStack and GCP."),
  controlPlane: ref(
    "PairControlPlane",
    "A ControlPlane's outputs: stands for controlPlaneAddress, witnessSshHostKeySha256, agentControlPlaneUrl and agentControlPlaneCa.",
  ),
  witnessSshUsername: str("SSH user on the control-plane host for the witness.", { default: "root" }),
  witnessSshPort: int("SSH port of the control-plane host.", { default: 22 }),
  witnessSshPrivateKey: secret("SSH key for the control-plane host; sshPrivateKey when omitted."),
  witnessSshHostKeySha256: str("The control-plane host's ed25519 host key (SHA256:…), pinned."),
  witnessPort: int("The witness PostgreSQL's port on the control-plane host: one per pair.", {
    default: 5433,
  }),
  agentControlPlaneUrl: str("URL the agents report to; no agents are installed when omitted."),
  agentControlPlaneCa: str(
    "PEM of the CA that issued the control plane's certificate, pinned by the agents.",
  ),
  agentPort: int("The agent's HTTP port (/health, /primary).", { default: 9187 }),
  register: bool("Register the pair with the control plane (pgaas:controlPlaneUrl).", { default: true }),
  dataVolume: ref("DataVolumeGuardArgs", "How the nodes' data volumes / data disks are guarded."),
  replaceVmsOnBootScriptChange: bool("Replace the VMs when their first-boot script changes.", {
    default: false,
  }),
  rollingUpdates: bool(
    "Roll VM changes through the pair in one pulumi up (standby first, at most one switchover).",
    { default: false },
  ),
  openstack: ref("OpenStackPairArgs", "The pair's hosts on OpenStack (exactly one cloud block is set)."),
  gcp: ref("GcpPairArgs", "The pair's hosts on GCP (exactly one cloud block is set)."),
  local: ref(
    "LocalPairArgs",
    "The pair's hosts as local network namespaces (exactly one cloud block is set).",
  ),
};

const postgresPairOutputs = {
  endpointHost: str(
    "The stable endpoint clients connect to: the VIP, or the internal load balancer's address.",
  ),
  endpointPort: int("The endpoint's port."),
  publicEndpointHost: str("The floating IP on the VIP (OpenStack with floatingIpPool)."),
  nodeAddresses: strings("Node addresses, in node order (n1 first: the initial primary)."),
  primary: str("The node that is primary now (refresh shows a failover)."),
  pairId: str('The control plane\'s id of the pair; "" when register is false.'),
  adminUsername: str("The admin role the control plane uses."),
  adminPassword: secret("The admin role's password."),
  connectionUri: secret(
    "postgresql://pgaas_admin:…@endpoint:port/postgres?sslmode=verify-full (verify with caCertificate).",
  ),
  caCertificate: str("The pair CA (PEM) every member's server certificate is issued by."),
};

const controlPlaneInputs = {
  adminEmail: str("The first admin's email."),
  adminPassword: secret("The first admin's password; generated when omitted."),
  nodeCidrs: strings("The pairs' node networks: agents report on 443, nodes reach their witness."),
  userCidrs: strings("Where users (portal, API, the provider) come from: 443."),
  adminCidr: str("The network pulumi up runs from (or the bastion's): SSH."),
  sshPublicKey: str("Public key authorised for root on the VM."),
  sshPrivateKey: secret("The matching private key the provider installs with."),
  bastion: ref("SshBastion", "An SSH server the provider reaches the VM through."),
  dnsNames: strings("DNS names users reach the control plane by: the generated certificate carries them."),
  tls: ref("ControlPlaneTls", "Your certificate; a CA and a certificate are generated when omitted."),
  witnessPorts: ref("WitnessPortRange", "The pairs' witness ports (default 5433-5452)."),
  dataVolume: ref("DataVolumeGuardArgs", "How the data volume / disk is guarded (protected by default)."),
  replaceVmsOnBootScriptChange: bool("Replace the VM when its first-boot script changes.", {
    default: false,
  }),
  openstack: ref("OpenStackControlPlaneArgs", "The VM on OpenStack (exactly one cloud block is set)."),
  gcp: ref("GcpControlPlaneArgs", "The VM on GCP (exactly one cloud block is set)."),
};

const controlPlaneOutputs = {
  url: str("https://<address>:443: for agents, the provider and users."),
  caCertificate: str("The CA clients pin: yours, or the generated one."),
  adminPassword: secret("The first admin's password."),
  witnessAddress: str("The host's address: pairs run their witness there."),
  witnessSshHostKeySha256: str("The host's pinned SSH host key."),
};

const databaseOutputs = {
  databaseName: str("The database's name."),
  owner: str("The owner role."),
  ownerPassword: secret("The owner role's password."),
  connectionUri: secret("postgresql://owner:password@endpoint:port/name"),
};

function component(
  description: string,
  inputs: Record<string, Property>,
  requiredInputs: string[],
  outputs: Record<string, Property>,
  required: string[],
) {
  return {
    isComponent: true,
    description,
    inputProperties: inputs,
    requiredInputs,
    properties: outputs,
    required,
  };
}

/** The components' types and resources; `databaseInputs` are the Database resource's own inputs. */
export function componentSchema(databaseInputs: Record<string, Property>) {
  return {
    types,
    resources: {
      [POSTGRES_PAIR_TOKEN]: component(
        "A PostgreSQL 15 primary + synchronous standby pair with automatic failover on OpenStack, GCP or local hosts, registered with the control plane.",
        postgresPairInputs,
        ["clientCidrs"],
        postgresPairOutputs,
        Object.keys(postgresPairOutputs).filter((key) => key !== "publicEndpointHost"),
      ),
      [CONTROL_PLANE_TOKEN]: component(
        "The pgaas control plane on a VM of its own (OpenStack or GCP): its store on a protected volume, TLS, the server from the control-plane artefact, behind a stable address; also the pairs' witness host.",
        controlPlaneInputs,
        ["adminEmail", "nodeCidrs", "userCidrs", "adminCidr", "sshPublicKey", "sshPrivateKey"],
        controlPlaneOutputs,
        Object.keys(controlPlaneOutputs),
      ),
      [DATABASE_TOKEN]: component(
        "A database and its owner role on a pair (the pgaas:index:Database resource as a component).",
        databaseInputs,
        ["pairId"],
        databaseOutputs,
        Object.keys(databaseOutputs),
      ),
    },
  };
}
