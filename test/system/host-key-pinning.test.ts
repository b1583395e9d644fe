// System test: SSH host keys pinned for real on namespace hosts. The provider refuses a node that
// presents another key than the pinned one, naming the host and both fingerprints; after a bootstrap,
// repmgr's node-to-node SSH trusts exactly the nodes' keys the engine pinned (managed known_hosts):
// a switchover over it works, and a node whose key it does not list is refused.
import { memoryLogger } from "@pgaas/common";
import { bootstrapPair, generatePairSecrets, memberLayout, switchover, teardownPair } from "@pgaas/engine";
import { hostExec } from "@pgaas/engine/testing";
import { dumpLogs, LAB_HOSTS, labPairHosts, labPairSpec, withLab } from "@pgaas/testing";
import { describe, expect, it } from "vitest";
import { wireSecret } from "../../provider/src/plugin/wire-values.js";
import { pairConfigurationHandler } from "../../provider/src/resources/pair-configuration.js";

const fixture = withLab({ range: { prefix: "pgk", first: "10.231.95.0/24", count: 5 }, hosts: LAB_HOSTS });

describe("host keys pinned in every SSH session", () => {
  it("refuses a node presenting another key than its pin, naming the host and both fingerprints", async () => {
    const lab = fixture.lab;
    const spec = labPairSpec(lab, `keys-${lab.prefix}`);
    const pinOf = (name: string) => lab.host(name).ssh.hostKeySha256 ?? "";
    // n1 is pinned to the witness host's key: as if another machine answered on n1's address.
    const pins: Record<string, string> = { n1: pinOf("w"), n2: pinOf("n2"), w: pinOf("w") };
    const hosts = wireSecret(
      LAB_HOSTS.map((name) => ({
        name,
        host: lab.host(name).address,
        port: lab.host(name).ssh.port,
        username: lab.host(name).ssh.username,
        privateKey: lab.host(name).ssh.privateKey.reveal(),
        hostKeySha256: `SHA256:${pins[name]}`,
        serviceManager: "detached",
      })),
    );
    const created = pairConfigurationHandler.create(
      { spec, hosts, readyTimeoutSeconds: 1 },
      {
        config: { controlPlaneUrl: undefined, apiToken: undefined },
        log: memoryLogger(),
        warn: async () => {},
      },
    );
    await expect(created).rejects.toThrow(
      `host n1 (${lab.host("n1").address}) not ready after 1 s: n1: connect: host key mismatch (expected SHA256:${pinOf("w")}, got SHA256:${pinOf("n1")})`,
    );
  });

  it("repmgr's node-to-node SSH uses the nodes' pinned keys: switchover works, an unlisted key is refused", async () => {
    const lab = fixture.lab;
    const spec = labPairSpec(lab, `keys-${lab.prefix}`);
    const hosts = labPairHosts(lab);
    const secrets = generatePairSecrets(spec.name);
    try {
      await bootstrapPair(spec, hosts, { secrets });
      const layout = memberLayout(spec, "n1");
      const knownHosts = await hostExec(lab, "n1", ["cat", layout.knownHosts]);
      const lines = knownHosts.stdout.split("\n").filter((line) => line !== "" && !line.startsWith("#"));
      expect(lines.map((line) => line.split(" ").slice(0, 2).join(" "))).toEqual([
        `${lab.host("n1").address} ssh-ed25519`,
        `${lab.host("n2").address} ssh-ed25519`,
      ]);
      // repmgr ssh's from the primary to the standby and back: both directions must be trusted.
      expect(await switchover(spec, hosts, secrets)).toMatchObject({ oldPrimary: "n1", newPrimary: "n2" });

      // The witness host's key is in no node's known_hosts: repmgr's own ssh options refuse it.
      const repmgrConf = (await hostExec(lab, "n1", ["cat", layout.repmgrConf])).stdout;
      const options = /^ssh_options = '(.*)'$/m.exec(repmgrConf)?.[1] ?? "";
      expect(options).toContain(`-o StrictHostKeyChecking=yes -o UserKnownHostsFile=${layout.knownHosts}`);
      // The postgres user's key is authorised on every lab host (they share /var/lib/postgresql), so
      // only known_hosts tells n2 (listed) from the witness host (not listed). Without -q ssh says why.
      const sshAs = (address: string) =>
        hostExec(lab, "n1", [
          "runuser",
          "-u",
          "postgres",
          "--",
          "sh",
          "-c",
          `ssh ${options.replace(/^-q /, "")} ${address} true`,
        ]);
      expect((await sshAs(lab.host("n2").address)).code).toBe(0);
      const refused = await sshAs(lab.host("w").address);
      expect(refused.code).toBe(255);
      expect(refused.stderr).toContain("Host key verification failed.");
    } catch (error) {
      await dumpLogs(spec);
      throw error;
    } finally {
      await teardownPair(spec, hosts, { postgresSshPublicKey: secrets.postgresSshPublicKey });
    }
  }, 300_000);
});
