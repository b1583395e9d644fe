import { parsePairSpec } from "@pgaas/engine";
import { describe, expect, it } from "vitest";
import { HostConnection, pairHostsFor } from "../../src/resources/host-connections.js";

const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n";

describe("HostConnection", () => {
  it("takes a bastion with defaults, and wants its host key pinned", () => {
    const parsed = HostConnection.parse({
      name: "n1",
      host: "10.0.0.11",
      privateKey: key,
      bastion: { host: "203.0.113.9", privateKey: key, hostKeySha256: "SHA256:abc" },
    });
    expect(parsed.bastion).toEqual({
      host: "203.0.113.9",
      port: 22,
      username: "root",
      privateKey: key,
      hostKeySha256: "SHA256:abc",
    });
    const unpinned = HostConnection.safeParse({
      name: "n1",
      host: "10.0.0.11",
      privateKey: key,
      bastion: { host: "203.0.113.9", privateKey: key },
    });
    expect(unpinned.success).toBe(false);
    expect(unpinned.error?.issues.map((issue) => issue.path.join("."))).toEqual(["bastion.hostKeySha256"]);
  });
});

describe("pairHostsFor", () => {
  it("turns a bastion into the engine's jump host, its key a Secret", () => {
    const spec = parsePairSpec({
      name: "orders",
      nodes: [
        { name: "n1", address: "10.0.0.11" },
        { name: "n2", address: "10.0.0.12" },
      ],
      witness: { name: "w", address: "10.0.1.5", port: 5433 },
      endpoint: { kind: "vip", address: "10.0.0.100" },
      network: { nodeCidr: "10.0.0.0/24" },
    });
    const bastion = {
      host: "203.0.113.9",
      port: 2222,
      username: "jump",
      privateKey: key,
      hostKeySha256: "SHA256:abc",
    };
    const hosts = pairHostsFor(
      spec,
      ["n1", "n2", "w"].map((name, index) =>
        HostConnection.parse({ name, host: `10.0.0.${index + 11}`, privateKey: key, bastion }),
      ),
    );
    const jump = hosts.nodes[0].ssh.jump;
    expect({ ...jump, privateKey: jump?.privateKey.reveal() }).toEqual(bastion);
    expect(String(jump?.privateKey)).not.toContain("PRIVATE KEY");
  });
});
