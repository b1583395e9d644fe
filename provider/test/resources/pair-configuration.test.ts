import { generatePairSecrets, revealPairSecrets } from "@pgaas/engine";
import { describe, expect, it } from "vitest";
import { UNKNOWN_VALUE, wireSecret } from "../../src/plugin/wire-values.js";
import { pairConfigurationHandler, specFailures } from "../../src/resources/pair-configuration.js";
import { recordingContext } from "../support/resource-context.js";

const spec = {
  name: "orders",
  nodes: [
    { name: "n1", address: "10.231.50.2" },
    { name: "n2", address: "10.231.50.3" },
  ],
  witness: { name: "w", address: "10.231.50.4", port: 5433 },
  endpoint: { kind: "vip", address: "10.231.50.100", port: 5432 },
  network: { nodeCidr: "10.231.50.0/24" },
  settings: { work_mem: "8MB" },
};
const restoreFrom = {
  repository: { kind: "local" },
  stanza: "orders-old",
  time: "2026-12-07T05:00:00Z",
  cipherPass: wireSecret("source-cipher-pass"),
};
const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n";
const hosts = wireSecret(
  ["n1", "n2", "w"].map((name, index) => ({
    name,
    host: `10.231.50.${index + 2}`,
    privateKey: key,
    serviceManager: "detached",
  })),
);
const state = { spec, hosts, readyTimeoutSeconds: 900, primary: "n1", adminPassword: wireSecret("pw") };

describe("PairConfiguration check", () => {
  it("accepts a valid spec and fills the ready timeout", async () => {
    const result = await pairConfigurationHandler.check({}, { spec, hosts });
    expect(result.failures).toEqual([]);
    expect(result.inputs).toEqual({ spec, hosts, readyTimeoutSeconds: 900 });
  });

  it.each([
    [
      "a VIP outside the node network",
      { ...spec, endpoint: { ...spec.endpoint, address: "10.9.9.9" } },
      [["spec.endpoint.address", "a VIP must be inside network.nodeCidr 10.231.50.0/24"]],
    ],
    [
      "the witness on a node",
      { ...spec, witness: { ...spec.witness, address: "10.231.50.2" } },
      [["spec.witness.address", "the witness must be a third host"]],
    ],
    ["a bad pair name", { ...spec, name: "Orders" }, [["spec.name", "Upper case is not allowed: use a–z."]]],
  ])("names the field for %s", (_case, badSpec, failures) => {
    expect(
      specFailures({ spec: badSpec, hosts }).map((failure) => [failure.property, failure.reason]),
    ).toEqual(failures);
  });

  it("wants one host per member", () => {
    const two = wireSecret([
      { name: "n1", host: "a", privateKey: key },
      { name: "n2", host: "b", privateKey: key },
    ]);
    expect(specFailures({ spec, hosts: two })).toEqual([
      { property: "hosts", reason: 'no entry named "w" (one per node and one for the witness)' },
    ]);
  });

  it("waits for unknown values before judging the spec", () => {
    expect(specFailures({ spec: { ...spec, nodes: UNKNOWN_VALUE }, hosts })).toEqual([]);
  });
});

describe("PairConfiguration diff", () => {
  it.each([
    ["nothing", {}, { changes: false, replaces: [] }],
    [
      "a PostgreSQL setting: in place",
      { spec: { ...spec, settings: { work_mem: "16MB" } } },
      { changes: true, replaces: [] },
    ],
    [
      "the endpoint port: in place",
      { spec: { ...spec, endpoint: { ...spec.endpoint, port: 5433 } } },
      { changes: true, replaces: [] },
    ],
    [
      "a node address: in place (replaceMember moves that node)",
      { spec: { ...spec, nodes: [spec.nodes[0], { name: "n2", address: "10.231.50.9" }] } },
      { changes: true, replaces: [] },
    ],
    [
      "a node name: replace",
      { spec: { ...spec, nodes: [spec.nodes[0], { name: "n3", address: "10.231.50.3" }] } },
      { changes: true, replaces: ["spec"] },
    ],
    [
      "a node's VM (instance id): in place",
      { nodeInstances: [{ name: "n1", instanceId: "vm-9" }] },
      { changes: true, replaces: [] },
    ],
    ["the pair name: replace", { spec: { ...spec, name: "orders2" } }, { changes: true, replaces: ["spec"] }],
    [
      "the witness address: replace (a rolling move never relocates the witness)",
      { spec: { ...spec, witness: { ...spec.witness, address: "10.231.50.99" } } },
      { changes: true, replaces: ["spec"] },
    ],
    [
      "the endpoint address: replace (nor the VIP)",
      { spec: { ...spec, endpoint: { ...spec.endpoint, address: "10.231.50.199" } } },
      { changes: true, replaces: ["spec"] },
    ],
    [
      "nodes unknown (preview): replace",
      { spec: { ...spec, nodes: UNKNOWN_VALUE } },
      { changes: true, replaces: ["spec"] },
    ],
  ])("%s", async (_case, change, expected) => {
    const diff = await pairConfigurationHandler.diff("orders", state, { spec, hosts, ...change });
    expect({ changes: diff.changes, replaces: diff.replaces }).toEqual(expected);
    expect(diff.deleteBeforeReplace).toBe(true);
  });
});

