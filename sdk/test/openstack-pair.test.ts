import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { PostgresPairArgs } from "../src/postgres-pair-args.js";
import { CLOUD_ACCESS_ARGS, TEST_SSH_PUBLIC_KEY } from "./support/cloud-access-args.js";
import {
  CONFIGURATION_SECRETS,
  constructPair,
  installMocks,
  isKnown,
  isSecretInput,
  type MockRegistry,
  pairSecretsOf,
  resolved,
  unwrapSecretInput,
} from "./support/pulumi-mocks.js";

function openstackArgs(): PostgresPairArgs {
  return {
    clientCidrs: ["10.1.0.0/16"],
    ...CLOUD_ACCESS_ARGS,
    agentControlPlaneUrl: "https://10.0.0.5:8080",
    settings: { work_mem: "8MB" },
    openstack: {
      networkId: "net-1",
      subnetId: "sub-1",
      subnetCidr: "10.0.0.0/24",
      imageName: "debian-12",
      flavorName: "m1.medium",
      availabilityZones: ["az1", "az2"],
      floatingIpPool: "public",
      dataVolumeSizeGb: 80,
      dataVolumeType: "ssd",
    },
  };
}

describe("PostgresPair on OpenStack", () => {
  let registry: MockRegistry;
  let pair: import("../src/postgres-pair.js").PostgresPair;

  beforeAll(async () => {
    ({ registry, pair } = await constructPair("orders", openstackArgs()));
  });

  it("creates exactly the planned resources", () => {
    expect(registry.counts()).toEqual({
      "openstack:blockstorage/volume:Volume": 2,
      "openstack:compute/instance:Instance": 2,
      "openstack:compute/serverGroup:ServerGroup": 1,
      "openstack:compute/volumeAttach:VolumeAttach": 2,
      "openstack:networking/floatingIp:FloatingIp": 1,
      "openstack:networking/port:Port": 3,
      "openstack:networking/secGroup:SecGroup": 1,
      "openstack:networking/secGroupRule:SecGroupRule": 8,
      "pgaas:components:PostgresPair": 1,
      "pgaas:index:PairConfiguration": 1,
      "pgaas:index:PairSecrets": 1,
      "pgaas:index:Registration": 1,
      "tls:index/privateKey:PrivateKey": 2,
    });
    expect(registry.namesOf("openstack:networking/port:Port")).toEqual([
      "orders-n1-port",
      "orders-n2-port",
      "orders-vip",
    ]);
    expect(registry.namesOf("openstack:compute/instance:Instance")).toEqual(["orders-n1", "orders-n2"]);
    expect(registry.namesOf("pgaas:index:PairConfiguration")).toEqual(["orders-configuration"]);
    expect(registry.namesOf("pgaas:index:Registration")).toEqual(["orders-registration"]);
  });

  it("adopts the configuration's secrets into PairSecrets after it, ignoring later seeds, unprotected", () => {
    expect(pairSecretsOf(registry, "orders")).toEqual({
      inputs: { pairName: "orders", seed: CONFIGURATION_SECRETS },
      seedSecret: true,
      options: {
        protect: undefined,
        retainOnDelete: undefined,
        ignoreChanges: ["seed"],
        dependsOn: ["orders-configuration"],
      },
    });
  });

  it("lists the VIP (/32) in both node ports' allowed address pairs, and only there", () => {
    for (const node of ["n1", "n2"]) {
      const port = registry.named("openstack:networking/port:Port", `orders-${node}-port`);
      expect(port.inputs.allowedAddressPairs).toEqual([{ ipAddress: "10.0.0.10/32" }]);
      expect(port.inputs.securityGroupIds).toEqual(["orders-secgroup-id"]);
      expect(port.inputs.fixedIps).toEqual([{ subnetId: "sub-1" }]);
    }
    const vip = registry.named("openstack:networking/port:Port", "orders-vip");
    expect(vip.inputs.allowedAddressPairs).toBeUndefined();
    expect(vip.inputs.fixedIps).toEqual([{ subnetId: "sub-1" }]);
  });

  it("allows nodes, witness, control plane, admins and clients — and nothing else", () => {
    const rules = registry
      .ofType("openstack:networking/secGroupRule:SecGroupRule")
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(({ name, inputs }) => [
        name,
        inputs.protocol,
        inputs.portRangeMin ?? null,
        inputs.remoteIpPrefix ?? `group:${String(inputs.remoteGroupId)}`,
      ]);
    expect(rules).toEqual([
      ["orders-clients-0-5432", "tcp", 5432, "10.1.0.0/16"],
      ["orders-clients-0-6432", "tcp", 6432, "10.1.0.0/16"],
      ["orders-control-plane-5432", "tcp", 5432, "10.0.0.5/32"],
      ["orders-control-plane-9187", "tcp", 9187, "10.0.0.5/32"],
      ["orders-peers-22", "tcp", 22, "group:orders-secgroup-id"],
      ["orders-peers-5432", "tcp", 5432, "group:orders-secgroup-id"],
      ["orders-ssh-admin-22", "tcp", 22, "198.51.100.0/24"],
      ["orders-vrrp", "vrrp", null, "group:orders-secgroup-id"],
    ]);
    for (const rule of registry.ofType("openstack:networking/secGroupRule:SecGroupRule")) {
      expect(rule.inputs).toMatchObject({
        direction: "ingress",
        ethertype: "IPv4",
        securityGroupId: "orders-secgroup-id",
      });
    }
  });

  it("spreads the nodes over the anti-affinity group and two zones, booting the setup script", () => {
    const group = registry.named("openstack:compute/serverGroup:ServerGroup", "orders-anti-affinity");
    expect(group.inputs.policies).toEqual(["anti-affinity"]);
    for (const [node, zone] of [
      ["n1", "az1"],
      ["n2", "az2"],
    ]) {
      const instance = registry.named("openstack:compute/instance:Instance", `orders-${node}`);
      expect(instance.inputs.availabilityZone).toBe(zone);
      expect(instance.inputs.schedulerHints).toEqual([{ group: "orders-anti-affinity-id" }]);
      expect(instance.inputs.networks).toEqual([{ port: `orders-${node}-port-id` }]);
      expect(isSecretInput(instance.inputs.userData)).toBe(true);
      const userData = String(unwrapSecretInput(instance.inputs.userData));
      expect(userData.startsWith("#!/bin/bash\n# managed by pgaas — do not edit (sha256 ")).toBe(true);
      expect(userData).toContain(`key='${TEST_SSH_PUBLIC_KEY}'`);
      expect(userData).toContain(
        "apt-get install -y -q --no-install-recommends postgresql-15 postgresql-15-repmgr pgbackrest pgbouncer rsync curl keepalived",
      );
    }
    const floating = registry.named("openstack:networking/floatingIp:FloatingIp", "orders-vip-public");
    expect(floating.inputs).toMatchObject({ pool: "public", portId: "orders-vip-id" });
  });

  it("generates each node's ed25519 host key, installs it at first boot and pins it", () => {
    for (const node of ["n1", "n2"]) {
      const key = registry.named("tls:index/privateKey:PrivateKey", `orders-${node}-host-key`);
      expect(key.inputs).toEqual({ algorithm: "ED25519" });
      const instance = registry.named("openstack:compute/instance:Instance", `orders-${node}`);
      const script = String(unwrapSecretInput(instance.inputs.userData));
      const lines = script.split("\n");
      expect(script).toContain(
        `(umask 077 && printf '%s\\n' '-----BEGIN OPENSSH PRIVATE KEY-----\nHOSTKEY${node}\n-----END OPENSSH PRIVATE KEY-----' > /etc/ssh/ssh_host_ed25519_key)\n`,
      );
      expect(lines).toContain(
        `printf '%s\\n' 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5HOSTKEY${node}' > /etc/ssh/ssh_host_ed25519_key.pub`,
      );
      expect(lines).toContain(
        "printf 'PermitRootLogin prohibit-password\\nHostKey %s\\n' /etc/ssh/ssh_host_ed25519_key > /etc/ssh/sshd_config.d/60-pgaas.conf",
      );
    }
  });

  it("keeps each node's data on its own protected Cinder volume, attached and mounted by serial", () => {
    for (const [node, zone] of [
      ["n1", "az1"],
      ["n2", "az2"],
    ]) {
      const volume = registry.named("openstack:blockstorage/volume:Volume", `orders-${node}-data`);
      expect(volume.inputs).toEqual({
        name: `orders-${node}-data`,
        description: `pgaas pair orders: PostgreSQL data of ${node}`,
        size: 80,
        volumeType: "ssd",
        availabilityZone: zone,
        metadata: { "pgaas-pair": "orders", "pgaas-node": node },
      });
      // n2's volume and VM wait for n1's: a resize or replacement never takes both nodes at once.
      const afterN1 = (names: string[]) => (node === "n1" ? [] : names);
      expect(registry.optionsOf("openstack:blockstorage/volume:Volume", `orders-${node}-data`)).toEqual({
        protect: true,
        retainOnDelete: false,
        ignoreChanges: undefined,
        dependsOn: afterN1(["orders-n1-data"]),
      });
      const attach = registry.named("openstack:compute/volumeAttach:VolumeAttach", `orders-${node}-data`);
      expect(attach.inputs).toEqual({ instanceId: `orders-${node}-id`, volumeId: `orders-${node}-data-id` });
      const instance = registry.named("openstack:compute/instance:Instance", `orders-${node}`);
      expect(String(unwrapSecretInput(instance.inputs.userData))).toContain(
        `  for candidate in /dev/disk/by-id/virtio-orders-${node}-data-id /dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_orders-${node}-data-id; do`,
      );
      expect(registry.optionsOf("openstack:compute/instance:Instance", `orders-${node}`)).toEqual({
        protect: undefined,
        retainOnDelete: undefined,
        ignoreChanges: ["userData"],
        dependsOn: afterN1(["orders-n1", "orders-n1-data"]),
      });
    }
    expect(registry.optionsOf("pgaas:index:PairConfiguration", "orders-configuration").dependsOn).toEqual([
      "orders-n1",
      "orders-n1-data",
      "orders-n2",
      "orders-n2-data",
    ]);
  });

  it("feeds each node's VM id, flavor and volume size to the pair configuration", () => {
    const config = registry.named("pgaas:index:PairConfiguration", "orders-configuration");
    expect(config.inputs.nodeInstances).toEqual([
      { name: "n1", instanceId: "orders-n1-id", size: "m1.medium", dataVolumeSizeGb: 80 },
      { name: "n2", instanceId: "orders-n2-id", size: "m1.medium", dataVolumeSizeGb: 80 },
    ]);
  });

  it("configures the pair with the hosts' addresses and keeps SSH keys secret", () => {
    const config = registry.named("pgaas:index:PairConfiguration", "orders-configuration");
    expect(config.inputs.spec).toEqual({
      name: "orders",
      postgres: { major: 15, port: 5432, memoryMb: 2048 },
      nodes: [
        { name: "n1", address: "10.0.0.11" },
        { name: "n2", address: "10.0.0.12" },
      ],
      witness: { name: "witness", address: "10.0.0.5", port: 5433 },
      endpoint: { kind: "vip", address: "10.0.0.10", port: 5432, interface: "ens3" },
      network: { nodeCidr: "10.0.0.0/24", clientCidrs: ["10.1.0.0/16"], controlPlaneCidrs: ["10.0.0.5/32"] },
      replication: { mode: "synchronous" },
      settings: { work_mem: "8MB" },
      agent: { controlPlaneUrl: "https://10.0.0.5:8080", listenPort: 9187 },
    });
    expect(config.inputs.readyFile).toBe("/etc/pgaas/host-ready");
    expect(isSecretInput(config.inputs.hosts)).toBe(true);
    expect(unwrapSecretInput(config.inputs.hosts)).toEqual([
      {
        name: "n1",
        host: "10.0.0.11",
        port: 22,
        username: "root",
        privateKey: "NODE-PRIVATE-KEY",
        hostKeySha256: "SHA256:HOSTKEY-n1",
        serviceManager: "systemd",
      },
      {
        name: "n2",
        host: "10.0.0.12",
        port: 22,
        username: "root",
        privateKey: "NODE-PRIVATE-KEY",
        hostKeySha256: "SHA256:HOSTKEY-n2",
        serviceManager: "systemd",
      },
      {
        name: "witness",
        host: "10.0.0.5",
        port: 22,
        username: "root",
        privateKey: "NODE-PRIVATE-KEY",
        hostKeySha256: "SHA256:WITNESS-HOSTKEY",
        serviceManager: "systemd",
      },
    ]);
  });

  it("registers the pair with its nodes, witness and admin password (secret), installing agents", () => {
    const registration = registry.named("pgaas:index:Registration", "orders-registration");
    expect(registration.inputs).toMatchObject({
      name: "orders",
      endpointHost: "10.0.0.10",
      endpointPort: 5432,
      nodes: [
        { name: "n1", address: "10.0.0.11", port: 5432, agentPort: 9187 },
        { name: "n2", address: "10.0.0.12", port: 5432, agentPort: 9187 },
      ],
      witness: { name: "witness", address: "10.0.0.5" },
      adminUsername: "pgaas_admin",
    });
    expect(isSecretInput(registration.inputs.adminPassword)).toBe(true);
    expect(isSecretInput(registration.inputs.agents)).toBe(true);
  });

  it("exposes the endpoint, node addresses, pair id, and the admin URI as a secret", async () => {
    expect(await resolved(pair.endpointHost)).toBe("10.0.0.10");
    expect(await resolved(pair.endpointPort)).toBe(5432);
    expect(await resolved(pair.publicEndpointHost)).toBe("203.0.113.7");
    expect(await resolved(pair.nodeAddresses)).toEqual(["10.0.0.11", "10.0.0.12"]);
    expect(await resolved(pair.pairId)).toBe("11111111-2222-4333-8444-555555555555");
    expect(await resolved(pair.primary)).toBe("n1");
    expect(await resolved(pair.connectionUri)).toBe(
      "postgresql://pgaas_admin:admin-pw%2F%2B@10.0.0.10:5432/postgres?sslmode=verify-full",
    );
    expect(await pulumi.isSecret(pair.connectionUri)).toBe(true);
    expect(await pulumi.isSecret(pair.adminPassword)).toBe(true);
    expect(await pulumi.isSecret(pair.endpointHost)).toBe(false);
  });
});

