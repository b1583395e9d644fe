import { describe, expect, it } from "vitest";
import { PLUGIN_VERSION } from "../src/native/plugin-version.js";
import { pgaasResourceOptions } from "../src/native/resource-options.js";

describe("pgaasResourceOptions", () => {
  it("pins the plugin version and marks the resource's secret outputs", () => {
    expect(pgaasResourceOptions({}, ["adminPassword"])).toEqual({
      version: PLUGIN_VERSION,
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
