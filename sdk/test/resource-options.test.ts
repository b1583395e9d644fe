import { PGAAS_VERSION } from "@pgaas/common/wire";
import { describe, expect, it } from "vitest";
import { pgaasResourceOptions } from "../src/native/resource-options.js";

describe("pgaasResourceOptions", () => {
  it("pins the plugin version and marks the resource's secret outputs", () => {
    expect(pgaasResourceOptions({}, ["adminPassword"])).toEqual({
      version: PGAAS_VERSION,
      additionalSecretOutputs: ["adminPassword"],
    });
  });

  it("keeps the caller's options and adds to their secret outputs instead of replacing them", () => {
    expect(
      pgaasResourceOptions({ version: "0.2.0", protect: true, additionalSecretOutputs: ["name"] }, [
        "ownerPassword",
        "connectionUri",
      ]),
    ).toEqual({
      version: "0.2.0",
      protect: true,
      additionalSecretOutputs: ["name", "ownerPassword", "connectionUri"],
    });
  });
});
