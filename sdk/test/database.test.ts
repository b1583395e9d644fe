import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { EXISTING_DATABASE, installMocks, type MockRegistry, resolved } from "./support/pulumi-mocks.js";

describe("Database component", () => {
  let registry: MockRegistry;

  beforeAll(async () => {
    registry = await installMocks({ preview: false });
  });

  it("creates one provider Database with deletion protection on by default, outputs secret", async () => {
    const { Database } = await import("../src/database.js");
    const db = new Database("orders", { pairId: "pair-1", settings: { work_mem: "16MB" } });
    expect(await resolved(db.connectionUri)).toBe("postgresql://orders:owner-pw@10.0.0.10:5432/orders");
    await registry.settle();
    expect(registry.counts()).toEqual({ "pgaas:components:Database": 1, "pgaas:index:Database": 1 });
    expect(registry.named("pgaas:index:Database", "orders").inputs).toEqual({
      pairId: "pair-1",
      name: "orders",
      settings: { work_mem: "16MB" },
      deletionProtection: true,
    });
    expect(await resolved(db.owner)).toBe("orders");
    expect(await pulumi.isSecret(db.connectionUri)).toBe(true);
    expect(await pulumi.isSecret(db.ownerPassword)).toBe(true);
  });

  it("get reads an existing database by id: one provider Database read, nothing created", async () => {
    const { Database } = await import("../src/database.js");
    const before = registry.resources.length;
    const db = Database.get("billing", "db-7");
    expect(await resolved(db.databaseName)).toBe(EXISTING_DATABASE.name);
    expect(await resolved(db.owner)).toBe(EXISTING_DATABASE.owner);
    await registry.settle();
    const added = registry.resources.slice(before);
    expect(added.map((resource) => [resource.type, resource.name, resource.readId])).toEqual([
      ["pgaas:components:Database", "billing", undefined],
      ["pgaas:index:Database", "billing", "db-7"],
    ]);
  });
});
