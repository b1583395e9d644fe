// PostgreSQL's units in parameter values: `30s` for statement_timeout, `64MB` for work_mem.
import { describe, expect, it } from "vitest";
import { checkParameter, DATABASE_PARAMETERS } from "../src/wire/managed-parameters.js";

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
      { ok: true, text: "30000" },
      { ok: true, text: "90000" },
      { ok: true, text: "250" },
      { ok: true, text: "65536" },
      { ok: true, text: "1048576" },
      { ok: true, text: "4096" },
    ]);
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
