import * as pulumi from "@pulumi/pulumi";
import { pgaasResourceOptions } from "./resource-options.js";

export interface PairSecretsResourceArgs {
  /** The pair's name (the CA's and the postgres SSH key's). Changing it replaces the secrets. */
  pairName: pulumi.Input<string>;
  /**
   * An existing pair's secrets to adopt (its `PairConfiguration.pairSecrets`), read on create only;
   * generated when omitted. Give it with `ignoreChanges: ["seed"]`.
   */
  seed?: pulumi.Input<string>;
}

/**
 * `pgaas:index:PairSecrets`: a pair's generated credentials in a resource of their own (no SSH). An
 * update only adds what is missing (a backup key, a CA), never rotates.
 */
export class PairSecretsResource extends pulumi.CustomResource {
  /** Every generated credential of the pair, JSON (secret), for `PairConfiguration.pairSecrets`. */
  declare readonly pairSecrets: pulumi.Output<string>;

  constructor(name: string, args: PairSecretsResourceArgs, opts: pulumi.CustomResourceOptions = {}) {
    super(
      "pgaas:index:PairSecrets",
      name,
      {
        ...args,
        seed: args.seed === undefined ? undefined : pulumi.secret(args.seed),
        pairSecrets: undefined,
      },
      pgaasResourceOptions(opts, ["pairSecrets"]),
    );
  }
}
