// Server configuration from the environment, parsed by zod; every bad variable is named in one error.
import { readFileSync, statSync } from "node:fs";
import { InputError, Secret } from "@pgaas/common";
import { isLoopbackHost } from "@pgaas/common/wire";
import { z } from "zod";

/** One proxy address or network in PGAAS_TRUSTED_PROXIES. */
const ProxyAddress = z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()], {
  error: "an IP address or a CIDR network",
});

const Env = z
  .object({
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "a postgres:// URL"),
    /** The store role's password in a file (mode 0600) rather than in DATABASE_URL and the environment. */
    PGAAS_DATABASE_PASSWORD_FILE: z.string().startsWith("/", "an absolute path").optional(),
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
    /** How often the alert outbox sends what is due; 0 turns sending off (a standby control plane, tests). */
    PGAAS_ALERT_POLL_MS: z.coerce.number().int().min(0).max(600_000).default(2000),
    /** Set when a TLS proxy in front of a loopback listener serves the portal; implied by PGAAS_TLS_*. */
    PGAAS_SECURE_COOKIES: z.enum(["true", "false"]).default("false"),
    /** The server's certificate (PEM, chain after it) and key: the API is then served over HTTPS only. */
    PGAAS_TLS_CERT_FILE: z.string().startsWith("/", "an absolute path").optional(),
    PGAAS_TLS_KEY_FILE: z.string().startsWith("/", "an absolute path").optional(),
    /**
     * Reverse proxies whose X-Forwarded-For/-Proto/-Host are believed, separated by commas. Empty by
     * default: then the client is the socket's peer and no header can pretend to be another client.
     */
    PGAAS_TRUSTED_PROXIES: z
      .string()
      .default("")
      .transform((list) =>
        list
          .split(",")
          .map((entry) => entry.trim())
          .filter((entry) => entry !== ""),
      )
      .pipe(z.array(ProxyAddress)),
  })
  .refine((env) => env.PGAAS_SECRET_KEY !== undefined || env.PGAAS_SECRET_KEY_FILE !== undefined, {
    path: ["PGAAS_SECRET_KEY"],
    message: "required (or PGAAS_SECRET_KEY_FILE)",
  })
  .refine((env) => (env.PGAAS_ADMIN_EMAIL === undefined) === (env.PGAAS_ADMIN_PASSWORD === undefined), {
    path: ["PGAAS_ADMIN_EMAIL"],
    message: "set together with PGAAS_ADMIN_PASSWORD (or neither)",
  })
  .refine((env) => (env.PGAAS_TLS_CERT_FILE === undefined) === (env.PGAAS_TLS_KEY_FILE === undefined), {
    path: ["PGAAS_TLS_CERT_FILE"],
    message: "set together with PGAAS_TLS_KEY_FILE (or neither)",
  });

export interface ServerConfig {
  readonly databaseUrl: Secret;
  /** From PGAAS_DATABASE_PASSWORD_FILE; overrides a password in the URL. */
  readonly databasePassword?: Secret;
  /** Every address the API listens on, the first one names the server's URL. */
  readonly listenHosts: readonly [string, ...string[]];
  readonly port: number;
  /** 32-byte AES-256-GCM key for pair admin credentials. */
  readonly secretKey: Buffer;
  readonly initialAdmin?: { readonly email: string; readonly password: Secret };
  readonly webDir?: string;
  /** Session cookies carry `Secure`: always when the server itself serves HTTPS. */
  readonly secureCookies: boolean;
  /** Certificate and key read at start; absent: plain HTTP, on loopback addresses only. */
  readonly tls?: { readonly certificate: string; readonly privateKey: Secret };
  /** Addresses/CIDRs of reverse proxies trusted for X-Forwarded-*; empty trusts none. */
  readonly trustedProxies: readonly string[];
  /** Alert outbox tick; 0: this server sends no alerts. */
  readonly alertPollMs: number;
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

function readSecretFile(path: string, variable: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new InputError(`invalid configuration: ${variable}: cannot read ${path}`, {
      code: "invalid_config",
      details: { variable },
      cause: error,
    });
  }
}