describe("PostgresPair on OpenStack: bad args", () => {
  beforeAll(async () => {
    await installMocks({ preview: false });
  });

  it.each([
    ["no adminCidr", { adminCidr: undefined }, "adminCidr: adminCidr is required on openstack"],
    [
      "no sshPrivateKey",
      { sshPrivateKey: undefined },
      "sshPrivateKey: sshPrivateKey is required on openstack",
    ],
    [
      "two clouds",
      { local: { subnet: "10.231.60.0/24" } },
      "openstack/gcp/local: exactly one of openstack, gcp, local must be set (got openstack, local)",
    ],
    [
      "no witness host key",
      { witnessSshHostKeySha256: undefined },
      "witnessSshHostKeySha256: witnessSshHostKeySha256 is required on openstack",
    ],
    ["bad port", { port: 80 }, "port: port must be an integer port in 1024–65535"],
  ] as const)("rejects %s naming the arg", async (_case, override, message) => {
    const { PostgresPair } = await import("../src/postgres-pair.js");
    expect(() => new PostgresPair("orders", { ...openstackArgs(), ...override })).toThrow(
      `invalid PostgresPair orders: ${message}`,
    );
  });

  it("rejects a pair name PostgreSQL tools cannot take", async () => {
    const { PostgresPair } = await import("../src/postgres-pair.js");
    expect(() => new PostgresPair("Orders_1", openstackArgs())).toThrow(
      'invalid PostgresPair Orders_1: name: "Orders_1": Upper case is not allowed: use a–z. Not allowed: "_". Use a–z, 0–9 and -. (it names the pair in repmgr and the control plane)',
    );
  });
});

