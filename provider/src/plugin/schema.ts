// The pgaas package schema (Pulumi package schema format): what GetSchema answers and what SDK
// generators read. provider/schema.json is generated from this module:
//   node --conditions=pgaas-source --import tsx provider/src/plugin/write-schema.ts

import { NodeState, PairHealth } from "@pgaas/api";
import { ADMIN_ROLE, CONTROL_PLANE_PORT, NodeRole, PGAAS_VERSION, SyncState } from "@pgaas/common/wire";
import { PairSpec } from "@pgaas/engine";
import { componentSchema } from "./component-schema.js";
import { pulumiTypesFromZod } from "./schema-from-zod.js";
import { arrayOf, bool, int, type Property, ref, secret, str, stringMap } from "./schema-properties.js";

/** The @pulumi/pulumi the generated Node.js SDK depends on: the one `sdk/package.json` pins. */
export const PULUMI_SDK_VERSION = "3.276.0";

/** The plugin reports the one pgaas version (GetPluginInfo, the schema). */
export const PROVIDER_VERSION = PGAAS_VERSION;

const configVariables = {
  controlPlaneUrl: str("Base URL of the pgaas control-plane API, e.g. https://pgaas.example.org.", {
    defaultInfo: { environment: ["PGAAS_CONTROL_PLANE_URL"] },
  }),
  apiToken: str("An admin's API token for the control plane.", {
    secret: true,
    defaultInfo: { environment: ["PGAAS_API_TOKEN"] },
  }),
};

/** The pair spec as the engine validates it (PairSpec), as named schema types: one source. */
const pairSpec = pulumiTypesFromZod(
  PairSpec,
  "PairSpec",
  "The pair spec, validated by the pair engine (Check names every bad field)",
);

const types = {
  ...pairSpec.types,
  "pgaas:index:HostConnection": {
    type: "object",
    description: "How the provider reaches one host over SSH (a pair node or the witness host).",
    properties: {
      name: str("The host's name in the pair spec (node or witness name)."),
      host: str("Address sshd listens on."),
      port: int("SSH port.", { default: 22 }),
      username: str("SSH user; the engine needs root.", { default: "root" }),
      privateKey: secret("OpenSSH or PEM private key."),
      hostKeySha256: str(
        "Pinned host key (base64 SHA-256 as `ssh-keygen -lf` prints); unpinned when omitted.",
      ),
      serviceManager: str('"systemd" on cloud VMs, "detached" on local namespace hosts.', {
        default: "systemd",
      }),
      bastion: ref("SshBastion", "An SSH server to reach the host through (like `ssh -J`)."),
    },
    required: ["name", "host", "privateKey"],
  },
  "pgaas:index:NodeInstance": {
    type: "object",
    description: "A node's VM as the cloud reports it.",
    properties: {
      name: str("The node's name in the pair spec."),
      instanceId: str("The cloud's id of the VM: a new one means the node moved to a new VM."),
      size: str("Flavor (OpenStack) or machine type (GCP)."),
      dataVolumeSizeGb: int("The data volume's size in GB; when it grows the filesystem is grown online."),
    },
    required: ["name", "instanceId"],
  },
  "pgaas:index:NodeShape": {
    type: "object",
    description: "The shape a node's VM is to have (program inputs, never the VM's outputs).",
    properties: {
      size: str("Flavor (OpenStack) or machine type (GCP)."),
      image: str("The VM's image."),
    },
  },
  "pgaas:index:SshBastion": {
    type: "object",
    description: "A jump host: the SSH session to the host runs inside a channel it opens.",
    properties: {
      host: str("The bastion's address, reachable from where Pulumi runs."),
      port: int("SSH port.", { default: 22 }),
      username: str("SSH user on the bastion (needs only TCP forwarding).", { default: "root" }),
      privateKey: secret("OpenSSH or PEM private key for the bastion."),
      hostKeySha256: str("The bastion's pinned host key (base64 SHA-256 as `ssh-keygen -lf` prints)."),
    },
    required: ["host", "privateKey", "hostKeySha256"],
  },
  "pgaas:index:RegisteredNode": {
    type: "object",
    description: "A pair node as the control plane knows it.",
    properties: {
      name: str("Node name (repmgr node_name)."),
      address: str("Node address."),
      port: int("PostgreSQL port."),
      agentPort: int("The agent's HTTP port (/health, /primary)."),
    },
    required: ["name", "address", "port", "agentPort"],
  },
  "pgaas:index:Witness": {
    type: "object",
    description: "The pair's witness host.",
    properties: { name: str("Witness name."), address: str("Witness address.") },
    required: ["name", "address"],
  },
  "pgaas:index:AgentInstall": {
    type: "object",
    description: "What the provider needs to install and start the agents on the nodes.",
    properties: {
      spec: { ...pairSpec.root, description: "The pair spec (as given to PairConfiguration)." },
      hosts: arrayOf(ref("HostConnection", ""), "SSH access to the nodes and the witness host."),
      pairSecrets: secret("PairConfiguration.pairSecrets."),
    },
    required: ["spec", "hosts", "pairSecrets"],
  },
  "pgaas:index:PairNodeView": {
    type: "object",
    description: "A node as the control plane sees it from its agent's reports.",
    properties: {
      name: str("Node name."),
      address: str("Node address."),
      role: str(`One of ${NodeRole.options.join(", ")}: the role its last report gave.`),
      writable: bool("True on the current primary only, while it reports."),
      state: str(`One of ${NodeState.options.join(", ")}.`),
    },
    required: ["name", "address", "role", "writable", "state"],
  },
  "pgaas:index:PairNodeState": {
    type: "object",
    description: "A node as the last read saw it.",
    properties: {
      name: str("Node name."),
      address: str("Node address."),
      role: str('"primary", "standby" or "down".'),
      running: bool("PostgreSQL answers."),
      fenced: bool("The node stopped itself (it saw neither peer nor witness)."),
      timeline: int("Timeline."),
      syncState: str("The standby's sync_state in pg_stat_replication."),
      lagBytes: int("Replay lag of a standby in bytes."),
      holdsVip: bool("This node holds the VIP."),
    },
    required: ["name", "address", "role", "running", "fenced"],
  },
  "pgaas:index:LocalHostState": {
    type: "object",
    description: "A namespace host of the local driver.",
    properties: {
      name: str("Host name."),
      address: str("Address on the lab subnet."),
      namespace: str("Network namespace."),
      sshPort: int("sshd port."),
      sshUsername: str("SSH user."),
      hostKeySha256: str("The host's pinned key."),
    },
    required: ["name", "address", "namespace", "sshPort", "sshUsername", "hostKeySha256"],
  },
};

