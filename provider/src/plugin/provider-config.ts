// The provider's configuration: `pgaas:controlPlaneUrl` and `pgaas:apiToken` (secret), with the
// environment as fallback (PGAAS_CONTROL_PLANE_URL, PGAAS_API_TOKEN) for CI runners. A control plane
// whose certificate comes from its own CA (`npm start`'s) is trusted through PGAAS_CONTROL_PLANE_CA_FILE.
import { readFileSync } from "node:fs";
import { InputError, Secret } from "@pgaas/common";
import { CertificatePem } from "@pgaas/common/wire";
import { z } from "zod";
import { unwrapSecrets } from "./wire-values.js";

export interface ProviderConfig {
  readonly controlPlaneUrl: string | undefined;
  readonly apiToken: Secret | undefined;
  /** PEM of the CA pinned for the control plane's certificate; absent: the system's trusted roots. */
  readonly controlPlaneCa?: string;
}

export const EMPTY_CONFIG: ProviderConfig = { controlPlaneUrl: undefined, apiToken: undefined };

const ConfigInputs = z.object({
  controlPlaneUrl: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL, e.g. https://pgaas.example.org" })
    .optional(),
  apiToken: z.string().min(1, "must not be empty").optional(),
});

export interface ConfigFailure {
  readonly property: string;
  readonly reason: string;
}

const CONFIG_KEYS = Object.keys(ConfigInputs.shape);
/** Provider inputs the engine adds itself (the plugin's version and where it came from). */
const ENGINE_KEYS = new Set(["version", "pluginDownloadURL", "pluginChecksums"]);

/** A known key that `key` is probably a typo of (same letters ignoring case, or one edit away). */
function likelyMeant(key: string): string | undefined {
  return CONFIG_KEYS.find(
    (known) => known.toLowerCase() === key.toLowerCase() || editDistance(known, key) <= 2,
  );
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function unknownKeyFailure(key: string): ConfigFailure {
  const meant = likelyMeant(key);
  const fix = meant
    ? `did you mean pgaas:${meant}? \`pulumi config rm pgaas:${key}\` and set pgaas:${meant} instead`
    : `the provider's settings are ${CONFIG_KEYS.map((known) => `pgaas:${known}`).join(" and ")}: \`pulumi config rm pgaas:${key}\``;
  return { property: key, reason: `pgaas:${key} is not a pgaas setting; ${fix}` };
}

/** Validates config inputs (keys without the `pgaas:` prefix); failures name the key. */
export function checkConfigInputs(raw: Record<string, unknown>): ConfigFailure[] {
  const unknown = Object.keys(raw)
    .filter((key) => !CONFIG_KEYS.includes(key) && !ENGINE_KEYS.has(key))
    .map(unknownKeyFailure);
  const result = ConfigInputs.safeParse(relevant(unwrapSecrets(raw) as Record<string, unknown>));
  const invalid = result.success
    ? []
    : result.error.issues.map((issue) => ({ property: issue.path.join("."), reason: issue.message }));
  return [...unknown, ...invalid];
}

/**
 * The config from Configure's arguments: `args` keyed by bare names, or `variables` keyed
 * `pgaas:config:<name>` (older engines send only those), falling back to the environment.
 */
export function parseProviderConfig(
  args: Record<string, unknown>,
  variables: ReadonlyMap<string, string>,
  env: NodeJS.ProcessEnv = process.env,
): ProviderConfig {
  const fromArgs = relevant(unwrapSecrets(args) as Record<string, unknown>);
  const pick = (key: string, envName: string): unknown =>
    fromArgs[key] ?? emptyToUndefined(variables.get(`pgaas:config:${key}`)) ?? emptyToUndefined(env[envName]);
  const result = ConfigInputs.safeParse({
    controlPlaneUrl: pick("controlPlaneUrl", "PGAAS_CONTROL_PLANE_URL"),
    apiToken: pick("apiToken", "PGAAS_API_TOKEN"),
  });
  if (!result.success) {
    const text = result.error.issues
      .map((issue) => `pgaas:${issue.path.join(".")} ${issue.message}`)
      .join("; ");
    throw new InputError(`invalid provider configuration: ${text}`, { code: "invalid_provider_config" });
  }
  const caFile = emptyToUndefined(env.PGAAS_CONTROL_PLANE_CA_FILE) as string | undefined;
  return {
    controlPlaneUrl: result.data.controlPlaneUrl?.replace(/\/+$/, ""),
    apiToken: result.data.apiToken === undefined ? undefined : new Secret(result.data.apiToken),
    ...(caFile !== undefined ? { controlPlaneCa: readCaFile(caFile) } : {}),
  };
}

function readCaFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new InputError(`invalid provider configuration: PGAAS_CONTROL_PLANE_CA_FILE: cannot read ${path}`, {
      code: "invalid_provider_config",
      cause: error,
    });
  }
  if (!CertificatePem.safeParse(text).success)
    throw new InputError(
      `invalid provider configuration: PGAAS_CONTROL_PLANE_CA_FILE: ${path} is not a PEM certificate`,
      { code: "invalid_provider_config" },
    );
  return text;
}

function relevant(raw: Record<string, unknown>): Record<string, unknown> {
  return { controlPlaneUrl: emptyToUndefined(raw.controlPlaneUrl), apiToken: emptyToUndefined(raw.apiToken) };
}

function emptyToUndefined(value: unknown): unknown {
  return value === "" || value === null ? undefined : value;
}
