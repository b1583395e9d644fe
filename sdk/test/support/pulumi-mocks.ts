// Pulumi mocks for component tests: records every registered resource with its inputs, fills the
// computed outputs real providers would (addresses, self links, the pgaas provider's outputs) and
// fails on any invoke it was not given an answer for. In preview mode computed outputs stay unknown, as in a real preview.
// What mocks cannot prove: that the clouds accept these inputs, or that the provider really
// configures anything — the provider's own tests and the system tests cover that.
import * as pulumi from "@pulumi/pulumi";

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  /** The id a `get` asked to read; absent for a resource the program manages. */
  readonly readId?: string;
}

/** What the mock "cloud" holds for a `get` of a pgaas Database. */
export const EXISTING_DATABASE = {
  pairId: "pair-1",
  name: "billing",
  owner: "billing",
  settings: {},
  connectionLimit: -1,
  deletionProtection: true,
};

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** True when a mock input arrived as a secret (the runtime keeps the wrapper for mocks). */
export function isSecretInput(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG
  );
}

export function unwrapSecretInput(value: unknown): unknown {
  return isSecretInput(value) ? (value as { value: unknown }).value : value;
}

/** The secrets the mock PairConfiguration reports (its `pairSecrets` output). */
export const CONFIGURATION_SECRETS = '{"from":"configuration"}';

/**
 * A pair's PairSecrets as registered: inputs (secret wrappers removed), whether the seed was secret,
 * and its options.
 */
export function pairSecretsOf(registry: MockRegistry, pair: string) {
  const name = `${pair}-secrets`;
  const { inputs } = registry.named("pgaas:index:PairSecrets", name);
  return {
    inputs: { ...inputs, seed: unwrapSecretInput(inputs.seed) },
    seedSecret: isSecretInput(inputs.seed),
    options: registry.optionsOf("pgaas:index:PairSecrets", name),
  };
}

export const MOCK_ADDRESSES: Readonly<Record<string, string>> = {
  vip: "10.0.0.10",
  n1: "10.0.0.11",
  n2: "10.0.0.12",
  endpoint: "10.128.0.50",
};