const databaseInputs = {
  pairId: str("The control plane's id of the pair. Changing it replaces the database."),
  name: str("Database name ([a-z][a-z0-9_]{0,62}, not reserved). Changing it replaces the database."),
  owner: str("Owner role; defaults to the database name. Changing it replaces the database."),
  settings: stringMap("Per-database settings (ALTER DATABASE … SET), updated in place."),
  connectionLimit: int("CONNECTION LIMIT; -1 means none.", { default: -1 }),
  deletionProtection: bool("While true the provider refuses to drop the database.", { default: true }),
};

const registrationInputs = {
  name: str("The pair's name. Changing it replaces the registration."),
  endpointHost: str("The stable endpoint (VIP or load balancer address)."),
  endpointPort: int("The endpoint's port."),
  nodes: arrayOf(ref("RegisteredNode", ""), "Exactly two nodes."),
  witness: ref("Witness", "The witness host."),
  adminUsername: str("The pair's admin role the control plane connects as.", { default: ADMIN_ROLE }),
  adminPassword: secret("The admin role's password."),
  caCertificate: str(
    "The pair CA (PEM, PairConfiguration.caCertificate): the control plane verifies the nodes with it.",
  ),
  agents: ref("AgentInstall", "When set, the agents are installed and started on the nodes."),
};

const pairConfigurationInputs = {
  spec: pairSpec.root,
  hosts: arrayOf(
    ref("HostConnection", ""),
    "SSH access to both nodes and the witness host, named as in the spec.",
  ),
  readyFile: str(
    "A file each node must hold before it is configured (the first-boot script's marker); the witness host is checked for PostgreSQL 15 and repmgr instead.",
  ),
  readyTimeoutSeconds: int("How long to wait for the hosts.", { default: 900 }),
  nodeInstances: arrayOf(
    ref("NodeInstance", ""),
    "The nodes' VMs on a cloud: a node on a new VM is replaced in turn (replaceMember), a grown data volume gets its filesystem grown online.",
  ),
  pairSecrets: secret(
    "The pair's secrets from its PairSecrets (PairSecrets.pairSecrets); generated and kept here when omitted. One that differs from the secrets the pair runs with fails the preview (secrets_mismatch).",
  ),
};

const pairSecretsInputs = {
  pairName: str(
    "The pair's name (the CA's and the postgres SSH key's name). Changing it replaces the secrets.",
  ),
  seed: secret(
    "An existing pair's secrets to adopt (its PairConfiguration.pairSecrets), read on create only; generated when omitted.",
  ),
};

