// ControlPlane on OpenStack under Pulumi mocks: exactly the planned resources and their arguments,
// the protected data volume, the ignored boot script, installation after the VM and its volume, and
// a PostgresPair that takes the component as its `controlPlane` (witness host, pinned key, agents).
import { beforeAll, describe, expect, it } from "vitest";
import type { ControlPlane } from "../src/control-plane.js";
import { CLOUD_ACCESS_ARGS } from "./support/cloud-access-args.js";
import { CONTROL_PLANE_ARGS } from "./support/control-plane-args.js";
import {
  constructControlPlane,
  constructPair,
  isSecretInput,
  type MockRegistry,
  resolved,
  unwrapSecretInput,
} from "./support/pulumi-mocks.js";

const OPENSTACK = {
  networkId: "net-1",
  subnetId: "sub-1",
  address: "10.0.0.5",
  imageName: "debian-12",
  flavorName: "m1.small",
  dataVolumeSizeGb: 30,
  dataVolumeType: "ssd",
};

describe("ControlPlane on OpenStack", () => {
  let registry: MockRegistry;
  let controlPlane: ControlPlane;

  beforeAll(async () => {
    ({ registry, controlPlane } = await constructControlPlane("cp", {
      ...CONTROL_PLANE_ARGS,
      openstack: OPENSTACK,
    }));
  });

  it("creates exactly the planned resources", () => {
    expect(registry.counts()).toEqual({
      "openstack:blockstorage/volume:Volume": 1,
      "openstack:compute/instance:Instance": 1,
      "openstack:compute/volumeAttach:VolumeAttach": 1,
      "openstack:networking/port:Port": 1,
      "openstack:networking/secGroup:SecGroup": 1,
      "openstack:networking/secGroupRule:SecGroupRule": 6,
      "pgaas:components:ControlPlane": 1,
      "pgaas:index:ControlPlaneHost": 1,
      "tls:index/privateKey:PrivateKey": 1,
    });
  });

  it("allows 443 from nodes and users, the witness ports from nodes, SSH from the admin network only", () => {
    const rules = registry
      .ofType("openstack:networking/secGroupRule:SecGroupRule")
      .map((rule) => ({
        name: rule.name,
        ports: `${String(rule.inputs.portRangeMin)}-${String(rule.inputs.portRangeMax)}`,
        from: rule.inputs.remoteIpPrefix,
        protocol: rule.inputs.protocol,
        group: rule.inputs.securityGroupId,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    expect(rules).toEqual([
      { name: "cp-https-0", ports: "443-443", from: "10.0.0.0/24", protocol: "tcp", group: "cp-secgroup-id" },
      { name: "cp-https-1", ports: "443-443", from: "10.0.1.0/24", protocol: "tcp", group: "cp-secgroup-id" },
      { name: "cp-https-2", ports: "443-443", from: "10.9.0.0/16", protocol: "tcp", group: "cp-secgroup-id" },
      { name: "cp-ssh-0", ports: "22-22", from: "198.51.100.0/24", protocol: "tcp", group: "cp-secgroup-id" },
      {
        name: "cp-witness-0",
        ports: "5433-5452",
        from: "10.0.0.0/24",
        protocol: "tcp",
        group: "cp-secgroup-id",
      },
      {
        name: "cp-witness-1",
        ports: "5433-5452",
        from: "10.0.1.0/24",
        protocol: "tcp",
        group: "cp-secgroup-id",
      },
    ]);
  });

  it("puts the fixed address on a port, the store on a protected volume, and ignores boot script changes", () => {
    const port = registry.named("openstack:networking/port:Port", "cp-port");
    expect(port.inputs.fixedIps).toEqual([{ subnetId: "sub-1", ipAddress: "10.0.0.5" }]);
    expect(port.inputs.securityGroupIds).toEqual(["cp-secgroup-id"]);
    const volume = registry.named("openstack:blockstorage/volume:Volume", "cp-data");
    expect(volume.inputs).toMatchObject({
      size: 30,
      volumeType: "ssd",
      metadata: { "pgaas-control-plane": "cp" },
    });
    expect(registry.optionsOf("openstack:blockstorage/volume:Volume", "cp-data")).toMatchObject({
      protect: true,
      retainOnDelete: false,
    });
    const instance = registry.named("openstack:compute/instance:Instance", "cp");
    expect(instance.inputs).toMatchObject({
      flavorName: "m1.small",
      imageName: "debian-12",
      networks: [{ port: "cp-port-id" }],
    });
    expect(isSecretInput(instance.inputs.userData)).toBe(true);
    const script = String(unwrapSecretInput(instance.inputs.userData));
    expect(script).toContain(
      "apt-get install -y -q --no-install-recommends postgresql-15 postgresql-15-repmgr\n",
    );
    expect(script).toContain(
      "for candidate in /dev/disk/by-id/virtio-cp-data-id /dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_cp-data-id; do",
    );
    expect(registry.optionsOf("openstack:compute/instance:Instance", "cp").ignoreChanges).toEqual([
      "userData",
    ]);
    expect(registry.named("openstack:compute/volumeAttach:VolumeAttach", "cp-data").inputs).toEqual({
      instanceId: "cp-id",
      volumeId: "cp-data-id",
    });
  });

  it("installs over SSH after the VM and its volume, pinning the generated host key", async () => {
    const install = registry.named("pgaas:index:ControlPlaneHost", "cp-install");
    expect(registry.optionsOf("pgaas:index:ControlPlaneHost", "cp-install").dependsOn).toEqual([
      "cp",
      "cp-data",
    ]);
    // The host connection carries the SSH key: the whole input is secret.
    expect(isSecretInput(install.inputs.host)).toBe(true);
    expect({ ...install.inputs, host: unwrapSecretInput(install.inputs.host) }).toEqual({
      host: {
        name: "control-plane",
        host: "10.0.0.5",
        port: 22,
        username: "root",
        privateKey: "CP-PRIVATE-KEY",
        hostKeySha256: "SHA256:HOSTKEY-x",
        serviceManager: "systemd",
      },
      listenAddress: "10.0.0.5",
      port: 443,
      dnsNames: ["pgaas.example.org"],
      adminEmail: "admin@example.com",
      readyFile: "/etc/pgaas/host-ready",
    });
    expect(await resolved(controlPlane.url)).toBe("https://10.0.0.5:443");
    expect(await resolved(controlPlane.witnessAddress)).toBe("10.0.0.5");
    expect(await resolved(controlPlane.adminPassword)).toBe("generated-admin-pw");
    expect(await resolved(controlPlane.witnessSshHostKeySha256)).toBe("SHA256:HOSTKEY-x");
  });
});

describe("PostgresPair with a ControlPlane", () => {
  it("runs its witness on the control-plane host, pinned, and its agents report to it", async () => {
    const { controlPlaneAddress: _address, witnessSshHostKeySha256: _key, ...access } = CLOUD_ACCESS_ARGS;
    const { registry } = await constructPair("orders", {
      clientCidrs: ["10.1.0.0/16"],
      ...access,
      controlPlane: {
        witnessAddress: "10.0.0.5",
        witnessSshHostKeySha256: "SHA256:CP-HOSTKEY",
        url: "https://10.0.0.5:443",
        caCertificate: "CP-CA",
      },
      openstack: {
        networkId: "net-1",
        subnetId: "sub-1",
        subnetCidr: "10.0.0.0/24",
        imageName: "debian-12",
        flavorName: "m1.medium",
      },
    });
    const configuration = registry.named("pgaas:index:PairConfiguration", "orders-configuration");
    const spec = configuration.inputs.spec as {
      witness: unknown;
      agent: unknown;
      network: { controlPlaneCidrs: unknown };
    };
    expect(spec.witness).toEqual({ name: "witness", address: "10.0.0.5", port: 5433 });
    expect(spec.agent).toEqual({
      controlPlaneUrl: "https://10.0.0.5:443",
      controlPlaneCa: "CP-CA",
      listenPort: 9187,
    });
    expect(spec.network.controlPlaneCidrs).toEqual(["10.0.0.5/32"]);
    const hosts = unwrapSecretInput(configuration.inputs.hosts) as {
      name: string;
      host: string;
      hostKeySha256: string;
    }[];
    expect(hosts.find((host) => host.name === "witness")).toMatchObject({
      host: "10.0.0.5",
      hostKeySha256: "SHA256:CP-HOSTKEY",
    });
  });
});
