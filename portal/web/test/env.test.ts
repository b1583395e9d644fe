import { describe, expect, it } from "vitest";
import { parseEnv } from "../src/config/env.js";

describe("parseEnv", () => {
  it("defaults to same-origin calls and the last hour", () => {
    expect(parseEnv({ MODE: "production" })).toEqual({
      VITE_PGAAS_API_BASE: "",
      VITE_PGAAS_DEFAULT_RANGE_HOURS: 1,
    });
  });

  it("accepts an origin or a path prefix", () => {
    expect(parseEnv({ VITE_PGAAS_API_BASE: "http://127.0.0.1:8080" }).VITE_PGAAS_API_BASE).toBe(
      "http://127.0.0.1:8080",
    );
    expect(parseEnv({ VITE_PGAAS_API_BASE: "/pgaas", VITE_PGAAS_DEFAULT_RANGE_HOURS: "6" })).toEqual({
      VITE_PGAAS_API_BASE: "/pgaas",
      VITE_PGAAS_DEFAULT_RANGE_HOURS: 6,
    });
  });

  it("names each bad variable", () => {
    expect(() => parseEnv({ VITE_PGAAS_API_BASE: "http://x/", VITE_PGAAS_DEFAULT_RANGE_HOURS: "0" })).toThrow(
      "Invalid portal build settings:\nVITE_PGAAS_API_BASE: VITE_PGAAS_API_BASE must be empty, an origin like http://host:8080, or a path like /api\nVITE_PGAAS_DEFAULT_RANGE_HOURS: Too small: expected number to be >=1",
    );
  });
});
