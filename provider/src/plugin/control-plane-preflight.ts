// Before a resource that lives in the control plane (Registration, Database) passes Check, the
// provider makes sure it can reach the control plane with its token, so a missing credential or a
// wrong URL fails `pulumi preview`/`up` at once with the key to fix, instead of a timeout mid-update.
import { callRoute, me } from "@pgaas/api";
import { UnauthenticatedError, UnavailableError } from "@pgaas/common";
import { controlPlaneFetch } from "../resources/control-plane.js";
import type { ConfigFailure, ProviderConfig } from "./provider-config.js";

const PROBE_TIMEOUT_MS = 5_000;

/** The innermost cause's text (fetch wraps "connect ECONNREFUSED …" in "fetch failed"). */
function rootCause(error: unknown): string {
  let current = error as { cause?: unknown; message?: string } | undefined;
  while (current?.cause !== undefined) current = current.cause as { cause?: unknown; message?: string };
  return current?.message ?? String(current);
}

/** Failures naming the config key to fix; empty when the control plane answers the token. */
export async function controlPlaneFailures(config: ProviderConfig): Promise<ConfigFailure[]> {
  if (config.controlPlaneUrl === undefined) {
    return [
      {
        property: "pgaas:controlPlaneUrl",
        reason:
          "is not set; this resource is managed through the control plane: `pulumi config set pgaas:controlPlaneUrl https://<control plane>` (or PGAAS_CONTROL_PLANE_URL)",
      },
    ];
  }
  if (config.apiToken === undefined) {
    return [
      {
        property: "pgaas:apiToken",
        reason:
          "is not set: create an API token in the portal (Tokens) and `pulumi config set --secret pgaas:apiToken <token>` (or PGAAS_API_TOKEN)",
      },
    ];
  }
  const url = config.controlPlaneUrl;
  try {
    await callRoute(
      url,
      me,
      {},
      { token: config.apiToken, timeoutMs: PROBE_TIMEOUT_MS, ...controlPlaneFetch(config) },
    );
    return [];
  } catch (error) {
    if (error instanceof UnauthenticatedError) {
      return [
        {
          property: "pgaas:apiToken",
          reason: `is not accepted by the control plane at ${url}: create a new API token in the portal (Tokens) and \`pulumi config set --secret pgaas:apiToken <token>\``,
        },
      ];
    }
    const why = error instanceof UnavailableError ? rootCause(error) : (error as Error).message;
    return [
      {
        property: "pgaas:controlPlaneUrl",
        reason: `${url} is unreachable (${why}): start the control plane, or point \`pulumi config set pgaas:controlPlaneUrl <url>\` at it`,
      },
    ];
  }
}
