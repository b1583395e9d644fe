// Pure: recognisable high-entropy tokens and SCRAM verifiers.
import { Secret } from "@pgaas/common";
import { describe, expect, it } from "vitest";
import { scramVerifier } from "../src/crypto/scram.js";
import { newToken, tokenKind } from "../src/crypto/tokens.js";

describe("secrets and tokens", () => {
  it("makes recognisable high-entropy tokens and SCRAM verifiers", () => {
    const token = newToken("agent").reveal();
    expect([tokenKind(token), tokenKind(`${token}x`), tokenKind("pgaas_api_short")]).toEqual([
      "agent",
      undefined,
      undefined,
    ]);
    // Format only; the API story (api/databases.ts) proves PostgreSQL accepts it (the owner logs in
    // with the password).
    expect(scramVerifier(new Secret("secret"), Buffer.alloc(16, 1))).toMatch(
      /^SCRAM-SHA-256\$4096:AQEBAQEBAQEBAQEBAQEBAQ==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/,
    );
  });
});
