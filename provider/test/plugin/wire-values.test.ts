import { describe, expect, it } from "vitest";
import { typeOfUrn } from "../../src/plugin/provider.js";
import { checkConfigInputs, parseProviderConfig } from "../../src/plugin/provider-config.js";
import {
  containsUnknowns,
  sameValue,
  UNKNOWN_VALUE,
  unwrapSecrets,
  wireSecret,
  withoutUndefined,
} from "../../src/plugin/wire-values.js";

describe("wire values", () => {
  it("unwraps nested secrets and spots unknowns anywhere", () => {
    const value = { a: wireSecret({ b: [wireSecret("x")] }), c: 1 };
    expect(unwrapSecrets(value)).toEqual({ a: { b: ["x"] }, c: 1 });
    expect(containsUnknowns(value)).toBe(false);
    expect(containsUnknowns({ a: [wireSecret({ b: UNKNOWN_VALUE })] })).toBe(true);
  });

  it("drops undefined before the value becomes a protobuf Struct", () => {
    const value = { a: undefined, b: [1, undefined], c: { d: undefined, e: wireSecret("x") } };
    expect(withoutUndefined(value)).toEqual({ b: [1, null], c: { e: wireSecret("x") } });
    expect(Object.keys(withoutUndefined(value) as object)).toEqual(["b", "c"]);
  });

  it.each([
    [{ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }, true],
    [{ a: wireSecret("x") }, { a: "x" }, true],
    [{ a: 1, b: undefined }, { a: 1 }, true],
    [{ a: [1, 2] }, { a: [2, 1] }, false],
    [{ a: "1" }, { a: 1 }, false],
  ])("sameValue(%j, %j) = %s", (a, b, expected) => {
    expect(sameValue(a, b)).toBe(expected);
  });

  it.each([
    ["urn:pulumi:dev::shop::pgaas:index:Database::orders", "pgaas:index:Database"],
    ["urn:pulumi:dev::shop::pgaas:components:Database$pgaas:index:Database::orders", "pgaas:index:Database"],
  ])("typeOfUrn(%s) = %s", (urn, type) => {
    expect(typeOfUrn(urn)).toBe(type);
  });
});

describe("provider config", () => {
  it("prefers Configure's args, then its variables, then the environment", () => {
    const env = { PGAAS_CONTROL_PLANE_URL: "http://env:1", PGAAS_API_TOKEN: "env-token" };
    const fromArgs = parseProviderConfig(
      { controlPlaneUrl: "https://cp.example.org/", apiToken: wireSecret("t1") },
      new Map(),
      env,
    );
    expect([fromArgs.controlPlaneUrl, fromArgs.apiToken?.reveal()]).toEqual(["https://cp.example.org", "t1"]);
    const fromVariables = parseProviderConfig(
      {},
      new Map([["pgaas:config:controlPlaneUrl", "http://var:2"]]),
      env,
    );
    expect([fromVariables.controlPlaneUrl, fromVariables.apiToken?.reveal()]).toEqual([
      "http://var:2",
      "env-token",
    ]);
    const none = parseProviderConfig({}, new Map(), {});
    expect(none).toEqual({ controlPlaneUrl: undefined, apiToken: undefined });
    // An empty environment variable is unset, not an empty (invalid) value.
    const emptyEnv = parseProviderConfig({}, new Map(), { PGAAS_CONTROL_PLANE_URL: "", PGAAS_API_TOKEN: "" });
    expect(emptyEnv).toEqual({ controlPlaneUrl: undefined, apiToken: undefined });
  });

  it("never prints the token and names a bad URL", () => {
    const config = parseProviderConfig({ apiToken: "s3cret" }, new Map(), {});
    expect(JSON.stringify(config)).toBe('{"apiToken":"[redacted]"}');
    expect(() => parseProviderConfig({ controlPlaneUrl: "cp.example.org" }, new Map(), {})).toThrow(
      "invalid provider configuration: pgaas:controlPlaneUrl must be an http(s) URL, e.g. https://pgaas.example.org",
    );
    expect(checkConfigInputs({ controlPlaneUrl: "", apiToken: wireSecret("t") })).toEqual([]);
  });

  it("names an unknown key, suggests the one meant and accepts the engine's own inputs", () => {
    expect(
      checkConfigInputs({ controlPlaneURL: "http://cp:8080", apiTokn: "t", region: "x", version: "0.1.0" }),
    ).toEqual([
      {
        property: "controlPlaneURL",
        reason:
          "pgaas:controlPlaneURL is not a pgaas setting; did you mean pgaas:controlPlaneUrl? `pulumi config rm pgaas:controlPlaneURL` and set pgaas:controlPlaneUrl instead",
      },
      {
        property: "apiTokn",
        reason:
          "pgaas:apiTokn is not a pgaas setting; did you mean pgaas:apiToken? `pulumi config rm pgaas:apiTokn` and set pgaas:apiToken instead",
      },
      {
        property: "region",
        reason:
          "pgaas:region is not a pgaas setting; the provider's settings are pgaas:controlPlaneUrl and pgaas:apiToken: `pulumi config rm pgaas:region`",
      },
    ]);
    expect(
      checkConfigInputs({ controlPlaneUrl: "http://cp:8080", version: "0.1.0", pluginDownloadURL: "" }),
    ).toEqual([]);
  });
});
