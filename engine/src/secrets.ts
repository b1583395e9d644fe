// The pair's credentials. They live in memory as `Secret` and reach hosts only inside files with
// mode 0600 (.pgpass, the postgres SSH key) or SQL sent over stdin, never on a command line or in logs.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { Secret } from "@pgaas/common";
import { z } from "zod";
import { generatePairCa, type PairCa, validatePairCa } from "./tls/certificates.js";

export interface PairSecrets {
  /** Password of the `postgres` superuser (TCP logins are rejected by pg_hba; kept for break-glass use). */
  readonly superuserPassword: Secret;
  /** Password of the `repmgr` role (repmgr metadata, replication, pg_rewind). */
  readonly repmgrPassword: Secret;
  /** Password of the `pgaas_admin` role the control plane uses. */
  readonly adminPassword: Secret;
  /** The postgres OS user's ed25519 key (OpenSSH format) so repmgr can ssh between nodes for switchover. */
  readonly postgresSshPrivateKey: Secret;
  /** `ssh-ed25519 AAAA… pgaas-<pair>` */
  readonly postgresSshPublicKey: string;
  /**
   * The pgBackRest repository's encryption passphrase (repo1-cipher-pass, AES-256-CBC). Absent only in
   * secrets stored before backups existed: `withBackupKey` adds one, and only while no repository uses it.
   */
  readonly backupCipherPass?: Secret;
  /** S3 (OpenStack Swift EC2 credentials) for an `s3` repository: given by the operator, never generated. */
  readonly backupS3Credentials?: { readonly accessKeyId: string; readonly secretAccessKey: Secret };
  /**
   * The pair's certificate authority: it issues every member's server certificate, and clients verify
   * the endpoint with its certificate. Absent only in secrets stored before TLS: `withTlsCa` adds one.
   */
  readonly tlsCa?: PairCa;
}

export interface PairSecretOptions {
  /** Bring your own CA (RSA key) instead of a generated one. */
  readonly tlsCa?: PairCa;
}

function password(): Secret {
  // base64url: no quote, backslash, colon or whitespace, but the renderers quote anyway.
  return new Secret(randomBytes(24).toString("base64url"));
}

export function generatePairSecrets(pairName: string, options: PairSecretOptions = {}): PairSecrets {
  if (options.tlsCa) validatePairCa(options.tlsCa);
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  return {
    superuserPassword: password(),
    repmgrPassword: password(),
    adminPassword: password(),
    postgresSshPrivateKey: new Secret(
      openSshPrivateKey(
        publicKey.export({ format: "der", type: "spki" }),
        privateKey.export({ format: "der", type: "pkcs8" }),
        pairName,
      ),
    ),
    postgresSshPublicKey: `ssh-ed25519 ${sshPublicBlob(publicKey.export({ format: "der", type: "spki" })).toString("base64")} pgaas-${pairName}`,
    backupCipherPass: cipherPass(),
    tlsCa: options.tlsCa ?? generatePairCa(pairName),
  };
}

/** Secrets stored before TLS existed get a generated CA; others are returned unchanged. */
export function withTlsCa(secrets: PairSecrets, pairName: string): PairSecrets {
  return secrets.tlsCa ? secrets : { ...secrets, tlsCa: generatePairCa(pairName) };
}

/** 48 random bytes: pgBackRest derives the repository's AES-256 key from this passphrase. */
function cipherPass(): Secret {
  return new Secret(randomBytes(48).toString("base64url"));
}

/** Secrets stored before backups existed get a repository key; others are returned unchanged. */
export function withBackupKey(secrets: PairSecrets): PairSecrets {
  return secrets.backupCipherPass ? secrets : { ...secrets, backupCipherPass: cipherPass() };
}

