// Pure: the secret box seals with AES-256-GCM bound to its row.
import { randomBytes } from "node:crypto";
import { Secret } from "@pgaas/common";
import { describe, expect, it } from "vitest";
import { createSecretBox } from "../src/crypto/cipher.js";

describe("secrets and tokens", () => {
  it("seals with AES-256-GCM bound to its row", () => {
    const box = createSecretBox(randomBytes(32));
    const sealed = box.seal(new Secret("hunter2"), "pair-admin:1");
    expect(sealed.includes(Buffer.from("hunter2"))).toBe(false);
    expect(box.open(sealed, "pair-admin:1").reveal()).toBe("hunter2");
    expect(() => box.open(sealed, "pair-admin:2")).toThrow(
      "Unsupported state or unable to authenticate data",
    );
  });
});