/** The wire value of an unknown (what a real preview returns for values the cloud computes). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function computedOutputs(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  computed: (value: unknown) => unknown,
): Record<string, unknown> {
  const node = /-(n1|n2)(-port|-public)?$/.exec(name)?.[1];
  switch (type) {
    case "openstack:networking/port:Port":
      return { allFixedIps: [name.endsWith("-vip") ? MOCK_ADDRESSES.vip : MOCK_ADDRESSES[node ?? "vip"]] };
    case "openstack:networking/floatingIp:FloatingIp":
      return { address: node === undefined ? "203.0.113.7" : `203.0.113.${node === "n1" ? 11 : 12}` };
    case "gcp:compute/instance:Instance": {
      const nics = inputs.networkInterfaces as Record<string, unknown>[];
      return {
        selfLink: `https://compute/${name}`,
        instanceId: `${name}-vmid`,
        networkInterfaces: nics.map((nic) => ({ ...nic, networkIp: computed(MOCK_ADDRESSES[node ?? "n1"]) })),
      };
    }
    case "gcp:compute/disk:Disk":
    case "gcp:compute/instanceGroup:InstanceGroup":
    case "gcp:compute/regionBackendService:RegionBackendService":
      return { selfLink: `https://compute/${name}` };
    case "gcp:compute/address:Address":
      return { address: MOCK_ADDRESSES.endpoint };
    case "tls:index/privateKey:PrivateKey": {
      const host = /-(n1|n2)-host-key$/.exec(name)?.[1] ?? "x";
      return {
        privateKeyOpenssh: `-----BEGIN OPENSSH PRIVATE KEY-----\nHOSTKEY${host}\n-----END OPENSSH PRIVATE KEY-----\n`,
        publicKeyOpenssh: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5HOSTKEY${host}\n`,
        publicKeyFingerprintSha256: `SHA256:HOSTKEY-${host}`,
      };
    }
    case "pgaas:index:LocalHosts":
      return {
        hostAddress: "10.231.60.1",
        sshPrivateKey: "LAB-PRIVATE-KEY",
        hostStates: ["n1", "n2", "w"].map((host, index) => ({
          name: host,
          address: `10.231.60.${index + 2}`,
          namespace: `pgl-${host}`,
          sshPort: 22,
          sshUsername: "root",
          hostKeySha256: `HOSTKEY-${host}`,
        })),
      };
    case "pgaas:index:PairConfiguration":
      return {
        primary: "n1",
        adminUsername: "pgaas_admin",
        adminPassword: "admin-pw/+",
        pairSecrets: CONFIGURATION_SECRETS,
        caCertificate: "-----BEGIN CERTIFICATE-----\nMIIBpair\n-----END CERTIFICATE-----\n",
        nodes: [],
      };
    case "pgaas:index:PairSecrets":
      return { pairSecrets: unwrapSecretInput(inputs.seed) ?? "{}" };
    case "pgaas:index:ControlPlaneHost":
      return {
        url: `https://${String(inputs.listenAddress)}:443`,
        witnessAddress: inputs.listenAddress,
        caCertificate:
          inputs.caCertificate ?? "-----BEGIN CERTIFICATE-----\nMIIBcp\n-----END CERTIFICATE-----\n",
        adminPassword: inputs.adminPassword ?? "generated-admin-pw",
        artefactSha256: "a".repeat(64),
      };
    case "pgaas:index:Registration":
      return { pairId: "11111111-2222-4333-8444-555555555555", agentTokens: { n1: "t1", n2: "t2" } };
    case "pgaas:index:Database":
      return {
        owner: inputs.owner ?? inputs.name,
        ownerPassword: "owner-pw",
        connectionUri: `postgresql://${String(inputs.name)}:owner-pw@10.0.0.10:5432/${String(inputs.name)}`,
      };
    default:
      return {};
  }
}

function previewOutputs(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
): Record<string, unknown> {
  const unknown = computedOutputs(type, name, inputs, () => UNKNOWN);
  return Object.fromEntries(
    Object.entries(unknown).map(([key, value]) => [key, key === "networkInterfaces" ? value : UNKNOWN]),
  );
}

/** The options a resource was constructed with (mocks never see them; a transformation does). */
export interface RecordedOptions {
  readonly protect: boolean | undefined;
  readonly retainOnDelete: boolean | undefined;
  readonly ignoreChanges: string[] | undefined;
  /** Names of the resources it explicitly depends on, sorted. */
  readonly dependsOn: string[];
}

export class MockRegistry {
  readonly resources: RecordedResource[] = [];
  /** Every invoke, in order: the function's token and its arguments. */
  readonly invokes: { token: string; args: Record<string, unknown> }[] = [];
  readonly #options = new Map<string, RecordedOptions>();

  /** A component transformation that records each child's options (children inherit it). */
  readonly recordOptions: pulumi.ResourceTransformation = ({ type, name, opts }) => {
    const record = (dependsOn: unknown) =>
      this.#options.set(`${type}::${name}`, {
        protect: opts.protect,
        retainOnDelete: opts.retainOnDelete,
        ignoreChanges: opts.ignoreChanges,
        dependsOn: ([] as unknown[])
          .concat(dependsOn ?? [])
          .map((resource) => (resource as { __name?: string }).__name ?? "?")
          .sort(),
      });
    // A promise of dependencies (an order decided when the program runs; cloud packages merge it into
    // an Output) is recorded once it resolves.
    const { dependsOn } = opts;
    if (dependsOn instanceof Promise || pulumi.Output.isInstance(dependsOn)) {
      record([]);
      void (
        dependsOn instanceof Promise ? dependsOn : resolved<unknown>(dependsOn as pulumi.Output<unknown>)
      ).then(record);
    } else record(dependsOn);
    return undefined;
  };

  optionsOf(type: string, name: string): RecordedOptions {
    const found = this.#options.get(`${type}::${name}`);
    if (!found) throw new Error(`no options recorded for ${type} ${name}`);
    return found;
  }

  ofType(type: string): RecordedResource[] {
    return this.resources.filter((resource) => resource.type === type);
  }

  named(type: string, name: string): RecordedResource {
    const found = this.resources.find((resource) => resource.type === type && resource.name === name);
    if (!found) throw new Error(`no ${type} named ${name}; registered: ${this.names().join(", ")}`);
    return found;
  }

  /** Names of the resources of one type, sorted (registration order is not deterministic). */
  namesOf(type: string): string[] {
    return this.ofType(type)
      .map((resource) => resource.name)
      .sort();
  }

  names(): string[] {
    return this.resources.map((resource) => `${resource.type}::${resource.name}`).sort();
  }

  /** Resources register asynchronously: wait until no new one arrived for 100 ms (at most 5 s). */
  async settle(): Promise<void> {
    const deadline = Date.now() + 5000;
    let seen = -1;
    while (seen !== this.resources.length && Date.now() < deadline) {
      seen = this.resources.length;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** A count per type, sorted: the exact child contract of a component. */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const resource of this.resources) counts[resource.type] = (counts[resource.type] ?? 0) + 1;
    return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
  }
}

