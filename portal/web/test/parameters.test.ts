import type { ParameterSpecView } from "@pgaas/api";
import { describe, expect, it } from "vitest";
import {
  describeDefault,
  describeRange,
  displayValue,
  pairSettingsChanges,
  parseParameterInput,
  settingsChanges,
} from "../src/lib/parameters.js";

const workMem: ParameterSpecView = {
  name: "work_mem",
  type: "integer",
  min: 64,
  max: 2_097_152,
  unit: "kB",
  restart: false,
  description: "Memory per sort.",
};
const jit: ParameterSpecView = { name: "jit", type: "bool", restart: false, description: "JIT compilation." };
const logLevel: ParameterSpecView = {
  name: "log_min_duration_sample_rate",
  type: "real",
  min: 0,
  max: 1,
  restart: false,
  description: "Sample rate.",
};
const isolation: ParameterSpecView = {
  name: "default_transaction_isolation",
  type: "enum",
  values: ["read committed", "repeatable read", "serializable"],
  restart: false,
  description: "Isolation.",
};

describe("parseParameterInput", () => {
  it("accepts values in range with the right type", () => {
    expect(parseParameterInput(workMem, " 4096 ")).toEqual({ ok: true, value: 4096 });
    expect(parseParameterInput(jit, "off")).toEqual({ ok: true, value: false });
    expect(parseParameterInput(logLevel, "0.25")).toEqual({ ok: true, value: 0.25 });
    expect(parseParameterInput(isolation, "serializable")).toEqual({ ok: true, value: "serializable" });
  });

  it("reads units and rounds as PostgreSQL does, and sends the base unit", () => {
    expect(parseParameterInput(workMem, "4MB")).toEqual({ ok: true, value: 4096 });
    expect(parseParameterInput(workMem, "1.5 MB")).toEqual({ ok: true, value: 1536 });
    // An integer parameter rounds to the nearest base unit, halves to even (C's rint).
    expect(parseParameterInput(workMem, "64.5")).toEqual({ ok: true, value: 64 });
    expect(parseParameterInput(workMem, "65.5")).toEqual({ ok: true, value: 66 });
    expect(parseParameterInput(workMem, "100.4")).toEqual({ ok: true, value: 100 });
  });

  it("names the rule a value breaks", () => {
    const range = "must be between 64 and 2097152 (kB)";
    expect(parseParameterInput(workMem, "10")).toEqual({ ok: false, error: range });
    expect(parseParameterInput(workMem, "9999999")).toEqual({ ok: false, error: range });
    expect(parseParameterInput(workMem, "4mb")).toEqual({
      ok: false,
      error: 'unknown unit "mb": use B, kB, MB, GB, TB',
    });
    expect(parseParameterInput(logLevel, "2")).toEqual({ ok: false, error: "must be between 0 and 1" });
    expect(parseParameterInput(logLevel, "x")).toEqual({ ok: false, error: "must be a number" });
    expect(parseParameterInput(jit, "maybe")).toEqual({ ok: false, error: "must be true or false" });
    expect(parseParameterInput(isolation, "chaos")).toEqual({
      ok: false,
      error: "must be one of: read committed, repeatable read, serializable",
    });
    expect(parseParameterInput(jit, "")).toEqual({
      ok: false,
      error: "enter a value or reset to the default",
    });
  });
});

describe("describeRange and displayValue", () => {
  it("describes each type", () => {
    expect(describeRange(workMem)).toBe("64 – 2097152 kB");
    expect(describeRange(jit)).toBe("on or off");
    expect(describeRange(isolation)).toBe("one of read committed, repeatable read, serializable");
    expect(describeRange({ ...logLevel, max: undefined })).toBe("at least 0");
  });

  it("shows booleans as on/off", () => {
    expect(displayValue(true)).toBe("on");
    expect(displayValue(false)).toBe("off");
    expect(displayValue(1024)).toBe("1024");
    expect(displayValue(undefined)).toBe("");
  });

  it("writes a quantity as PostgreSQL's SHOW does when it knows the spec", () => {
    const timeout = { ...workMem, name: "statement_timeout", unit: "ms", min: 0 };
    const buffers = { ...workMem, name: "shared_buffers", unit: "8kB" };
    expect(displayValue(65_536, workMem)).toBe("64MB");
    expect(displayValue(1000, workMem)).toBe("1000kB");
    expect(displayValue(30_000, timeout)).toBe("30s");
    expect(displayValue(90_000, timeout)).toBe("90s");
    expect(displayValue(86_400_000, timeout)).toBe("1d");
    expect(displayValue(0, timeout)).toBe("0");
    expect(displayValue(-1, timeout)).toBe("-1");
    expect(displayValue(16_384, buffers)).toBe("128MB");
    expect(displayValue(3, buffers)).toBe("24kB");
    expect(displayValue(0.25, logLevel)).toBe("0.25");
  });

  it("says what the server default is", () => {
    const timeout = { ...workMem, name: "statement_timeout", unit: "ms", min: 0, default: 0 };
    expect(describeDefault(timeout, undefined)).toBe("0");
    expect(describeDefault(timeout, 60_000)).toBe("1min, set for the pair");
    expect(describeDefault({ ...jit, default: true }, undefined)).toBe("on");
    expect(describeDefault(workMem, undefined)).toBe("sized from the server's memory");
  });
});

describe("settingsChanges", () => {
  const catalog = [workMem, jit, isolation];

  it("sends only what changed, null for a reset", () => {
    const current = { work_mem: 4096, jit: true };
    const draft = { work_mem: "8192", jit: "", default_transaction_isolation: "" };
    expect(settingsChanges(catalog, current, draft)).toEqual({
      ok: true,
      changes: { work_mem: 8192, jit: null },
    });
  });

  it("sends nothing when the draft equals the stored values", () => {
    expect(settingsChanges(catalog, { jit: false }, { jit: "off" })).toEqual({ ok: true, changes: {} });
    expect(settingsChanges(catalog, { work_mem: 4096 }, { work_mem: "4MB" })).toEqual({
      ok: true,
      changes: {},
    });
  });

  it("reports every invalid field", () => {
    expect(settingsChanges(catalog, {}, { work_mem: "1", default_transaction_isolation: "x" })).toEqual({
      ok: false,
      errors: {
        work_mem: "must be between 64 and 2097152 (kB)",
        default_transaction_isolation: "must be one of: read committed, repeatable read, serializable",
      },
    });
  });
});

describe("pairSettingsChanges", () => {
  const catalog = [workMem, jit];

  it("passes set values through", () => {
    expect(pairSettingsChanges(catalog, { jit: true }, { work_mem: "2048", jit: "on" })).toEqual({
      ok: true,
      changes: { work_mem: 2048 },
    });
  });

  it("refuses to clear a value (the API only sets)", () => {
    expect(pairSettingsChanges(catalog, { jit: true }, { jit: "" })).toEqual({
      ok: false,
      errors: { jit: "cannot be cleared here; enter the value you want" },
    });
  });
});
