import { describe, expect, it } from "vitest";
import { memberLayout } from "../src/layout.js";
import { FIXED_PARAMETERS, resolveSettings, sizedSettings } from "../src/settings.js";
import { type PairSpec, parsePairSpec } from "../src/spec.js";
import { SPEC_INPUT } from "./fixtures.js";

function settingsFor(
  settings: Record<string, string | number | boolean>,
  mode: "synchronous" | "asynchronous" = "synchronous",
) {
  const spec: PairSpec = parsePairSpec({ ...SPEC_INPUT, settings, replication: { mode } });
  const identity = {
    clusterName: "orders-n1",
    listenAddresses: ["10.40.0.11"],
    port: 5432,
    layout: memberLayout(spec, "n1"),
  };
  return resolveSettings(spec, identity);
}

describe("settings precedence", () => {
  it("sizes memory settings from the VM", () => {
    expect(sizedSettings(4096, 100)).toEqual({
      effective_cache_size: "3072MB",
      maintenance_work_mem: "204MB",
      shared_buffers: "1024MB",
      work_mem: "5MB",
    });
    expect(sizedSettings(256, 100)).toEqual({
      effective_cache_size: "192MB",
      maintenance_work_mem: "16MB",
      shared_buffers: "64MB",
      work_mem: "1MB",
    });
  });

  it("user settings override defaults and sizes; keys come out sorted", () => {
    const resolved = settingsFor({ shared_buffers: "2GB", wal_keep_size: "1GB", jit: false });
    expect(resolved.shared_buffers).toBe("2GB");
    expect(resolved.wal_keep_size).toBe("1GB");
    expect(resolved.jit).toBe("off");
    expect(Object.keys(resolved)).toEqual([...Object.keys(resolved)].sort());
  });

  it("fixed parameters win over defaults and keep the node's identity", () => {
    const resolved = settingsFor({});
    expect(resolved.wal_level).toBe("replica");
    expect(resolved.hot_standby).toBe("on");
    expect(resolved.wal_log_hints).toBe("on");
    expect(resolved.max_wal_senders).toBe("10");
    expect(resolved.shared_preload_libraries).toBe("repmgr,pg_stat_statements");
    expect(resolved.listen_addresses).toBe("10.40.0.11");
    expect(resolved.data_directory).toBe("/var/lib/pgaas/orders/n1/data");
    expect(resolved.synchronous_commit).toBe("on");
    expect(resolved.synchronous_standby_names).toBeUndefined();
  });

  it("lets users raise minimums and add libraries, never remove what replication needs", () => {
    const resolved = settingsFor({
      max_wal_senders: 20,
      shared_preload_libraries: "pg_stat_statements, repmgr",
      wal_level: "logical",
    });
    expect(resolved.max_wal_senders).toBe("20");
    expect(resolved.shared_preload_libraries).toBe("repmgr,pg_stat_statements");
    expect(resolved.wal_level).toBe("logical");
  });

  const rejected: [string, string | number | boolean, RegExp][] = [
    ["wal_level", "minimal", /setting wal_level cannot be set: streaming replication needs replica or more/],
    ["hot_standby", false, /setting hot_standby cannot be set/],
    ["max_wal_senders", 2, /setting max_wal_senders cannot be set: .*at least 10/],
    ["synchronous_commit", "off", /setting synchronous_commit cannot be set: in synchronous mode/],
    [
      "synchronous_standby_names",
      "*",
      /setting synchronous_standby_names cannot be set: managed at run time/,
    ],
    ["listen_addresses", "*", /setting listen_addresses cannot be set/],
    ["port", 6543, /setting port cannot be set/],
    ["data_directory", "/tmp", /setting data_directory cannot be set/],
    ["primary_conninfo", "host=x", /setting primary_conninfo cannot be set: written by repmgr/],
    ["fsync", "off", /setting fsync cannot be set/],
  ];
  it.each(rejected)("rejects %s=%s with an error naming it", (name, value, message) => {
    expect(() => settingsFor({ [name]: value })).toThrow(message);
  });

  it("allows synchronous_commit=off only in asynchronous mode", () => {
    expect(settingsFor({ synchronous_commit: "off" }, "asynchronous").synchronous_commit).toBe("off");
  });

  it("documents a reason for every fixed parameter", () => {
    for (const [name, rule] of Object.entries(FIXED_PARAMETERS))
      expect(rule.reason.length, name).toBeGreaterThan(10);
  });
});
