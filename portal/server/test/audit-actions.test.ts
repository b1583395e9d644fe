// Every action the audit log records has a readable name, and no name is left for a route that is gone.
import { AUDIT_ACTION_LABELS, auditActionLabel, ROUTES } from "@pgaas/api";
import { describe, expect, it } from "vitest";

describe("audit action labels", () => {
  it("name exactly the audited routes (every write but the agent's high-volume report)", () => {
    const audited = ROUTES.filter((route) => route.method !== "get" && route.id !== "agentReport")
      .map((route) => route.id)
      .sort();
    expect(Object.keys(AUDIT_ACTION_LABELS).sort()).toEqual(audited);
  });

  it("fall back to the id for an action without a name", () => {
    expect([auditActionLabel("deleteUser"), auditActionLabel("somethingNew")]).toEqual([
      "Delete user",
      "somethingNew",
    ]);
  });
});
