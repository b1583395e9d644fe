// ControlPlane on GCP under Pulumi mocks: exactly the planned resources and their arguments, the
// reserved internal address on the instance, the protected pd-ssd data disk, the ignored startup
// script, NAT before the first boot, installation after the VM, and the given TLS passed on.
import { beforeAll, describe, expect, it } from "vitest";
import type { ControlPlane } from "../src/control-plane.js";
import { CONTROL_PLANE_ARGS } from "./support/control-plane-args.js";
import {
  constructControlPlane,
  isSecretInput,
  type MockRegistry,
  resolved,
  unwrapSecretInput,
} from "./support/pulumi-mocks.js";

const TLS = { certificate: "CP-CERT", privateKey: "CP-KEY", caCertificate: "CP-CA" };

describe("ControlPlane on GCP", () => {
  let registry: MockRegistry;
  let controlPlane: ControlPlane;

  beforeAll(async () => {
    ({ registry, controlPlane } = await constructControlPlane("cp", {
      ...CONTROL_PLANE_ARGS,
      adminPassword: "given-admin-password",
      tls: TLS,
      gcp: { network: "vpc", subnetwork: "sub", zone: "europe-west1-b", project: "proj" },
    }));
  });

  it("creates exactly the planned resources", () => {
    expect(registry.counts()).toEqual({
      "gcp:compute/address:Address": 1,
      "gcp:compute/disk:Disk": 1,
      "gcp:compute/firewall:Firewall": 3,
      "gcp:compute/instance:Instance": 1,
      "gcp:compute/router:Router": 1,
      "gcp:compute/routerNat:RouterNat": 1,
      "pgaas:components:ControlPlane": 1,
      "pgaas:index:ControlPlaneHost": 1,
      "tls:index/privateKey:PrivateKey": 1,
    });
  });

  it("opens 443 to nodes and users, the witness ports to nodes and SSH to the admin network, on its tag only", () => {
    const rules = Object.fromEntries(
      registry
        .ofType("gcp:compute/firewall:Firewall")
        .map((rule) => [
          rule.name,
          { allows: rule.inputs.allows, from: rule.inputs.sourceRanges, tags: rule.inputs.targetTags },
        ]),
    );
    const tags = ["cp-pgaas-control-plane"];
    expect(rules).toEqual({
      "cp-https": {
        allows: [{ protocol: "tcp", ports: ["443"] }],
        from: ["10.0.0.0/24", "10.0.1.0/24", "10.9.0.0/16"],
        tags,
      },
      "cp-witness": {
        allows: [{ protocol: "tcp", ports: ["5433-5452"] }],
        from: ["10.0.0.0/24", "10.0.1.0/24"],
        tags,
      },
      "cp-ssh": { allows: [{ protocol: "tcp", ports: ["22"] }], from: ["198.51.100.0/24"], tags },
    });
  });

  it("boots on a reserved internal address with a protected pd-ssd data disk, after the NAT", () => {
    expect(registry.named("gcp:compute/address:Address", "cp-address").inputs).toMatchObject({
      project: "proj",
      region: "europe-west1",
      addressType: "INTERNAL",
      subnetwork: "sub",
    });
    expect(registry.named("gcp:compute/disk:Disk", "cp-data").inputs).toMatchObject({
      zone: "europe-west1-b",
      type: "pd-ssd",
      size: 20,
    });
    expect(registry.optionsOf("gcp:compute/disk:Disk", "cp-data")).toMatchObject({ protect: true });
    const instance = registry.named("gcp:compute/instance:Instance", "cp");
    expect(instance.inputs).toMatchObject({
      machineType: "e2-small",
      attachedDisks: [{ source: "https://compute/cp-data", deviceName: "pgaas-data" }],
      networkInterfaces: [{ network: "vpc", subnetwork: "sub", networkIp: "10.128.0.50" }],
      tags: ["cp-pgaas-control-plane"],
    });
    expect(isSecretInput(instance.inputs.metadataStartupScript)).toBe(true);
    expect(String(unwrapSecretInput(instance.inputs.metadataStartupScript))).toContain(
      "for candidate in /dev/disk/by-id/google-pgaas-data; do",
    );
    expect(registry.optionsOf("gcp:compute/instance:Instance", "cp")).toMatchObject({
      ignoreChanges: ["metadataStartupScript"],
      dependsOn: ["cp-nat"],
    });
  });

  it("installs with the given certificate and password (secrets) after the VM", async () => {
    const install = registry.named("pgaas:index:ControlPlaneHost", "cp-install");
    expect(registry.optionsOf("pgaas:index:ControlPlaneHost", "cp-install").dependsOn).toEqual(["cp"]);
    expect(install.inputs).toMatchObject({
      listenAddress: "10.128.0.50",
      certificate: "CP-CERT",
      caCertificate: "CP-CA",
    });
    expect([isSecretInput(install.inputs.privateKey), isSecretInput(install.inputs.adminPassword)]).toEqual([
      true,
      true,
    ]);
    expect(await resolved(controlPlane.caCertificate)).toBe("CP-CA");
    expect(await resolved(controlPlane.url)).toBe("https://10.128.0.50:443");
  });
});