const nodeRolloutInputs = {
  node: str("The node this step moves. Changing it replaces the step."),
  phase: str('"drain" (before the node\'s VM changes) or "settle" (after). Changing it replaces the step.'),
  spec: { ...pairSpec.root, description: "The pair spec as the pair stands when this step runs." },
  hosts: arrayOf(ref("HostConnection", ""), "SSH access to both nodes and the witness host."),
  pairSecrets: secret("The pair's secrets (PairSecrets.pairSecrets)."),
  shape: ref(
    "NodeShape",
    "drain only: the shape the node's VM is to have; when it changes, the update switches over if the node is the primary right now.",
  ),
  instance: ref(
    "NodeInstance",
    "settle only: the node's VM; a new instance id runs replaceMember, any other change waits until the node streams synchronously again and grows a grown filesystem.",
  ),
  settleTimeoutSeconds: int("settle: how long to wait for the node to stream synchronously again.", {
    default: 600,
  }),
};

const localHostsInputs = {
  prefix: str("Namespace and link name prefix ([a-z][a-z0-9]{0,5})."),
  subnet: str("A private /24 avoiding the machine's own networks; the host side gets .1."),
  hosts: arrayOf({ type: "string" }, "Host names in address order (.2, .3, …)."),
  stateDir: str("Where the local driver keeps its state (made absolute)."),
};

const controlPlaneHostInputs = {
  host: ref("HostConnection", "SSH access to the host (root): a VM from ControlPlane, or one you bring."),
  name: str("Instance name on the host ([a-z][a-z0-9-]*). Changing it replaces the control plane.", {
    default: "main",
  }),
  listenAddress: str("The host's address the API listens on (and the certificate names)."),
  port: int("The API's HTTPS port.", { default: CONTROL_PLANE_PORT }),
  dnsNames: arrayOf({ type: "string" }, "DNS names the generated certificate carries besides listenAddress."),
  certificate: str(
    "Your server certificate (PEM) for listenAddress and the DNS names clients use; a CA and a certificate are generated when omitted.",
  ),
  privateKey: secret("Your certificate's private key (PEM), with certificate."),
  caCertificate: str("The CA (PEM) that issued the certificate: agents, the provider and users pin it."),
  adminEmail: str("The first admin's email, created when the store has no admin."),
  adminPassword: secret("The first admin's password (at least 12 characters); generated when omitted."),
  readyFile: str(
    "The first-boot script's marker the host must hold first; without it the host is checked for PostgreSQL 15 and repmgr.",
  ),
  readyTimeoutSeconds: int("How long to wait for the host.", { default: 900 }),
};

function resource(
  description: string,
  inputs: Record<string, Property>,
  requiredInputs: string[],
  outputs: Record<string, Property>,
  required: string[],
) {
  return {
    description,
    inputProperties: inputs,
    requiredInputs,
    properties: { ...inputs, ...outputs },
    required: [...requiredInputs, ...required],
  };
}

