import { PGAAS_VERSION } from "@pgaas/common/wire";
import * as pulumi from "@pulumi/pulumi";

export interface ProviderArgs {
  /** Base URL of the pgaas control-plane API, e.g. https://pgaas.example.org (config `pgaas:controlPlaneUrl`). */
  controlPlaneUrl?: pulumi.Input<string>;
  /** An API token of an admin (config `pgaas:apiToken`, secret). */
  apiToken?: pulumi.Input<string>;
}

/** An explicit instance of the pgaas provider (the default one reads `pgaas:*` stack config). */
export class Provider extends pulumi.ProviderResource {
  constructor(name: string, args: ProviderArgs = {}, opts: pulumi.ResourceOptions = {}) {
    super(
      "pgaas",
      name,
      {
        controlPlaneUrl: args.controlPlaneUrl,
        apiToken: args.apiToken === undefined ? undefined : pulumi.secret(args.apiToken),
      },
      { version: PGAAS_VERSION, ...opts },
    );
  }
}
