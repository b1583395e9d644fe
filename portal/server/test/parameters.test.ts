// Pure: parameter validation against the whitelist, PostgreSQL's units, and the reserved names.
import { NotReservedName } from "@pgaas/api";
import { InputError } from "@pgaas/common";
import { DATABASE_PARAMETERS } from "@pgaas/common/wire";
import { describe, expect, it } from "vitest";
import { keptValues, validateParameters } from "../src/services/parameters.js";

describe("parameters", () => {
  it("accepts whitelisted values and renders PostgreSQL text", () => {
    expect(
      validateParameters(DATABASE_PARAMETERS, {
        jit: true,
        work_mem: 4096,
        random_page_cost: 1.1,
        default_transaction_isolation: "serializable",
      }),
    ).toEqual([
      ["default_transaction_isolation", "serializable", "serializable"],
      ["jit", "on", true],
      ["random_page_cost", "1.1", 1.1],
      ["work_mem", "4096", 4096],
    ]);
  });

  it("takes PostgreSQL's units and sends and keeps the value in the base unit", () => {
    const accepted = validateParameters(DATABASE_PARAMETERS, { statement_timeout: "30s", work_mem: "64MB" });
    expect(accepted).toEqual([
      ["statement_timeout", "30000", 30_000],
      ["work_mem", "65536", 65_536],
    ]);
    expect(keptValues(accepted)).toEqual({ statement_timeout: 30_000, work_mem: 65_536 });
  });

  it("names every refused parameter", () => {
    try {
      validateParameters(DATABASE_PARAMETERS, {
        work_mem: 1.5,
        default_transaction_isolation: "chaos",
        "x'--": 1,
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).details).toEqual({
        settings: {
          default_transaction_isolation:
            "must be one of: read uncommitted, read committed, repeatable read, serializable",
          work_mem: "must be an integer",
          "x'--": "not a parameter you may change",
        },
      });
    }
  });

  it.each(["postgres", "template1", "pg_x", "repmgr", "pgaas_admin", "public", "user"])(
    "reserves %s",
    (name) => {
      expect(NotReservedName.safeParse(name).success).toBe(false);
    },
  );
});