/** The shape secrets take when stored (e.g. Pulumi state, encrypted by the caller). */
export const StoredPairSecrets = z.object({
  superuserPassword: z.string().min(16),
  repmgrPassword: z.string().min(16),
  adminPassword: z.string().min(16),
  postgresSshPrivateKey: z.string().includes("OPENSSH PRIVATE KEY"),
  postgresSshPublicKey: z.string().startsWith("ssh-ed25519 "),
  backupCipherPass: z.string().min(32).optional(),
  backupS3Credentials: z
    .object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) })
    .optional(),
  tlsCa: z
    .object({
      certificate: z.string().includes("BEGIN CERTIFICATE"),
      privateKey: z.string().includes("PRIVATE KEY"),
    })
    .optional(),
});
export type StoredPairSecrets = z.infer<typeof StoredPairSecrets>;

export function revealPairSecrets(secrets: PairSecrets): StoredPairSecrets {
  return {
    superuserPassword: secrets.superuserPassword.reveal(),
    repmgrPassword: secrets.repmgrPassword.reveal(),
    adminPassword: secrets.adminPassword.reveal(),
    postgresSshPrivateKey: secrets.postgresSshPrivateKey.reveal(),
    postgresSshPublicKey: secrets.postgresSshPublicKey,
    ...(secrets.backupCipherPass ? { backupCipherPass: secrets.backupCipherPass.reveal() } : {}),
    ...(secrets.backupS3Credentials
      ? {
          backupS3Credentials: {
            accessKeyId: secrets.backupS3Credentials.accessKeyId,
            secretAccessKey: secrets.backupS3Credentials.secretAccessKey.reveal(),
          },
        }
      : {}),
    ...(secrets.tlsCa
      ? { tlsCa: { certificate: secrets.tlsCa.certificate, privateKey: secrets.tlsCa.privateKey.reveal() } }
      : {}),
  };
}

export function pairSecretsFrom(stored: unknown): PairSecrets {
  const parsed = StoredPairSecrets.parse(stored);
  return {
    superuserPassword: new Secret(parsed.superuserPassword),
    repmgrPassword: new Secret(parsed.repmgrPassword),
    adminPassword: new Secret(parsed.adminPassword),
    postgresSshPrivateKey: new Secret(parsed.postgresSshPrivateKey),
    postgresSshPublicKey: parsed.postgresSshPublicKey,
    ...(parsed.backupCipherPass ? { backupCipherPass: new Secret(parsed.backupCipherPass) } : {}),
    ...(parsed.backupS3Credentials
      ? {
          backupS3Credentials: {
            accessKeyId: parsed.backupS3Credentials.accessKeyId,
            secretAccessKey: new Secret(parsed.backupS3Credentials.secretAccessKey),
          },
        }
      : {}),
    ...(parsed.tlsCa
      ? { tlsCa: { certificate: parsed.tlsCa.certificate, privateKey: new Secret(parsed.tlsCa.privateKey) } }
      : {}),
  };
}

// --- OpenSSH key encoding (node's crypto exports PKCS#8/SPKI; OpenSSH wants its own container) ---

function sshString(data: Buffer | string): Buffer {
  const bytes = typeof data === "string" ? Buffer.from(data) : data;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function rawPublic(spki: Buffer): Buffer {
  return spki.subarray(spki.length - 32);
}

function sshPublicBlob(spki: Buffer): Buffer {
  return Buffer.concat([sshString("ssh-ed25519"), sshString(rawPublic(spki))]);
}

function openSshPrivateKey(spki: Buffer, pkcs8: Buffer, comment: string): string {
  const pub = rawPublic(spki);
  const seed = pkcs8.subarray(pkcs8.length - 32);
  const check = randomBytes(4);
  let body = Buffer.concat([
    check,
    check,
    sshString("ssh-ed25519"),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(`pgaas-${comment}`),
  ]);
  const padding = (8 - (body.length % 8)) % 8;
  body = Buffer.concat([body, Buffer.from(Array.from({ length: padding }, (_, i) => i + 1))]);
  const count = Buffer.alloc(4);
  count.writeUInt32BE(1);
  const blob = Buffer.concat([
    Buffer.from("openssh-key-v1\0"),
    sshString("none"),
    sshString("none"),
    sshString(Buffer.alloc(0)),
    count,
    sshString(sshPublicBlob(spki)),
    sshString(body),
  ]);
  const lines = blob.toString("base64").match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join("\n")}\n-----END OPENSSH PRIVATE KEY-----\n`;
}