export function providerSchema() {
  const components = componentSchema(databaseInputs);
  return {
    name: "pgaas",
    displayName: "pgaas",
    version: PROVIDER_VERSION,
    description:
      "PostgreSQL primary + synchronous standby pairs with automatic failover, and their databases, on your own clouds.",
    keywords: ["pulumi", "postgresql", "repmgr", "kind/native"],
    license: "Apache-2.0",
    publisher: "pgaas",
    config: { variables: configVariables },
    provider: {
      description: "The pgaas provider.",
      inputProperties: configVariables,
      properties: configVariables,
    },
    types: { ...types, ...components.types },
    resources: {
      ...components.resources,
      "pgaas:index:Database": resource(
        "A database and its owner role on a pair, managed through the control-plane API.",
        databaseInputs,
        ["pairId", "name"],
        {
          owner: databaseInputs.owner,
          ownerPassword: secret("The owner role's password."),
          connectionUri: secret("postgresql://owner:password@endpoint:port/name"),
        },
        ["owner", "settings", "connectionLimit", "deletionProtection", "ownerPassword", "connectionUri"],
      ),
      "pgaas:index:Registration": resource(
        "A pair registered with the control plane; its agents installed when `agents` is set.",
        registrationInputs,
        ["name", "endpointHost", "endpointPort", "nodes", "adminPassword"],
        {
          pairId: str("The control plane's id of the pair."),
          primary: str("The primary as the control plane sees it (empty when unknown)."),
          health: str("The control plane's view of the pair's health."),
          agentTokens: { ...stringMap("One agent token per node."), secret: true },
        },
        ["adminUsername", "pairId", "primary", "health", "agentTokens"],
      ),
      "pgaas:index:PairConfiguration": resource(
        "PostgreSQL 15 primary + synchronous standby with repmgr, keepalived and a witness, configured over SSH.",
        pairConfigurationInputs,
        ["spec", "hosts"],
        {
          primary: str("The node that is primary now (refresh shows a failover)."),
          replication: str('"synchronous", "degraded", "asynchronous", "blocked" or "no-primary".'),
          nodes: arrayOf(ref("PairNodeState", ""), "Both nodes as the last read saw them."),
          endpointHost: str("The stable endpoint's address."),
          endpointPort: int("The stable endpoint's port."),
          adminUsername: str("The admin role the control plane uses."),
          adminPassword: secret("The admin role's password."),
          pairSecrets: secret("Every generated credential of the pair (JSON)."),
          caCertificate: str("The pair CA (PEM): clients verify the endpoint with it (sslmode=verify-full)."),
        },
        [
          "readyTimeoutSeconds",
          "primary",
          "replication",
          "nodes",
          "endpointHost",
          "endpointPort",
          "adminUsername",
          "adminPassword",
          "pairSecrets",
          "caCertificate",
        ],
      ),
      "pgaas:index:PairSecrets": resource(
        "A pair's generated credentials (passwords, the postgres SSH key, the backup passphrase, the pair CA), no SSH. An update only adds what is missing, never rotates.",
        pairSecretsInputs,
        ["pairName"],
        {
          pairSecrets: secret(
            "Every generated credential of the pair (JSON), for PairConfiguration.pairSecrets.",
          ),
        },
        ["pairSecrets"],
      ),
      "pgaas:index:NodeRollout": resource(
        "One step of a rolling replacement in one `pulumi up`, per node and phase: drain switches over when the node is the primary right now, settle replaces the member or waits until it streams synchronously again. Create does nothing.",
        nodeRolloutInputs,
        ["node", "phase", "spec", "hosts", "pairSecrets"],
        {},
        ["settleTimeoutSeconds"],
      ),
      "pgaas:index:ControlPlaneHost": resource(
        "The control plane installed on a host over SSH: its PostgreSQL store, the control-plane artefact, TLS and the server. The host also serves as the pairs' witness.",
        controlPlaneHostInputs,
        ["host", "listenAddress", "adminEmail"],
        {
          url: str("The API's base URL (https://listenAddress:port)."),
          witnessAddress: str("The address pairs use for their witness (this host)."),
          artefactSha256: str("The sha256 of the control-plane artefact installed."),
          generated: secret(
            "What the provider generated (CA, server key, admin password; JSON), reused on updates.",
          ),
        },
        [
          "name",
          "port",
          "dnsNames",
          "caCertificate",
          "adminPassword",
          "readyTimeoutSeconds",
          "url",
          "witnessAddress",
          "artefactSha256",
          "generated",
        ],
      ),
      "pgaas:index:LocalHosts": resource(
        "Hosts as Linux network namespaces on this machine (root on Linux), each with its own sshd.",
        localHostsInputs,
        ["prefix", "subnet", "hosts", "stateDir"],
        {
          hostAddress: str("The host side's address on the lab bridge (.1)."),
          hostStates: arrayOf(ref("LocalHostState", ""), "The hosts, in order."),
          sshPrivateKey: secret("The lab's SSH private key (root on every host)."),
        },
        ["hostAddress", "hostStates", "sshPrivateKey"],
      ),
    },
    functions: {
      "pgaas:index:getPair": {
        description:
          "The control plane's view of a registered pair (by id or by name): its endpoint, CA, primary and health.",
        inputs: {
          properties: {
            pairId: str("The control plane's id of the pair; give this or `name`."),
            name: str("The pair's name; give this or `pairId`."),
          },
        },
        outputs: {
          properties: {
            pairId: str("The control plane's id of the pair."),
            name: str("The pair's name."),
            endpointHost: str("The stable endpoint's address."),
            endpointPort: int("The stable endpoint's port."),
            caCertificate: str("The pair CA (PEM), empty for a pair registered without one."),
            primary: str("The current primary's node name, empty when there is none."),
            health: str(`One of ${PairHealth.options.join(", ")}.`),
            syncState: str(
              `One of ${SyncState.options.join(", ")}: the standby's replication as the primary reports it.`,
            ),
            nodes: arrayOf(ref("PairNodeView", ""), "Both nodes as their agents last reported."),
            databaseCount: int("Databases on the pair."),
          },
          required: [
            "pairId",
            "name",
            "endpointHost",
            "endpointPort",
            "caCertificate",
            "primary",
            "health",
            "syncState",
            "nodes",
            "databaseCount",
          ],
        },
      },
    },
    language: {
      nodejs: { packageName: "@pgaas/sdk", dependencies: { "@pulumi/pulumi": PULUMI_SDK_VERSION } },
    },
  };
}

/** The schema as GetSchema sends it and schema.json holds it. */
export function schemaJson(): string {
  return `${JSON.stringify(providerSchema(), null, 2)}\n`;
}