export async function installMocks(options: {
  preview: boolean;
  /** What a function answers, by token; any other invoke fails the test. */
  functions?: Readonly<Record<string, (args: Record<string, unknown>) => Record<string, unknown>>>;
}): Promise<MockRegistry> {
  const registry = new MockRegistry();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        if (args.id !== undefined && args.id !== "") {
          registry.resources.push({ type: args.type, name: args.name, inputs: args.inputs, readId: args.id });
          if (args.type !== "pgaas:index:Database") throw new Error(`unexpected read of ${args.type}`);
          return { id: args.id, state: EXISTING_DATABASE };
        }
        registry.resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        // In preview a create returns its inputs plus unknowns where the cloud computes values.
        const computed = options.preview
          ? previewOutputs(args.type, args.name, args.inputs)
          : computedOutputs(args.type, args.name, args.inputs, (value) => value);
        return {
          id: options.preview ? undefined : `${args.name}-id`,
          state: { ...args.inputs, ...computed },
        };
      },
      call(args) {
        const answer = options.functions?.[args.token];
        if (answer === undefined) throw new Error(`unexpected invoke ${args.token}`);
        registry.invokes.push({ token: args.token, args: args.inputs });
        return answer(args.inputs);
      },
    },
    "pgaas-test",
    options.preview ? "preview" : "up",
    options.preview,
  );
  return registry;
}

/** The value of an output (internal `promise()`: resolves even for secrets). */
export function resolved<T>(output: pulumi.Output<T>): Promise<T> {
  return (output as unknown as { promise(): Promise<T> }).promise();
}

/** False while an output is unknown (preview: computed by the cloud on create). */
export function isKnown(output: pulumi.Output<unknown>): Promise<boolean> {
  return (output as unknown as { isKnown: Promise<boolean> }).isKnown;
}

/**
 * Installs fresh mocks, then builds a PostgresPair (imported after the mocks, as Pulumi requires) and
 * waits until every child registered.
 */
export async function constructPair(
  name: string,
  args: import("../../src/postgres-pair-args.js").PostgresPairArgs,
  options: Parameters<typeof installMocks>[0] = { preview: false },
): Promise<{ registry: MockRegistry; pair: import("../../src/postgres-pair.js").PostgresPair }> {
  const registry = await installMocks(options);
  const { PostgresPair } = await import("../../src/postgres-pair.js");
  const pair = new PostgresPair(name, args, { transformations: [registry.recordOptions] });
  if (!options.preview) await resolved(pair.connectionUri);
  await registry.settle();
  return { registry, pair };
}

export async function constructControlPlane(
  name: string,
  args: import("../../src/control-plane-args.js").ControlPlaneArgs,
): Promise<{ registry: MockRegistry; controlPlane: import("../../src/control-plane.js").ControlPlane }> {
  const registry = await installMocks({ preview: false });
  const { ControlPlane } = await import("../../src/control-plane.js");
  const controlPlane = new ControlPlane(name, args, { transformations: [registry.recordOptions] });
  await resolved(controlPlane.url);
  await registry.settle();
  return { registry, controlPlane };
}
