// The lab's client key pair (authorized for root on every lab host) and each host's sshd host key.
import { access, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Secret } from "@pgaas/common";
import { hostKeyFingerprint } from "../ssh/connect.js";
import { runLocalChecked, TOOLS } from "./system.js";

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Generates an ed25519 key at `path` (+ `.pub`) unless one is there. */
export async function ensureKeyPair(path: string, comment: string): Promise<void> {
  if (await exists(path)) return;
  await runLocalChecked([TOOLS.sshKeygen, "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path]);
}

export interface LabKey {
  readonly privateKey: Secret;
  readonly authorizedKeysFile: string;
}

/** The lab's client key and an authorized_keys file holding it. */
export async function ensureLabKey(stateDir: string): Promise<LabKey> {
  const path = join(stateDir, "id_ed25519");
  await ensureKeyPair(path, "pgaas-lab");
  const authorizedKeysFile = join(stateDir, "authorized_keys");
  await writeFile(authorizedKeysFile, await readFile(`${path}.pub`, "utf8"), { mode: 0o600 });
  return { privateKey: new Secret(await readFile(path, "utf8")), authorizedKeysFile };
}

/** SHA-256 fingerprint (OpenSSH's, without "SHA256:") of a `.pub` file. */
export async function publicKeyFingerprint(pubPath: string): Promise<string> {
  const [, blob] = (await readFile(pubPath, "utf8")).trim().split(/\s+/);
  if (!blob) throw new Error(`${pubPath} is not an OpenSSH public key`);
  return hostKeyFingerprint(Buffer.from(blob, "base64"));
}
