// Database: a database and its owner role on a pair, through the provider's Database resource (the
// control-plane API: no network path to the database needed from where `pulumi up` runs).
import * as pulumi from "@pulumi/pulumi";
import { DatabaseResource } from "./native/database.js";

export interface DatabaseArgs {
  /** The control plane's id of the pair (`PostgresPair.pairId`). Changing it replaces the database. */
  pairId: pulumi.Input<string>;
  /**
   * Database name: lower-case letters, digits and _, starting with a letter, at most 63, not reserved
   * (postgres, template0/1, repmgr, pgaas_admin, pg_*). Defaults to the resource name. Renaming replaces.
   */
  name?: pulumi.Input<string>;
  /** Owner role; defaults to the database name. Changing it replaces the database. */
  owner?: pulumi.Input<string>;
  /** Per-database settings (`ALTER DATABASE … SET`), e.g. `{ work_mem: "16MB" }`; updated in place. */
  settings?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** CONNECTION LIMIT; -1 (default) means none. */
  connectionLimit?: pulumi.Input<number>;
  /** While true (default) `pulumi destroy` refuses to drop the database: set false first. */
  deletionProtection?: pulumi.Input<boolean>;
}

/** An existing database to read by id and not manage (what `Database.get` passes). */
export interface ExistingDatabaseArgs {
  readonly existingId: pulumi.Input<pulumi.ID>;
}

/** The component's type token, shared with the provider's schema (see POSTGRES_PAIR_TYPE). */
export const DATABASE_TYPE = "pgaas:components:Database";

export class Database extends pulumi.ComponentResource {
  readonly databaseName: pulumi.Output<string>;
  readonly owner: pulumi.Output<string>;
  /** The owner role's password (secret). */
  readonly ownerPassword: pulumi.Output<string>;
  /** postgresql://owner:password@endpoint/name (secret). */
  readonly connectionUri: pulumi.Output<string>;
  readonly resource: DatabaseResource;

  /**
   * A database that exists already (created by another stack, the portal or the API), by its
   * control-plane id: this program reads it and never changes or drops it. Its owner password was shown
   * once at creation, so `ownerPassword` and `connectionUri` are empty; use an access grant instead.
   */
  static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    opts: pulumi.ComponentResourceOptions = {},
  ): Database {
    return new Database(name, { existingId: id }, opts);
  }

  constructor(
    name: string,
    args: DatabaseArgs | ExistingDatabaseArgs,
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    super(DATABASE_TYPE, name, {}, opts);
    // Names are checked by the provider (Check, also in preview) with the control plane's own schema.
    this.resource =
      "existingId" in args
        ? DatabaseResource.get(name, args.existingId, { parent: this })
        : new DatabaseResource(
            name,
            {
              pairId: args.pairId,
              name: args.name ?? name,
              owner: args.owner,
              settings: args.settings,
              connectionLimit: args.connectionLimit,
              deletionProtection: args.deletionProtection ?? true,
            },
            { parent: this },
          );
    this.databaseName = this.resource.name;
    this.owner = this.resource.owner;
    this.ownerPassword = pulumi.secret(this.resource.ownerPassword);
    this.connectionUri = pulumi.secret(this.resource.connectionUri);
    this.registerOutputs(databaseOutputs(this));
  }
}

/** The component's outputs by schema name: what it registers, and what the provider's Construct returns. */
export function databaseOutputs(database: Database): pulumi.Inputs {
  return {
    databaseName: database.databaseName,
    owner: database.owner,
    ownerPassword: database.ownerPassword,
    connectionUri: database.connectionUri,
  };
}
