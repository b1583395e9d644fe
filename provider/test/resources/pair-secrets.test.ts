import { generatePairSecrets, revealPairSecrets } from "@pgaas/engine";
import { describe, expect, it } from "vitest";
import { UNKNOWN_VALUE, unwrapSecrets, wireSecret } from "../../src/plugin/wire-values.js";
import { pairSecretsHandler } from "../../src/resources/pair-secrets.js";
import { recordingContext } from "../support/resource-context.js";

const ctx = recordingContext().context;

function revealed(props: Record<string, unknown> | undefined) {
  return JSON.parse(String(unwrapSecrets(props?.pairSecrets)));
}

/** An existing pair's secrets as a PairConfiguration made before backups and TLS stored them. */
function legacySecrets() {
  const {
    backupCipherPass: _noBackups,
    tlsCa: _noTls,
    ...old
  } = revealPairSecrets(generatePairSecrets("orders"));
  return old;
}

describe("PairSecrets check", () => {
  it("accepts a pair name alone", async () => {
    expect(await pairSecretsHandler.check({}, { pairName: "orders" })).toEqual({
      inputs: { pairName: "orders" },
      failures: [],
    });
  });

  it.each([
    ["a bad pair name", { pairName: "Orders" }, "pairName"],
    ["a seed that is not JSON", { pairName: "orders", seed: wireSecret("{") }, "seed"],
    ["a seed that is not a pair's secrets", { pairName: "orders", seed: wireSecret("{}") }, "seed"],
  ])("refuses %s", async (_case, news, property) => {
    const { failures } = await pairSecretsHandler.check({}, news);
    expect(failures?.map((failure) => failure.property)).toEqual([property]);
  });

  it("names no value of a bad seed", async () => {
    const { failures } = await pairSecretsHandler.check(
      {},
      { pairName: "orders", seed: wireSecret("hunter2") },
    );
    expect(failures).toEqual([{ property: "seed", reason: "seed is not JSON" }]);
  });

  it("waits for an unknown seed", async () => {
    const { failures } = await pairSecretsHandler.check({}, { pairName: "orders", seed: UNKNOWN_VALUE });
    expect(failures).toEqual([]);
  });
});

describe("PairSecrets create", () => {
  it("generates every secret, the CA and the backup key included, as secrets", async () => {
    const created = await pairSecretsHandler.create({ pairName: "orders" }, ctx);
    expect(created.id).toBe("orders");
    const secrets = revealed(created.outs);
    expect(Object.keys(secrets).sort()).toEqual([
      "adminPassword",
      "backupCipherPass",
      "postgresSshPrivateKey",
      "postgresSshPublicKey",
      "repmgrPassword",
      "superuserPassword",
      "tlsCa",
    ]);
    expect(secrets.postgresSshPublicKey).toMatch(/^ssh-ed25519 \S+ pgaas-orders$/);
    expect(created.outs?.pairSecrets).toEqual(wireSecret(JSON.stringify(secrets)));
  });

  it("adopts a seed unchanged", async () => {
    const seed = revealPairSecrets(generatePairSecrets("orders"));
    const created = await pairSecretsHandler.create(
      { pairName: "orders", seed: wireSecret(JSON.stringify(seed)) },
      ctx,
    );
    expect(revealed(created.outs)).toEqual(seed);
    expect(created.outs?.seed).toEqual(wireSecret(JSON.stringify(seed)));
  });

  it("completes a seed from before backups and TLS, keeping every existing secret", async () => {
    const seed = legacySecrets();
    const created = await pairSecretsHandler.create(
      { pairName: "orders", seed: wireSecret(JSON.stringify(seed)) },
      ctx,
    );
    const secrets = revealed(created.outs);
    expect(secrets).toMatchObject(seed);
    expect(secrets.backupCipherPass).toMatch(/^[\w-]{64}$/);
    expect(secrets.tlsCa.certificate).toContain("BEGIN CERTIFICATE");
  });
});

describe("PairSecrets diff and update", () => {
  const secrets = revealPairSecrets(generatePairSecrets("orders"));
  const state = { pairName: "orders", pairSecrets: wireSecret(JSON.stringify(secrets)) };

  it("sees no change in another seed: owned secrets are never replaced by one", async () => {
    const seed = wireSecret(JSON.stringify(revealPairSecrets(generatePairSecrets("orders"))));
    const diff = await pairSecretsHandler.diff("orders", state, { pairName: "orders", seed });
    expect(diff).toEqual({ changes: false, replaces: [] });
  });

  it("replaces for another pair name", async () => {
    const diff = await pairSecretsHandler.diff("orders", state, { pairName: "orders2" });
    expect(diff).toEqual({ changes: true, replaces: ["pairName"] });
  });

  it("updates state that lacks the backup key or the CA, and only adds them", async () => {
    const old = legacySecrets();
    const olds = { pairName: "orders", pairSecrets: wireSecret(JSON.stringify(old)) };
    expect(await pairSecretsHandler.diff("orders", olds, { pairName: "orders" })).toEqual({
      changes: true,
      replaces: [],
    });
    const updated = await pairSecretsHandler.update("orders", olds, { pairName: "orders" }, ctx);
    const after = revealed(updated.outs);
    expect(after).toMatchObject(old);
    expect(Object.keys(after).sort()).toEqual([...Object.keys(old), "backupCipherPass", "tlsCa"].sort());
  });

  it("never rotates complete secrets", async () => {
    const updated = await pairSecretsHandler.update("orders", state, { pairName: "orders" }, ctx);
    expect(revealed(updated.outs)).toEqual(secrets);
  });

  it("reads back its state, the inputs without the output", async () => {
    const read = await pairSecretsHandler.read("orders", state, ctx);
    expect(read).toEqual({ id: "orders", props: state, inputs: { pairName: "orders" } });
  });
});