describe("PostgresPair on OpenStack: data volume guards and boot-script replacement", () => {
  it("retains volumes on delete and replaces VMs on a new boot script when asked", async () => {
    const { registry } = await constructPair("orders", {
      ...openstackArgs(),
      dataVolume: { protect: false, retainOnDelete: true },
      replaceVmsOnBootScriptChange: true,
    });
    expect(registry.optionsOf("openstack:blockstorage/volume:Volume", "orders-n1-data")).toMatchObject({
      protect: false,
      retainOnDelete: true,
    });
    expect(registry.optionsOf("openstack:compute/instance:Instance", "orders-n1").ignoreChanges).toEqual([]);
  });
});

describe("PostgresPair on OpenStack with a floating IP per node", () => {
  it("reaches each node's sshd on its floating IP; the pair itself keeps the private addresses", async () => {
    const args = openstackArgs();
    const { registry } = await constructPair("orders", {
      ...args,
      openstack: { ...(args.openstack as NonNullable<typeof args.openstack>), nodeFloatingIps: true },
    });
    expect(registry.namesOf("openstack:networking/floatingIp:FloatingIp")).toEqual([
      "orders-n1-public",
      "orders-n2-public",
      "orders-vip-public",
    ]);
    expect(registry.named("openstack:networking/floatingIp:FloatingIp", "orders-n1-public").inputs).toEqual({
      pool: "public",
      portId: "orders-n1-port-id",
      description: "pgaas pair orders: SSH to n1",
    });
    const config = registry.named("pgaas:index:PairConfiguration", "orders-configuration");
    const hosts = unwrapSecretInput(config.inputs.hosts) as { name: string; host: string }[];
    expect(hosts.map((host) => [host.name, host.host])).toEqual([
      ["n1", "203.0.113.11"],
      ["n2", "203.0.113.12"],
      ["witness", "10.0.0.5"],
    ]);
    expect((config.inputs.spec as { nodes: unknown }).nodes).toEqual([
      { name: "n1", address: "10.0.0.11" },
      { name: "n2", address: "10.0.0.12" },
    ]);
  });

  it("wants a pool for them, naming the arg", async () => {
    const { PostgresPair } = await import("../src/postgres-pair.js");
    const args = openstackArgs();
    expect(
      () =>
        new PostgresPair("orders", {
          ...args,
          openstack: {
            ...(args.openstack as NonNullable<typeof args.openstack>),
            floatingIpPool: undefined,
            nodeFloatingIps: true,
          },
        }),
    ).toThrow(
      "invalid PostgresPair orders: openstack.nodeFloatingIps: nodeFloatingIps needs openstack.floatingIpPool (the external network)",
    );
  });
});

