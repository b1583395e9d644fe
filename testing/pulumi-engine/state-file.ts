// The deployment's state as a JSON file: every resource with its inputs, outputs, parent, provider and
// dependencies, in registration order. Secret values are kept as secrets: in memory as the wire's
// secret wrapper, on disk as `{ <sig>: <secret sig>, ciphertext }` (AES-256-GCM, a key derived from the
// stack's passphrase, bound to the resource's URN), as Pulumi's own checkpoints do.
import { randomBytes, scryptSync } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { Secret } from "@pgaas/common";
import { z } from "zod";
import { createSecretBox, type SecretBox } from "../../portal/server/src/crypto/cipher.js";
import {
  isWireSecret,
  SECRET_SIG,
  SECRET_SIG_KEY,
  wireSecret,
} from "../../provider/src/plugin/wire-values.js";

export const ResourceState = z.object({
  urn: z.string().min(1),
  type: z.string().min(1),
  custom: z.boolean(),
  id: z.string().optional(),
  parent: z.string().optional(),
  /** `<provider urn>::<provider id>` of a custom resource. */
  provider: z.string().optional(),
  inputs: z.record(z.string(), z.unknown()),
  outputs: z.record(z.string(), z.unknown()),
  dependencies: z.array(z.string()),
  deleteBeforeReplace: z.boolean().optional(),
  /** Read with `get`: the program uses it, the deployment never changes or deletes it. */
  external: z.boolean().optional(),
});
export type ResourceState = z.infer<typeof ResourceState>;

const StateFile = z.object({
  version: z.literal(1),
  secretsSalt: z.string().min(1),
  resources: z.array(ResourceState),
});

export interface StateStore {
  load(): Promise<ResourceState[]>;
  save(resources: readonly ResourceState[]): Promise<void>;
}

interface Encrypted {
  readonly [SECRET_SIG_KEY]: typeof SECRET_SIG;
  readonly ciphertext: string;
}

function isEncrypted(value: unknown): value is Encrypted {
  return isWireSecret(value) && typeof (value as unknown as Encrypted).ciphertext === "string";
}

function mapSecrets(value: unknown, fn: (secret: Record<string, unknown>) => unknown): unknown {
  if (isWireSecret(value)) return fn(value as unknown as Record<string, unknown>);
  if (Array.isArray(value)) return value.map((item) => mapSecrets(item, fn));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, mapSecrets(inner, fn)]));
  }
  return value;
}

function sealResource(box: SecretBox, resource: ResourceState): ResourceState {
  const seal = (secret: Record<string, unknown>) => ({
    [SECRET_SIG_KEY]: SECRET_SIG,
    ciphertext: box.seal(new Secret(JSON.stringify(secret.value ?? null)), resource.urn).toString("base64"),
  });
  return {
    ...resource,
    inputs: mapSecrets(resource.inputs, seal) as Record<string, unknown>,
    outputs: mapSecrets(resource.outputs, seal) as Record<string, unknown>,
  };
}

function openResource(box: SecretBox, resource: ResourceState): ResourceState {
  const open = (secret: Record<string, unknown>) => {
    if (!isEncrypted(secret)) throw new Error(`state holds a secret of ${resource.urn} in plain text`);
    return wireSecret(JSON.parse(box.open(Buffer.from(secret.ciphertext, "base64"), resource.urn).reveal()));
  };
  return {
    ...resource,
    inputs: mapSecrets(resource.inputs, open) as Record<string, unknown>,
    outputs: mapSecrets(resource.outputs, open) as Record<string, unknown>,
  };
}

/** A state file at `path`; secrets sealed with a key derived from `passphrase`. */
export function jsonStateFile(path: string, passphrase: Secret): StateStore {
  let salt: string | undefined;
  const boxFor = (saltValue: string) =>
    createSecretBox(scryptSync(passphrase.reveal(), Buffer.from(saltValue, "base64"), 32));
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw error;
      }
      const file = StateFile.parse(JSON.parse(text));
      salt = file.secretsSalt;
      const box = boxFor(salt);
      return file.resources.map((resource) => openResource(box, resource));
    },
    async save(resources) {
      salt ??= randomBytes(16).toString("base64");
      const box = boxFor(salt);
      const file = {
        version: 1 as const,
        secretsSalt: salt,
        resources: resources.map((resource) => sealResource(box, resource)),
      };
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
      await rename(temporary, path);
    },
  };
}
