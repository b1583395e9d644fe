// AES-256-GCM for secrets the control plane must use later (pair admin passwords, pending access
// credentials). Layout: 12-byte nonce | 16-byte tag | ciphertext. The AAD binds a ciphertext to its
// row, so a value copied to another row does not decrypt.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { Secret } from "@pgaas/common";

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface SecretBox {
  seal(plain: Secret, context: string): Buffer;
  open(sealed: Buffer, context: string): Secret;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new TypeError("AES-256-GCM needs a 32-byte key");
  return {
    seal(plain, context) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, nonce);
      cipher.setAAD(Buffer.from(context, "utf8"));
      const body = Buffer.concat([cipher.update(plain.reveal(), "utf8"), cipher.final()]);
      return Buffer.concat([nonce, cipher.getAuthTag(), body]);
    },
    open(sealed, context) {
      const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(0, NONCE_BYTES));
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(sealed.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(sealed.subarray(NONCE_BYTES + TAG_BYTES)),
        decipher.final(),
      ]);
      return new Secret(plain.toString("utf8"));
    },
  };
}
