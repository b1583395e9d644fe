// PostgreSQL's units in parameter values: `30s` for statement_timeout, `64MB` for work_mem.
import { describe, expect, it } from "vitest";
import {
  checkParameter,
  DATABASE_PARAMETERS,
  formatQuantity,
  parseQuantity,
} from "../src/wire/managed-parameters.js";

const spec = (name: string) => {
  const found = DATABASE_PARAMETERS.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no spec ${name}`);
  return found;
};

describe("parameter values with units", () => {
  it("converts times and sizes to the parameter's base unit, as PostgreSQL does", () => {
    expect([
      checkParameter(spec("statement_timeout"), "30s"),
      checkParameter(spec("statement_timeout"), "1.5min"),
      checkParameter(spec("statement_timeout"), "250"),
      checkParameter(spec("work_mem"), "64MB"),
      checkParameter(spec("work_mem"), "1 GB"),
      checkParameter(spec("work_mem"), 4096),
    ]).toEqual([
      { ok: true, text: "30000", value: 30_000 },
      { ok: true, text: "90000", value: 90_000 },
      { ok: true, text: "250", value: 250 },
      { ok: true, text: "65536", value: 65_536 },
      { ok: true, text: "1048576", value: 1_048_576 },
      { ok: true, text: "4096", value: 4096 },
    ]);
  });

  it("rounds like PostgreSQL: a unit's fraction to the next smaller unit, then halves to even", () => {
    const timeout = spec("statement_timeout");
    const workMem = spec("work_mem");
    expect([
      parseQuantity(timeout, "1500us"),
      parseQuantity(timeout, "2500us"),
      parseQuantity(timeout, "100.5"),
      parseQuantity(timeout, "1e3"),
      parseQuantity(workMem, "0.1GB"),
      parseQuantity(workMem, "66048B"),
      parseQuantity(spec("random_page_cost"), "1.25"),
      parseQuantity(spec("random_page_cost"), "1kB"),
    ]).toEqual([
      { ok: true, value: 2 },
      { ok: true, value: 2 },
      { ok: true, value: 100 },
      { ok: true, value: 1000 },
      { ok: true, value: 104_448 },
      { ok: true, value: 64 },
      { ok: true, value: 1.25 },
      { ok: false, reason: "takes no unit" },
    ]);
  });

  it("writes a value as SHOW does, in the largest unit that divides it", () => {
    expect([
      formatQuantity(spec("statement_timeout"), 90_000),
      formatQuantity(spec("statement_timeout"), 3_600_000),
      formatQuantity(spec("statement_timeout"), 1500),
      formatQuantity(spec("statement_timeout"), 0),
      formatQuantity(spec("work_mem"), 1_048_576),
      formatQuantity(spec("random_page_cost"), 4),
    ]).toEqual(["90s", "1h", "1500ms", "0", "1GB", "4"]);
  });

  it("says which rule a refused value breaks", () => {
    expect([
      checkParameter(spec("statement_timeout"), "30 sec"),
      checkParameter(spec("statement_timeout"), "2d"),
      checkParameter(spec("work_mem"), "64mb"),
      checkParameter(spec("work_mem"), "lots"),
      checkParameter(spec("statement_timeout"), "30MB"),
    ]).toEqual([
      { ok: false, reason: 'unknown unit "sec": use us, ms, s, min, h, d' },
      { ok: false, reason: "must be between 0 and 86400000 (ms)" },
      { ok: false, reason: 'unknown unit "mb": use B, kB, MB, GB, TB' },
      { ok: false, reason: "must be a number, with a unit such as 64MB" },
      { ok: false, reason: 'unknown unit "MB": use us, ms, s, min, h, d' },
    ]);
  });
});