describe("PostgresPair on OpenStack behind a bastion", () => {
  it("reaches every host through the bastion, its key secret and its host key pinned", async () => {
    const bastion = {
      host: "203.0.113.9",
      privateKey: "BASTION-PRIVATE-KEY",
      hostKeySha256: "SHA256:BASTION",
    };
    const { registry } = await constructPair("orders", { ...openstackArgs(), bastion });
    const config = registry.named("pgaas:index:PairConfiguration", "orders-configuration");
    const hosts = unwrapSecretInput(config.inputs.hosts) as { name: string; bastion: unknown }[];
    expect(hosts.map((host) => [host.name, host.bastion])).toEqual(
      ["n1", "n2", "witness"].map((name) => [name, bastion]),
    );
  });
});

describe("PostgresPair on OpenStack in preview (addresses unknown)", () => {
  it("registers the same resources without resolving unknown addresses", async () => {
    const { registry, pair } = await constructPair("orders", openstackArgs(), { preview: true });
    expect(registry.resources.length).toBe(26);
    expect(await pulumi.isSecret(pair.connectionUri)).toBe(true);
    expect(await isKnown(pair.endpointHost)).toBe(false);
    expect(await isKnown(pair.nodeAddresses)).toBe(false);
    const config = registry.named("pgaas:index:PairConfiguration", "orders-configuration");
    expect((config.inputs.spec as { name: string }).name).toBe("orders");
  });
});

describe("PostgresPair with backups", () => {
  it("hands the backup arguments to the pair configuration's spec unchanged", async () => {
    const backup = {
      repository: { kind: "local" as const, path: "/srv/pgbackrest" },
      schedule: { full: "0 2 * * 0" },
      retention: { full: 4 },
    };
    const { registry } = await constructPair("orders", { ...openstackArgs(), backup });
    const config = registry.named("pgaas:index:PairConfiguration", "orders-configuration");
    expect((config.inputs.spec as { backup: unknown }).backup).toEqual(backup);
  });
});
