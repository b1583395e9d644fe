// The one way tests reach a pair's PostgreSQL: the pair CA with verify-full, never relaxed.
import { generatePairSecrets } from "@pgaas/engine";
import { describe, expect, it } from "vitest";
import { pairSsl, pairUriConfig } from "../src/pair-tls.js";

const CA = "-----BEGIN CERTIFICATE-----\nMIIBpair\n-----END CERTIFICATE-----\n";

describe("pair TLS options", () => {
  it("gives the pair CA from its secrets or its certificate, and refuses a pair without one", () => {
    const secrets = generatePairSecrets("tlsfix");
    expect(pairSsl(secrets)).toEqual({ ca: secrets.tlsCa?.certificate });
    expect(pairSsl(CA)).toEqual({ ca: CA });
    expect(() => pairSsl({ ...secrets, tlsCa: undefined })).toThrow("the pair has no CA");
  });

  it("replaces a handed-out URI's sslmode=verify-full with the pair CA and keeps the rest", () => {
    expect(pairUriConfig("postgresql://shop:p%40ss@10.0.0.10:5432/shop?sslmode=verify-full", CA)).toEqual({
      connectionString: "postgresql://shop:p%40ss@10.0.0.10:5432/shop",
      ssl: { ca: CA },
    });
    expect(() => pairUriConfig("postgresql://shop:pw@10.0.0.10:5432/shop", CA)).toThrow("verify-full");
    expect(() => pairUriConfig("postgresql://shop:pw@10.0.0.10:5432/shop?sslmode=require", CA)).toThrow(
      "verify-full",
    );
  });
});
