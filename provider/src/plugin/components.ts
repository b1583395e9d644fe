// Construct: the SDK's own component classes (PostgresPair, Database) built inside the plugin for
// programs in any language, which register them as remote components. Their children reach the engine
// through the monitor of the Construct request, exactly as when a TypeScript program builds them.
import type * as pulumi from "@pulumi/pulumi";

export interface ComponentConstructor {
  readonly token: string;
  construct(
    name: string,
    inputs: pulumi.Inputs,
    options: pulumi.ComponentResourceOptions,
  ): Promise<pulumi.provider.ConstructResult>;
}

// The SDK (and the cloud providers' SDKs it loads) is imported on the first Construct only: a plugin
// that only serves CRUD starts without it.
const sdk = () => import("@pgaas/sdk");

/** The SDK's tokens, kept here as literals so the schema can name them without loading the SDK. */
export const POSTGRES_PAIR_TOKEN = "pgaas:components:PostgresPair";
export const DATABASE_TOKEN = "pgaas:components:Database";
export const CONTROL_PLANE_TOKEN = "pgaas:components:ControlPlane";

export const COMPONENT_CONSTRUCTORS: readonly ComponentConstructor[] = [
  {
    token: POSTGRES_PAIR_TOKEN,
    async construct(name, inputs, options) {
      const { PostgresPair, postgresPairOutputs } = await sdk();
      const pair = new PostgresPair(name, inputs as ConstructorParameters<typeof PostgresPair>[1], options);
      return { urn: pair.urn, state: postgresPairOutputs(pair) };
    },
  },
  {
    token: CONTROL_PLANE_TOKEN,
    async construct(name, inputs, options) {
      const { ControlPlane, controlPlaneOutputs } = await sdk();
      const controlPlane = new ControlPlane(
        name,
        inputs as ConstructorParameters<typeof ControlPlane>[1],
        options,
      );
      return { urn: controlPlane.urn, state: controlPlaneOutputs(controlPlane) };
    },
  },
  {
    token: DATABASE_TOKEN,
    async construct(name, inputs, options) {
      const { Database, databaseOutputs } = await sdk();
      // Only the managed form: a program reads an existing database with the low-level
      // pgaas:index:Database resource's get.
      const database = new Database(name, inputs as ConstructorParameters<typeof Database>[1], options);
      return { urn: database.urn, state: databaseOutputs(database) };
    },
  },
];
