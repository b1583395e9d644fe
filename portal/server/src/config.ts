// Server configuration from the environment, parsed by zod; every bad variable is named in one error.
import { readFileSync } from "node:fs";
import { InputError, Secret } from "@pgaas/common";
import { z } from "zod";

const Env = z
  .object({
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "a postgres:// URL"),
    /** One address, or several separated by commas (e.g. loopback plus the lab bridge for agents). */
    PGAAS_LISTEN_HOST: z
      .string()
      .regex(/^[A-Za-z0-9.:-]+(,[A-Za-z0-9.:-]+)*$/, "addresses separated by commas")
      .default("127.0.0.1"),
    PGAAS_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    PGAAS_SECRET_KEY: z.string().optional(),
    PGAAS_SECRET_KEY_FILE: z.string().startsWith("/", "an absolute path").optional(),
    PGAAS_ADMIN_EMAIL: z.email().optional(),
    PGAAS_ADMIN_PASSWORD: z.string().min(12, "at least 12 characters").optional(),
    PGAAS_WEB_DIR: z.string().optional(),
    PGAAS_SECURE_COOKIES: z.enum(["true", "false"]).default("false"),
  })
  .refine((env) => env.PGAAS_SECRET_KEY !== undefined || env.PGAAS_SECRET_KEY_FILE !== undefined, {
    path: ["PGAAS_SECRET_KEY"],
    message: "required (or PGAAS_SECRET_KEY_FILE)",
  })
  .refine((env) => (env.PGAAS_ADMIN_EMAIL === undefined) === (env.PGAAS_ADMIN_PASSWORD === undefined), {
    path: ["PGAAS_ADMIN_EMAIL"],
    message: "set together with PGAAS_ADMIN_PASSWORD (or neither)",
  });

export interface ServerConfig {
  readonly databaseUrl: Secret;
  /** Every address the API listens on, the first one names the server's URL. */
  readonly listenHosts: readonly [string, ...string[]];
  readonly port: number;
  /** 32-byte AES-256-GCM key for pair admin credentials. */
  readonly secretKey: Buffer;
  readonly initialAdmin?: { readonly email: string; readonly password: Secret };
  readonly webDir?: string;
  readonly secureCookies: boolean;
}

function decodeKey(base64: string, source: string): Buffer {
  const key = Buffer.from(base64.trim(), "base64");
  if (key.length !== 32) {
    throw new InputError(`${source} must be 32 bytes encoded as base64 (got ${key.length} bytes)`, {
      code: "invalid_config",
      details: { variable: source },
    });
  }
  return key;
}

function readKeyFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new InputError(`invalid configuration: PGAAS_SECRET_KEY_FILE: cannot read ${path}`, {
      code: "invalid_config",
      details: { variable: "PGAAS_SECRET_KEY_FILE" },
      cause: error,
    });
  }
}

/** Reads the configuration; throws an InputError listing each bad variable and why. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): ServerConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new InputError(`invalid configuration: ${problems.join("; ")}`, {
      code: "invalid_config",
      details: { problems },
    });
  }
  const vars = parsed.data;
  const secretKey =
    vars.PGAAS_SECRET_KEY !== undefined
      ? decodeKey(vars.PGAAS_SECRET_KEY, "PGAAS_SECRET_KEY")
      : decodeKey(readKeyFile(vars.PGAAS_SECRET_KEY_FILE as string), "PGAAS_SECRET_KEY_FILE");
  return {
    databaseUrl: new Secret(vars.DATABASE_URL),
    listenHosts: vars.PGAAS_LISTEN_HOST.split(",") as [string, ...string[]],
    port: vars.PGAAS_PORT,
    secretKey,
    ...(vars.PGAAS_ADMIN_EMAIL !== undefined && vars.PGAAS_ADMIN_PASSWORD !== undefined
      ? {
          initialAdmin: {
            email: vars.PGAAS_ADMIN_EMAIL.toLowerCase(),
            password: new Secret(vars.PGAAS_ADMIN_PASSWORD),
          },
        }
      : {}),
    ...(vars.PGAAS_WEB_DIR !== undefined ? { webDir: vars.PGAAS_WEB_DIR } : {}),
    secureCookies: vars.PGAAS_SECURE_COOKIES === "true",
  };
}
