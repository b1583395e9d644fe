import * as pulumi from "@pulumi/pulumi";
import { pgaasResourceOptions } from "./resource-options.js";

export interface DatabaseResourceArgs {
  /** The control plane's id of the pair (PostgresPair.pairId). Changing it replaces the database. */
  pairId: pulumi.Input<string>;
  /** Database name. Changing it replaces the database (a new, empty one). */
  name: pulumi.Input<string>;
  /** Owner role; defaults to the database name. Changing it replaces the database. */
  owner?: pulumi.Input<string>;
  /** Per-database PostgreSQL settings (`ALTER DATABASE … SET`), updated in place. */
  settings?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** `CONNECTION LIMIT`; -1 (default) means none. Updated in place. */
  connectionLimit?: pulumi.Input<number>;
  /** While true (the default) the provider refuses to drop the database. */
  deletionProtection?: pulumi.Input<boolean>;
}

/** `pgaas:index:Database`: a database and its owner role, managed through the control-plane API. */
export class DatabaseResource extends pulumi.CustomResource {
  declare readonly pairId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly owner: pulumi.Output<string>;
  declare readonly settings: pulumi.Output<Record<string, string>>;
  declare readonly connectionLimit: pulumi.Output<number>;
  declare readonly deletionProtection: pulumi.Output<boolean>;
  /** The owner role's password (secret). */
  declare readonly ownerPassword: pulumi.Output<string>;
  /** postgresql://owner:password@endpoint/name (secret). */
  declare readonly connectionUri: pulumi.Output<string>;

  /**
   * An existing database by its control-plane id, read (never changed or dropped) by this program.
   * The owner's password was shown once at creation: `ownerPassword` and `connectionUri` stay empty.
   */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts: pulumi.CustomResourceOptions = {}) {
    return new DatabaseResource(name, undefined, { ...opts, id });
  }

  constructor(name: string, args: DatabaseResourceArgs | undefined, opts: pulumi.CustomResourceOptions = {}) {
    // Every output is named, also on a read (`get`), so that the SDK fills each property.
    const props = args ?? {
      pairId: undefined,
      name: undefined,
      owner: undefined,
      settings: undefined,
      connectionLimit: undefined,
      deletionProtection: undefined,
    };
    super(
      "pgaas:index:Database",
      name,
      { ...props, ownerPassword: undefined, connectionUri: undefined },
      pgaasResourceOptions(opts, ["ownerPassword", "connectionUri"]),
    );
  }
}