/** A password file others can read is refused: the secret would not be one any more. */
function readPasswordFile(path: string, variable: string): Secret {
  const text = readSecretFile(path, variable);
  checkPrivate(path, variable);
  const password = text.trim();
  if (password === "") {
    throw new InputError(`invalid configuration: ${variable}: ${path} is empty`, {
      code: "invalid_config",
      details: { variable },
    });
  }
  return new Secret(password);
}

/** A key file others can read is no secret any more: refused like a password file. */
function checkPrivate(path: string, variable: string): void {
  if ((statSync(path).mode & 0o077) !== 0) {
    throw new InputError(
      `invalid configuration: ${variable}: ${path} must not be readable by others (chmod 600)`,
      {
        code: "invalid_config",
        details: { variable },
      },
    );
  }
}

function readTls(certFile: string, keyFile: string): NonNullable<ServerConfig["tls"]> {
  const certificate = readSecretFile(certFile, "PGAAS_TLS_CERT_FILE");
  const privateKey = readSecretFile(keyFile, "PGAAS_TLS_KEY_FILE");
  checkPrivate(keyFile, "PGAAS_TLS_KEY_FILE");
  if (!certificate.includes("-----BEGIN CERTIFICATE-----"))
    throw new InputError(`invalid configuration: PGAAS_TLS_CERT_FILE: ${certFile} holds no PEM certificate`, {
      code: "invalid_config",
      details: { variable: "PGAAS_TLS_CERT_FILE" },
    });
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey))
    throw new InputError(`invalid configuration: PGAAS_TLS_KEY_FILE: ${keyFile} holds no PEM private key`, {
      code: "invalid_config",
      details: { variable: "PGAAS_TLS_KEY_FILE" },
    });
  return { certificate, privateKey: new Secret(privateKey) };
}

/**
 * Plain HTTP may listen only where no byte crosses a network: session cookies and API and agent
 * tokens would travel in clear. Anything else needs PGAAS_TLS_CERT_FILE/PGAAS_TLS_KEY_FILE.
 */
function refuseCleartextOffLoopback(hosts: readonly string[]): void {
  const exposed = hosts.filter((host) => !isLoopbackHost(host));
  if (exposed.length > 0) {
    throw new InputError(
      `invalid configuration: PGAAS_LISTEN_HOST: plain HTTP is served on loopback addresses only (${exposed.join(", ")} is not): set PGAAS_TLS_CERT_FILE and PGAAS_TLS_KEY_FILE to serve HTTPS`,
      { code: "plaintext_listen_refused", details: { variable: "PGAAS_LISTEN_HOST", hosts: exposed } },
    );
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
  const listenHosts = vars.PGAAS_LISTEN_HOST.split(",") as [string, ...string[]];
  const tls =
    vars.PGAAS_TLS_CERT_FILE !== undefined && vars.PGAAS_TLS_KEY_FILE !== undefined
      ? readTls(vars.PGAAS_TLS_CERT_FILE, vars.PGAAS_TLS_KEY_FILE)
      : undefined;
  if (tls === undefined) refuseCleartextOffLoopback(listenHosts);
  const secretKey =
    vars.PGAAS_SECRET_KEY !== undefined
      ? decodeKey(vars.PGAAS_SECRET_KEY, "PGAAS_SECRET_KEY")
      : decodeKey(
          readSecretFile(vars.PGAAS_SECRET_KEY_FILE as string, "PGAAS_SECRET_KEY_FILE"),
          "PGAAS_SECRET_KEY_FILE",
        );
  return {
    databaseUrl: new Secret(vars.DATABASE_URL),
    ...(vars.PGAAS_DATABASE_PASSWORD_FILE !== undefined
      ? {
          databasePassword: readPasswordFile(
            vars.PGAAS_DATABASE_PASSWORD_FILE,
            "PGAAS_DATABASE_PASSWORD_FILE",
          ),
        }
      : {}),
    listenHosts,
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
    secureCookies: tls !== undefined || vars.PGAAS_SECURE_COOKIES === "true",
    ...(tls !== undefined ? { tls } : {}),
    trustedProxies: vars.PGAAS_TRUSTED_PROXIES,
    alertPollMs: vars.PGAAS_ALERT_POLL_MS,
  };
}
