// The provider's configuration: `pgaas:controlPlaneUrl` and `pgaas:apiToken` (secret), with the
// environment as fallback (PGAAS_CONTROL_PLANE_URL, PGAAS_API_TOKEN) for CI runners.
import { InputError, Secret } from "@pgaas/common";
import { z } from "zod";
import { unwrapSecrets } from "./wire-values.js";

export interface ProviderConfig {
  readonly controlPlaneUrl: string | undefined;
  readonly apiToken: Secret | undefined;
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

/** Validates config inputs (keys without the `pgaas:` prefix); failures name the key. */
export function checkConfigInputs(raw: Record<string, unknown>): ConfigFailure[] {
  const result = ConfigInputs.safeParse(relevant(unwrapSecrets(raw) as Record<string, unknown>));
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ property: issue.path.join("."), reason: issue.message }));
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
    fromArgs[key] ?? variables.get(`pgaas:config:${key}`) ?? env[envName] ?? undefined;
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
  return {
    controlPlaneUrl: result.data.controlPlaneUrl?.replace(/\/+$/, ""),
    apiToken: result.data.apiToken === undefined ? undefined : new Secret(result.data.apiToken),
  };
}

function relevant(raw: Record<string, unknown>): Record<string, unknown> {
  return { controlPlaneUrl: emptyToUndefined(raw.controlPlaneUrl), apiToken: emptyToUndefined(raw.apiToken) };
}

function emptyToUndefined(value: unknown): unknown {
  return value === "" || value === null ? undefined : value;
}
