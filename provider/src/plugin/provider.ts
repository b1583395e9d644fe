// The pgaas resource provider: dispatches each CRUD call to the handler of the URN's type, with the
// configuration Configure delivered. No dynamic providers: this is a real plugin (`pgaas`).

import { createLogger, type Logger } from "@pgaas/common";
import * as pulumi from "@pulumi/pulumi";
import { GET_PAIR_TOKEN, invokeGetPair } from "../functions/get-pair.js";
import { controlPlaneHostHandler } from "../resources/control-plane-host.js";
import { databaseHandler } from "../resources/database.js";
import { localHostsHandler } from "../resources/local-hosts.js";
import { nodeRolloutHandler } from "../resources/node-rollout.js";
import { pairConfigurationHandler } from "../resources/pair-configuration.js";
import { pairSecretsHandler } from "../resources/pair-secrets.js";
import { registrationHandler } from "../resources/registration.js";
import type { ResourceContext, ResourceHandler, WireProps } from "../resources/resource-handler.js";
import { COMPONENT_CONSTRUCTORS, type ComponentConstructor } from "./components.js";
import { controlPlaneFailures } from "./control-plane-preflight.js";
import { warnThroughEngine } from "./engine-warning.js";
import {
  type ConfigFailure,
  checkConfigInputs,
  EMPTY_CONFIG,
  type ProviderConfig,
} from "./provider-config.js";
import { PROVIDER_VERSION, providerSchema, schemaJson } from "./schema.js";
import { withoutUndefined } from "./wire-values.js";

/** Properties as they leave for the engine (see withoutUndefined). */
function wireProps(props: WireProps | undefined): WireProps {
  return withoutUndefined(props ?? {}) as WireProps;
}

export const RESOURCE_HANDLERS: readonly ResourceHandler[] = [
  databaseHandler,
  registrationHandler,
  pairConfigurationHandler,
  pairSecretsHandler,
  nodeRolloutHandler(),
  localHostsHandler,
  controlPlaneHostHandler,
];

/** The resource type token of a URN (`urn:pulumi:stack::project::parent$type::name` → type). */
export function typeOfUrn(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.split("$").pop() ?? "";
}

export class PgaasProvider implements pulumi.provider.Provider {
  readonly version = PROVIDER_VERSION;
  readonly #handlers: ReadonlyMap<string, ResourceHandler>;
  readonly #components: ReadonlyMap<string, ComponentConstructor> = new Map(
    COMPONENT_CONSTRUCTORS.map((component) => [component.token, component]),
  );
  /** Each component's input names, as the schema declares them. */
  readonly #componentInputs: ReadonlyMap<string, ReadonlySet<string>> = new Map(
    Object.entries(providerSchema().resources)
      .filter(([, resource]) => "isComponent" in resource && resource.isComponent)
      .map(([token, resource]) => [token, new Set(Object.keys(resource.inputProperties))]),
  );
  readonly #log: Logger;
  #config: ProviderConfig = EMPTY_CONFIG;
  /** The control-plane probe of the current configuration, made once by the first Check that needs it. */
  #preflight: Promise<ConfigFailure[]> | undefined;

  constructor(options: { handlers?: readonly ResourceHandler[]; log?: Logger } = {}) {
    this.#handlers = new Map(
      (options.handlers ?? RESOURCE_HANDLERS).map((handler) => [handler.token, handler]),
    );
    this.#log = options.log ?? createLogger({ component: "pgaas-provider" });
  }

  async getSchema(): Promise<string> {
    return schemaJson();
  }

  checkConfig(news: Record<string, unknown>): ConfigFailure[] {
    return checkConfigInputs(news);
  }

  configure(config: ProviderConfig): void {
    this.#config = config;
    this.#preflight = undefined;
    this.#log.info("configured", {
      controlPlaneUrl: config.controlPlaneUrl ?? null,
      apiToken: config.apiToken !== undefined,
    });
  }

  #handler(urn: string): ResourceHandler {
    const type = typeOfUrn(urn);
    const handler = this.#handlers.get(type);
    if (handler === undefined) throw new Error(`pgaas provider has no resource type ${type} (urn ${urn})`);
    return handler;
  }

  #context(urn: string): ResourceContext {
    const log = this.#log.child({ urn });
    return {
      config: this.#config,
      log,
      warn: (message, fields) => {
        log.warn(message, fields);
        return warnThroughEngine(urn, message);
      },
    };
  }

  async check(urn: string, olds: WireProps, news: WireProps): Promise<pulumi.provider.CheckResult> {
    const handler = this.#handler(urn);
    if (handler.usesControlPlane) {
      this.#preflight ??= controlPlaneFailures(this.#config);
      const failures = await this.#preflight;
      if (failures.length > 0) return { inputs: news ?? {}, failures };
    }
    return handler.check(olds ?? {}, news ?? {});
  }

  async diff(id: string, urn: string, olds: WireProps, news: WireProps): Promise<pulumi.provider.DiffResult> {
    return this.#handler(urn).diff(id, olds ?? {}, news ?? {});
  }

  async create(urn: string, inputs: WireProps): Promise<pulumi.provider.CreateResult> {
    const created = await this.#handler(urn).create(inputs ?? {}, this.#context(urn));
    return { ...created, outs: wireProps(created.outs) };
  }

  async read(id: string, urn: string, props?: WireProps): Promise<pulumi.provider.ReadResult> {
    const read = await this.#handler(urn).read(id, props ?? {}, this.#context(urn));
    return {
      ...read,
      ...(read.props === undefined ? {} : { props: wireProps(read.props) }),
      ...(read.inputs === undefined ? {} : { inputs: wireProps(read.inputs) }),
    };
  }

  async update(
    id: string,
    urn: string,
    olds: WireProps,
    news: WireProps,
  ): Promise<pulumi.provider.UpdateResult> {
    const updated = await this.#handler(urn).update(id, olds ?? {}, news ?? {}, this.#context(urn));
    return { ...updated, ...(updated.outs === undefined ? {} : { outs: wireProps(updated.outs) }) };
  }

  /** A remote component (PostgresPair, Database) for a program in any language. */
  async construct(
    name: string,
    type: string,
    inputs: pulumi.Inputs,
    options: pulumi.ComponentResourceOptions,
  ): Promise<pulumi.provider.ConstructResult> {
    const component = this.#components.get(type);
    const known = this.#componentInputs.get(type);
    if (component === undefined || known === undefined)
      throw new Error(`pgaas provider has no component type ${type}`);
    // Absent outputs may arrive as null from SDKs that name them among the inputs.
    const unknown = Object.entries(inputs)
      .filter(([key, value]) => !known.has(key) && value !== null && value !== undefined)
      .map(([key]) => key);
    if (unknown.length > 0) {
      throw new pulumi.InputPropertiesError({
        message: `${type} ${name} has no input ${unknown.join(", ")} (its inputs: ${[...known].join(", ")})`,
        errors: unknown.map((key) => ({ propertyPath: key, reason: `is not an input of ${type}` })),
      });
    }
    this.#log.info("construct", { type, name });
    return component.construct(name, inputs, options);
  }

  async invoke(token: string, inputs: WireProps): Promise<pulumi.provider.InvokeResult> {
    if (token !== GET_PAIR_TOKEN) throw new Error(`pgaas provider has no function ${token}`);
    return invokeGetPair(inputs ?? {}, this.#config);
  }

  async delete(id: string, urn: string, props: WireProps): Promise<void> {
    await this.#handler(urn).delete(id, props ?? {}, this.#context(urn));
  }
}
