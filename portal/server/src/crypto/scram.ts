// Builds a SCRAM-SHA-256 verifier like libpq's PQencryptPasswordConn, so `CREATE ROLE … PASSWORD`
// never carries a plaintext password (it would show up in server logs with log_statement).
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import type { Secret } from "@pgaas/common";

const ITERATIONS = 4096;

export function scramVerifier(password: Secret, salt: Buffer = randomBytes(16)): string {
  const salted = pbkdf2Sync(password.reveal().normalize("NFKC"), salt, ITERATIONS, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${ITERATIONS}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}
