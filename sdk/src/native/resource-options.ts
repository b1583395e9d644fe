import { PGAAS_VERSION } from "@pgaas/common/wire";
import type * as pulumi from "@pulumi/pulumi";

/**
 * Options of a pgaas custom resource: the plugin version these classes match, and the outputs the
 * state must keep secret added to any the caller asked for (never replacing them).
 */
export function pgaasResourceOptions(
  opts: pulumi.CustomResourceOptions,
  secretOutputs: readonly string[],
): pulumi.CustomResourceOptions {
  return {
    version: PGAAS_VERSION,
    ...opts,
    additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), ...secretOutputs],
  };
}
