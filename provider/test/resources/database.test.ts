import { describe, expect, it } from "vitest";
import { UNKNOWN_VALUE, wireSecret } from "../../src/plugin/wire-values.js";
import {
  apiSettingValue,
  databaseHandler,
  diffDatabase,
  settingsPatch,
} from "../../src/resources/database.js";

const state = {
  pairId: "11111111-2222-4333-8444-555555555555",
  name: "shop",
  owner: "shop",
  settings: { work_mem: "8192" },
  connectionLimit: -1,
  deletionProtection: true,
  ownerPassword: wireSecret("pw"),
  connectionUri: wireSecret("postgresql://shop:pw@h/shop"),
};
const inputs = {
  pairId: state.pairId,
  name: "shop",
  settings: { work_mem: "8192" },
  connectionLimit: -1,
  deletionProtection: true,
};

describe("diffDatabase", () => {
  it.each([
    ["nothing changed", {}, { changes: false, replaces: [], deleteBeforeReplace: false }],
    [
      "a setting",
      { settings: { work_mem: "16384" } },
      { changes: true, replaces: [], deleteBeforeReplace: false },
    ],
    ["a setting removed", { settings: {} }, { changes: true, replaces: [], deleteBeforeReplace: false }],
    [
      "the connection limit",
      { connectionLimit: 10 },
      { changes: true, replaces: [], deleteBeforeReplace: false },
    ],
    [
      "deletion protection",
      { deletionProtection: false },
      { changes: true, replaces: [], deleteBeforeReplace: false },
    ],
    [
      "the name (owner follows)",
      { name: "shop2" },
      { changes: true, replaces: ["name", "owner"], deleteBeforeReplace: false },
    ],
    [
      "the name, owner pinned",
      { name: "shop2", owner: "shop" },
      { changes: true, replaces: ["name"], deleteBeforeReplace: false },
    ],
    ["the owner only", { owner: "app" }, { changes: true, replaces: ["owner"], deleteBeforeReplace: true }],
    [
      "the pair",
      { pairId: "99999999-2222-4333-8444-555555555555" },
      { changes: true, replaces: ["pairId"], deleteBeforeReplace: false },
    ],
    [
      "a name not known yet (preview)",
      { name: UNKNOWN_VALUE },
      { changes: true, replaces: ["name", "owner"], deleteBeforeReplace: false },
    ],
  ])("%s", (_case, change, expected) => {
    expect(diffDatabase(state, { ...inputs, ...change })).toEqual(expected);
  });
});

describe("settingsPatch", () => {
  it.each([
    [{ work_mem: "8192" }, { work_mem: "8192" }, {}],
    [{ work_mem: "8192" }, { work_mem: "16384" }, { work_mem: 16384 }],
    [{ work_mem: "8192", jit: "true" }, { work_mem: "8192" }, { jit: null }],
    [
      {},
      { jit: "off", default_transaction_isolation: "serializable" },
      { jit: false, default_transaction_isolation: "serializable" },
    ],
  ])("%j → %j patches %j", (from, to, patch) => {
    expect(settingsPatch(from, to)).toEqual(patch);
  });
});

describe("apiSettingValue", () => {
  it.each([
    ["work_mem", "8192", 8192],
    ["work_mem", "8MB", "8MB"],
    ["random_page_cost", "1.1", 1.1],
    ["jit", "on", true],
    ["jit", "false", false],
    ["jit", "maybe", "maybe"],
    ["default_transaction_isolation", "serializable", "serializable"],
    ["not_a_parameter", "42", "42"],
  ])("%s=%s → %j", (name, value, expected) => {
    expect(apiSettingValue(name, value)).toEqual(expected);
  });
});

describe("Database check", () => {
  it("fills defaults, canonicalises settings and names each bad input", async () => {
    const result = await databaseHandler.check(
      {},
      { pairId: "not-a-uuid", name: "Shop", settings: { jit: "on" }, connectionLimit: -5 },
    );
    expect(result.inputs).toEqual({
      pairId: "not-a-uuid",
      name: "Shop",
      settings: { jit: "true" },
      connectionLimit: -5,
      deletionProtection: true,
    });
    expect(result.failures?.map((failure) => failure.property)).toEqual([
      "pairId",
      "name",
      "connectionLimit",
    ]);
  });

  it("does not fail on values still unknown in preview", async () => {
    const result = await databaseHandler.check({}, { pairId: UNKNOWN_VALUE, name: "shop" });
    expect(result.failures).toEqual([]);
  });
});
