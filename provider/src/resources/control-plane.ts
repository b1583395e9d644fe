// The provider's resources reach the control plane only through @pgaas/api's callRoute, bound here
// to the configured URL and API token.
import { callRoute, type RouteCall, type RouteResult, type RouteSpec } from "@pgaas/api";
import { InputError, NotFoundError } from "@pgaas/common";
import { pinnedFetch } from "@pgaas/common/pinned-fetch";
import type { ProviderConfig } from "../plugin/provider-config.js";

export type ControlPlane = <S extends RouteSpec>(route: S, input: RouteCall<S>) => Promise<RouteResult<S>>;

/** Calls to the configured control plane; a clear error naming the missing config otherwise. */
export function controlPlaneFromConfig(config: ProviderConfig, resource: string): ControlPlane {
  const { controlPlaneUrl, apiToken } = config;
  if (controlPlaneUrl === undefined || apiToken === undefined) {
    throw new InputError(
      `${resource} needs the control plane: set pgaas:controlPlaneUrl and pgaas:apiToken (pulumi config set --secret pgaas:apiToken …)`,
      { code: "control_plane_not_configured" },
    );
  }
  const fetch = controlPlaneFetch(config);
  return (route, input) => callRoute(controlPlaneUrl, route, input, { token: apiToken, ...fetch });
}

/** The fetch option for callRoute: one that pins the configured CA, or none (the global fetch). */
export function controlPlaneFetch(config: ProviderConfig): { fetch?: typeof fetch } {
  return config.controlPlaneCa !== undefined ? { fetch: pinnedFetch(config.controlPlaneCa) } : {};
}

/**
 * A request whose target may already be gone (read after an out-of-band delete, delete twice):
 * undefined instead of NotFoundError, so Pulumi sees "gone" rather than a failure.
 */
export async function unlessGone<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
