import { describe, expect, it } from "vitest";
import { restorePairSnippet } from "../src/features/backups/restore-pair-snippet.js";

describe("restorePairSnippet", () => {
  it("is a PostgresPair with restoreFrom naming the source, the time and the source's key", () => {
    expect(restorePairSnippet("shop-eu", "2026-11-29T21:59:40.000Z").split("\n")).toEqual([
      'import { PostgresPair } from "@pgaas/sdk";',
      "",
      "// shop-eu stays in the program (its nodes may be gone): its pairSecrets hold the repository key.",
      'const shopEu = new PostgresPair("shop-eu", { /* unchanged */ });',
      "",
      'const restored = new PostgresPair("shop-eu-restored", {',
      "  // ...the new pair's hosts and networks, as for any pair",
      '  backup: { repository: { kind: "local" } }, // required, of shop-eu\'s repository kind',
      "  restoreFrom: {",
      '    repository: { kind: "local" }, // shop-eu\'s backup.repository',
      '    stanza: "shop-eu",',
      '    time: "2026-11-29T21:59:40.000Z",',
      "    cipherPass: shopEu.configuration.pairSecrets.apply((s) => JSON.parse(s).backupCipherPass),",
      "  },",
      "});",
    ]);
  });
});