describe("PairConfiguration diff of restoreFrom", () => {
  // It only seeds the first primary: changing it afterwards changes nothing on the hosts.
  const seeded = { ...state, spec: { ...spec, restoreFrom } };
  it.each([
    ["another time", { ...spec, restoreFrom: { ...restoreFrom, time: "2026-12-07T06:00:00Z" } }],
    ["another key", { ...spec, restoreFrom: { ...restoreFrom, cipherPass: wireSecret("other") } }],
    ["removed", spec],
  ])("%s: no change", async (_case, next) => {
    const diff = await pairConfigurationHandler.diff("orders", seeded, { spec: next, hosts });
    expect({ changes: diff.changes, replaces: diff.replaces }).toEqual({ changes: false, replaces: [] });
  });

  it("still sees other spec changes next to it", async () => {
    const next = { ...spec, restoreFrom, settings: { work_mem: "16MB" } };
    const diff = await pairConfigurationHandler.diff("orders", seeded, { spec: next, hosts });
    expect({ changes: diff.changes, replaces: diff.replaces }).toEqual({ changes: true, replaces: [] });
  });
});

describe("PairConfiguration create", () => {
  it("fails plainly (nothing recorded) when the hosts never answer SSH", async () => {
    const closed = wireSecret(
      ["n1", "n2", "w"].map((name) => ({
        name,
        host: "127.0.0.1",
        port: 1,
        privateKey: key,
        serviceManager: "detached",
      })),
    );
    const created = pairConfigurationHandler.create(
      { spec, hosts: closed, readyTimeoutSeconds: 1 },
      recordingContext().context,
    );
    await expect(created).rejects.toThrow(/^host (n1|n2|w) \(127\.0\.0\.1\) not ready after 1 s: /);
    await expect(created).rejects.not.toHaveProperty("id");
  });
});

describe("PairConfiguration delete", () => {
  it("tears down what it reaches and warns, host by host, about hosts that are gone", async () => {
    const secrets = generatePairSecrets("orders");
    // Port 1 on loopback refuses every connection: three hosts that are gone.
    const gone = wireSecret(
      ["n1", "n2", "w"].map((name) => ({
        name,
        host: "127.0.0.1",
        port: 1,
        privateKey: secrets.postgresSshPrivateKey.reveal(),
        serviceManager: "detached",
      })),
    );
    const { context, warnings } = recordingContext();
    await pairConfigurationHandler.delete(
      "orders",
      { ...state, hosts: gone, pairSecrets: wireSecret(JSON.stringify(revealPairSecrets(secrets))) },
      context,
    );
    expect(warnings).toEqual(
      ["n1", "n2", "w"].map(
        (member) =>
          `${member} (127.0.0.1) is unreachable (${member}: connect: host unreachable (ECONNREFUSED)): taken as gone, ` +
          "nothing of pair orders was removed there. If that host comes back, remove its pgaas services and files " +
          '(docs/operations.md, "Destroy with a dead node") or delete the host.',
      ),
    );
  }, 30_000);
});

describe("PairConfiguration pairSecrets input", () => {
  const running = revealPairSecrets(generatePairSecrets("orders"));
  const { backupCipherPass: _noBackups, ...beforeBackups } = running;
  const stateWith = (secrets: object) => ({ ...state, pairSecrets: wireSecret(JSON.stringify(secrets)) });
  const given = (secrets: object) => ({ spec, hosts, pairSecrets: wireSecret(JSON.stringify(secrets)) });
  const other = revealPairSecrets(generatePairSecrets("orders"));

  it("diff: the secrets the pair runs with are no change", async () => {
    const diff = await pairConfigurationHandler.diff("orders", stateWith(running), given(running));
    expect({ changes: diff.changes, replaces: diff.replaces }).toEqual({ changes: false, replaces: [] });
  });

  it("diff: secrets that only add what the state lacks (a backup key) are an update", async () => {
    const diff = await pairConfigurationHandler.diff("orders", stateWith(beforeBackups), given(running));
    expect({ changes: diff.changes, replaces: diff.replaces }).toEqual({ changes: true, replaces: [] });
  });

  it("diff: other secrets fail the preview with secrets_mismatch, naming fields, never values", async () => {
    const diff = pairConfigurationHandler.diff("orders", stateWith(running), given(other));
    await expect(diff).rejects.toMatchObject({
      code: "secrets_mismatch",
      message:
        "secrets_mismatch: pairSecrets differs from the secrets the pair runs with (superuserPassword, " +
        "repmgrPassword, adminPassword, postgresSshPrivateKey, postgresSshPublicKey, backupCipherPass, tlsCa); " +
        "applying it would rotate them on a live pair. Wire this pair's own PairSecrets (adopted from this " +
        "resource's pairSecrets output).",
    });
  });

  it("diff: secrets that drop one the pair runs with (its backup key) are a mismatch too", async () => {
    const diff = pairConfigurationHandler.diff("orders", stateWith(running), given(beforeBackups));
    await expect(diff).rejects.toThrow(/^secrets_mismatch: .* \(backupCipherPass\);/);
  });

  it("check: refuses pairSecrets that differ from the previous ones", async () => {
    const result = await pairConfigurationHandler.check(given(running), given(other));
    expect(result.failures?.map((failure) => failure.property)).toEqual(["pairSecrets"]);
    expect(result.failures?.[0]?.reason).toMatch(/^secrets_mismatch: /);
  });

  it("check: accepts the same secrets, first given secrets and unknown ones (preview)", async () => {
    expect((await pairConfigurationHandler.check(given(running), given(running))).failures).toEqual([]);
    expect((await pairConfigurationHandler.check({ spec, hosts }, given(other))).failures).toEqual([]);
    const unknown = { spec, hosts, pairSecrets: UNKNOWN_VALUE };
    expect((await pairConfigurationHandler.check(given(running), unknown)).failures).toEqual([]);
  });

  it("check: refuses pairSecrets that are not a pair's secrets", async () => {
    const result = await pairConfigurationHandler.check({}, { spec, hosts, pairSecrets: wireSecret("{}") });
    expect(result.failures?.map((failure) => failure.property)).toEqual(["pairSecrets"]);
  });
});
