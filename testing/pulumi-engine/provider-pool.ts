// The provider instances of one operation: one plugin process per provider resource, started through
// run-plugin, checked (CheckConfig) and configured (Configure) as the engine does before the first
// resource of that provider is touched; stopped together at the end of the operation.
import { unwrapSecrets } from "../../provider/src/plugin/wire-values.js";
import type { Props } from "./grpc-call.js";
import type { Project } from "./project.js";
import { type CheckFailure, type ProviderPlugin, startProviderPlugin } from "./provider-plugin.js";

export interface ConfiguredProvider {
  readonly plugin: ProviderPlugin;
  /** The inputs CheckConfig returned (what Configure received and the state records). */
  readonly inputs: Props;
}

/** Inputs of provider resources that are the engine's, not the provider's configuration. */
const ENGINE_PROVIDER_INPUTS = new Set(["version", "pluginDownloadURL", "pluginChecksums"]);

/** Configure's variables: `<package>:config:<key>` → the value as a string. */
function configVariables(pkg: string, inputs: Props): Record<string, string> {
  const plain = unwrapSecrets(inputs) as Props;
  return Object.fromEntries(
    Object.entries(plain)
      .filter(([key, value]) => !ENGINE_PROVIDER_INPUTS.has(key) && value !== undefined && value !== null)
      .map(([key, value]) => [
        `${pkg}:config:${key}`,
        typeof value === "string" ? value : JSON.stringify(value),
      ]),
  );
}

export function checkFailureMessage(type: string, name: string, failures: readonly CheckFailure[]): string {
  const lines = failures.map((failure) =>
    failure.property === "" ? failure.reason : `${failure.property}: ${failure.reason}`,
  );
  return `${type} resource '${name}' has a problem: ${lines.join("; ")}`;
}

export class ProviderPool {
  readonly #project: Project;
  readonly #engineAddress: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #instances = new Map<string, Promise<ConfiguredProvider>>();
  readonly #started: ProviderPlugin[] = [];

  constructor(project: Project, engineAddress: string, env: NodeJS.ProcessEnv) {
    this.#project = project;
    this.#engineAddress = engineAddress;
    this.#env = env;
  }

  /**
   * The provider for resource `urn` of package `pkg`, started and configured once. With `olds` given,
   * the inputs go through CheckConfig first (a new or changed provider); without, the stored inputs
   * are configured as they are (refresh, destroy, deleting what a program dropped).
   */
  open(urn: string, pkg: string, inputs: Props, olds?: Props): Promise<ConfiguredProvider> {
    const existing = this.#instances.get(urn);
    if (existing) return existing;
    const opening = this.#start(urn, pkg, inputs, olds);
    this.#instances.set(urn, opening);
    return opening;
  }

  get(urn: string): Promise<ConfiguredProvider> | undefined {
    return this.#instances.get(urn);
  }

  async #start(
    urn: string,
    pkg: string,
    inputs: Props,
    olds: Props | undefined,
  ): Promise<ConfiguredProvider> {
    const directory = this.#project.providerPlugins.get(pkg);
    if (directory === undefined) {
      throw new Error(
        `no plugin for package ${pkg}: list it under plugins.providers in ${this.#project.directory}/Pulumi.yaml`,
      );
    }
    const plugin = await startProviderPlugin({
      directory,
      cwd: this.#project.directory,
      engineAddress: this.#engineAddress,
      env: this.#env,
    });
    this.#started.push(plugin);
    let checked = inputs;
    if (olds !== undefined) {
      const result = await plugin.checkConfig(urn, olds, inputs);
      if (result.failures.length > 0) {
        throw new Error(
          checkFailureMessage(`pulumi:providers:${pkg}`, urn.split("::").pop() ?? urn, result.failures),
        );
      }
      checked = result.inputs;
    }
    await plugin.configure(checked, configVariables(pkg, checked));
    return { plugin, inputs: checked };
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.#started.map((plugin) => plugin.stop()));
    this.#started.length = 0;
    this.#instances.clear();
  }
}
