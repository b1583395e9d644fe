// What `npm start` keeps between runs, under one folder (/var/lib/pgaas-stack by default):
// stack.json (ports, names: nothing secret), secret.key (0600, the AES-256-GCM key the control plane
// also uses), secrets.sealed (the demo's credentials, sealed with that key), and two 0600 files a
// process or a person reads: store-password (the control plane's store role) and admin-password
// (the first admin's, for the person who started the stack).
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Secret } from "@pgaas/common";
import { createSecretBox } from "@pgaas/portal";
import { z } from "zod";

export const StackRecord = z.object({
  version: z.literal(1),
  storePort: z.number().int(),
  portalPort: z.number().int(),
  prefix: z.string(),
  subnet: z.string(),
  pairName: z.string(),
  adminEmail: z.string(),
});
export type StackRecord = z.infer<typeof StackRecord>;

export const StackSecrets = z.object({
  /** The store's superuser (`postgres`): setup only, never given to the control plane. */
  storePassword: z.string(),
  /** The control plane's least-privilege store role. */
  portalStorePassword: z.string().optional(),
  adminPassword: z.string(),
  apiToken: z.string().optional(),
  pairSecrets: z.string().optional(),
  agentTokens: z.record(z.string(), z.string()).optional(),
  pairId: z.string().optional(),
});
export type StackSecrets = z.infer<typeof StackSecrets>;

const SEAL_CONTEXT = "pgaas-stack-secrets-v1";

export interface StackPaths {
  readonly root: string;
  readonly record: string;
  readonly secretKey: string;
  readonly secrets: string;
  readonly store: string;
  readonly lab: string;
  readonly portalPid: string;
  readonly portalLog: string;
  readonly storePasswordFile: string;
  readonly adminPasswordFile: string;
  /** The control plane's local CA and server certificate (keys 0600): see ensureControlPlaneTls. */
  readonly tls: string;
}

export function stackPaths(root: string): StackPaths {
  return {
    root,
    record: join(root, "stack.json"),
    secretKey: join(root, "secret.key"),
    secrets: join(root, "secrets.sealed"),
    store: join(root, "store"),
    lab: join(root, "lab"),
    portalPid: join(root, "portal.pid"),
    portalLog: join(root, "portal.log"),
    storePasswordFile: join(root, "store-password"),
    adminPasswordFile: join(root, "admin-password"),
    tls: join(root, "tls"),
  };
}

async function writeAtomic(path: string, content: string | Buffer, mode: number): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, content, { mode });
  await rename(temp, path);
}

/** A secret for a process or a person to read: only root can (0600), replaced atomically. */
export async function writeSecretFile(path: string, secret: Secret): Promise<void> {
  await writeAtomic(path, `${secret.reveal()}\n`, 0o600);
}

/** The 32-byte key, created on first use (base64 in a 0600 file, the format PGAAS_SECRET_KEY_FILE reads). */
export async function ensureSecretKey(paths: StackPaths): Promise<Buffer> {
  // Traversable (not listable) by others: the store's directory inside belongs to the postgres user.
  await mkdir(paths.root, { recursive: true });
  await chmod(paths.root, 0o711);
  if (!existsSync(paths.secretKey)) {
    await writeAtomic(paths.secretKey, `${randomBytes(32).toString("base64")}\n`, 0o600);
  }
  return Buffer.from((await readFile(paths.secretKey, "utf8")).trim(), "base64");
}

export async function readRecord(paths: StackPaths): Promise<StackRecord | undefined> {
  if (!existsSync(paths.record)) return undefined;
  return StackRecord.parse(JSON.parse(await readFile(paths.record, "utf8")));
}

export async function writeRecord(paths: StackPaths, record: StackRecord): Promise<void> {
  await writeAtomic(paths.record, `${JSON.stringify(record, null, 2)}\n`, 0o644);
}

export async function readSecrets(paths: StackPaths, key: Buffer): Promise<StackSecrets | undefined> {
  if (!existsSync(paths.secrets)) return undefined;
  const sealed = await readFile(paths.secrets);
  return StackSecrets.parse(JSON.parse(createSecretBox(key).open(sealed, SEAL_CONTEXT).reveal()));
}

export async function writeSecrets(paths: StackPaths, key: Buffer, secrets: StackSecrets): Promise<void> {
  const sealed = createSecretBox(key).seal(new Secret(JSON.stringify(secrets)), SEAL_CONTEXT);
  await writeAtomic(paths.secrets, sealed, 0o600);
}
