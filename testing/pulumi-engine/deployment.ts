// A test-only Pulumi deployment engine: preview, up, refresh and destroy of a Node.js program over a
// JSON state file, through the same doors the Pulumi CLI uses (the program under cmd/run, providers
// under cmd/run-plugin, both over gRPC). What it leaves out is listed in README.md.
import { randomUUID } from "node:crypto";
import type { Secret } from "@pgaas/common";
import { isWireSecret, sameValue, unwrapSecrets, wireSecret } from "../../provider/src/plugin/wire-values.js";
import type { Props } from "./grpc-call.js";
import {
  type LogEntry,
  NO_PROGRAM,
  type ProgramRoutes,
  type Registration,
  type RegistrationResult,
  type ResourceRead,
  startMonitorServer,
} from "./monitor-server.js";
import { runProgram } from "./program-run.js";
import { loadProject, type Project } from "./project.js";
import { checkFailureMessage, ProviderPool } from "./provider-pool.js";
import {
  creationOrder,
  deletionOrder,
  PROVIDER_TYPE_PREFIX,
  packageOf,
  providerUrnOf,
  resourceUrn,
  STACK_TYPE,
} from "./resource-graph.js";
import { jsonStateFile, type ResourceState, type StateStore } from "./state-file.js";

/** `discard`: a resource read with `get` leaves the state; nothing is deleted. */
export type StepOp = "create" | "read" | "update" | "replace" | "delete" | "discard" | "same" | "refresh";

export interface Step {
  readonly op: StepOp;
  readonly urn: string;
  readonly type: string;
  /** Properties that force a replacement (replace) or differ (update, refresh). */
  readonly keys: readonly string[];
}

export interface OperationResult {
  readonly steps: readonly Step[];
  /** The stack's outputs (the program's exports), secrets wrapped. */
  readonly outputs: Props;
  /** The state after the operation (for preview: the state before it). */
  readonly resources: readonly ResourceState[];
  readonly logs: readonly LogEntry[];
}

export class DeploymentError extends Error {
  readonly steps: readonly Step[];
  readonly logs: readonly LogEntry[];

  constructor(message: string, steps: readonly Step[], logs: readonly LogEntry[]) {
    super(message);
    this.name = "DeploymentError";
    this.steps = steps;
    this.logs = logs;
  }
}

export interface PulumiEngineOptions {
  /** The directory holding Pulumi.yaml. */
  readonly projectDir: string;
  readonly stack: string;
  readonly stateFile: string;
  /** Seals the secrets in the state file. */
  readonly passphrase: Secret;
  readonly organization?: string;
  /** Environment added for the program and the plugins. */
  readonly env?: NodeJS.ProcessEnv;
  readonly onLog?: (entry: LogEntry) => void;
}

export interface PulumiEngine {
  /** `pulumi config set [--secret] <key> <value>`: keys are `<namespace>:<name>`. */
  setConfig(key: string, value: string, options?: { secret?: boolean }): void;
  removeConfig(key: string): void;
  preview(): Promise<OperationResult>;
  /** Like `pulumi up --yes`: a preview first (its failures stop the update), then the update. */
  up(options?: { skipPreview?: boolean }): Promise<OperationResult>;
  refresh(): Promise<OperationResult>;
  destroy(): Promise<OperationResult>;
  state(): Promise<ResourceState[]>;
}

/** The program's and a Construct's parallelism (the CLI's default). */
const PARALLEL = 16;

interface ConfigValue {
  readonly value: string;
  readonly secret: boolean;
}

/** Outputs named in additionalSecretOutputs become secrets; refresh keeps what was secret secret. */
function markSecret(outputs: Props, keys: Iterable<string>): Props {
  const marked = { ...outputs };
  for (const key of keys) {
    if (key in marked && !isWireSecret(marked[key])) marked[key] = wireSecret(marked[key]);
  }
  return marked;
}

function secretKeysOf(props: Props): string[] {
  return Object.entries(props)
    .filter(([, value]) => isWireSecret(value))
    .map(([key]) => key);
}

function changedKeys(before: Props, after: Props): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => !sameValue(before[key], after[key])).sort();
}

export function createPulumiEngine(options: PulumiEngineOptions): PulumiEngine {
  const config = new Map<string, ConfigValue>();
  const store: StateStore = jsonStateFile(options.stateFile, options.passphrase);
  const env = options.env ?? {};

  /** The default provider's inputs: the stack config in the package's namespace, and its version. */
  const providerConfig = (pkg: string, version: string): Props => {
    const inputs: Props = {};
    for (const [key, { value, secret }] of config) {
      if (!key.startsWith(`${pkg}:`)) continue;
      inputs[key.slice(pkg.length + 1)] = secret ? wireSecret(value) : value;
    }
    if (version !== "") inputs.version = version;
    return inputs;
  };

  /** The stack config as the program (and a Construct) gets it: plain values, the secret keys apart. */
  const plainConfig = (): Record<string, string> =>
    Object.fromEntries([...config].map(([key, { value }]) => [key, value]));
  const secretConfigKeys = (): string[] => [...config].filter(([, { secret }]) => secret).map(([key]) => key);

  /**
   * Starts the monitor/engine server and a provider pool around `work`, and stops both afterwards.
   * Program calls go to `routes`, which an operation that runs a program fills in.
   */
  async function withServices<T>(
    project: Project,
    logs: LogEntry[],
    routes: ProgramRoutes,
    work: (address: string, pool: ProviderPool) => Promise<T>,
  ): Promise<T> {
    const server = await startMonitorServer({
      registerResource: (registration) => routes.registerResource(registration),
      registerResourceOutputs: (urn, outputs) => routes.registerResourceOutputs(urn, outputs),
      readResource: (read) => routes.readResource(read),
      invoke: (token, args, provider, version) => routes.invoke(token, args, provider, version),
      log: (entry) => {
        logs.push(entry);
        options.onLog?.(entry);
      },
    });
    const pool = new ProviderPool(project, server.address, env);
    try {
      return await work(server.address, pool);
    } finally {
      await pool.stopAll();
      await server.stop();
    }
  }

  /** The configured provider of a resource already in the state (refresh, destroy, dropped resources). */
  const providerFromState = async (
    pool: ProviderPool,
    reference: string,
    byUrn: ReadonlyMap<string, ResourceState>,
  ) => {
    const urn = providerUrnOf(reference);
    const open = pool.get(urn);
    if (open) return (await open).plugin;
    const provider = byUrn.get(urn);
    if (provider === undefined) throw new Error(`the state has no provider ${urn}`);
    return (await pool.open(urn, packageOf(provider.type), provider.inputs)).plugin;
  };

  async function deploy(dryRun: boolean): Promise<OperationResult> {
    const project = await loadProject(options.projectDir);
    const old = await store.load();
    const oldByUrn = new Map(old.map((resource) => [resource.urn, resource]));
    const steps: Step[] = [];
    const logs: LogEntry[] = [];
    const problems: string[] = [];
    const next = new Map<string, ResourceState>();
    const done = new Map<string, Promise<RegistrationResult>>();
    /** Remote components by URN: settled when the provider's Construct (all their children) is. */
    const constructs = new Map<string, Promise<RegistrationResult>>();
    /** A dependency is met when its registration (or, for a remote component, its Construct) is. */
    const settled = (urn: string) => constructs.get(urn) ?? done.get(urn);
    const replaced: ResourceState[] = [];
    const deleted = new Set<string>();
    let stackUrn = "";
    let saving = Promise.resolve();

    // What exists now: everything registered this run, and what the old state holds that was not
    // registered (yet) and not deleted.
    const snapshot = (): ResourceState[] => [
      ...old.filter((resource) => !next.has(resource.urn) && !deleted.has(resource.urn)),
      ...next.values(),
    ];
    const persist = () => {
      if (dryRun) return Promise.resolve();
      saving = saving.then(() => store.save(snapshot()));
      return saving;
    };

    const routes: ProgramRoutes = { ...NO_PROGRAM };
    return withServices(project, logs, routes, async (address, pool) => {
      const record = (entry: ResourceState, step: Step) => {
        next.set(entry.urn, entry);
        steps.push(step);
      };

      const registerComponent = (urn: string, r: Registration): RegistrationResult => {
        const before = oldByUrn.get(urn);
        record(
          {
            urn,
            type: r.type,
            custom: false,
            ...(r.parent ? { parent: r.parent } : {}),
            inputs: r.inputs,
            outputs: before?.outputs ?? {},
            dependencies: r.dependencies,
          },
          { op: before ? "same" : "create", urn, type: r.type, keys: [] },
        );
        return { urn, id: "", outputs: {} };
      };

      const registerProvider = async (urn: string, r: Registration): Promise<RegistrationResult> => {
        const before = oldByUrn.get(urn);
        const { inputs } = await pool.open(urn, packageOf(r.type), r.inputs, before?.inputs ?? {});
        const id = before?.id ?? randomUUID();
        const keys = before ? changedKeys(before.inputs, inputs) : [];
        record(
          { urn, type: r.type, custom: true, id, inputs, outputs: inputs, dependencies: r.dependencies },
          { op: !before ? "create" : keys.length > 0 ? "update" : "same", urn, type: r.type, keys },
        );
        await persist();
        return { urn, id, outputs: inputs };
      };

      const defaultProviders = new Map<string, Promise<string>>();
      const defaultProvider = (pkg: string, version: string): Promise<string> => {
        const name = version === "" ? "default" : `default_${version.replace(/[.+-]/g, "_")}`;
        const type = `${PROVIDER_TYPE_PREFIX}${pkg}`;
        const urn = resourceUrn(options.stack, project.name, type, name, "");
        let reference = defaultProviders.get(urn);
        if (reference === undefined) {
          reference = register({
            type,
            name,
            parent: "",
            custom: true,
            remote: false,
            inputs: providerConfig(pkg, version),
            dependencies: [],
            propertyDependencies: {},
            provider: "",
            version,
            deleteBeforeReplace: false,
            additionalSecretOutputs: [],
            acceptSecrets: true,
          }).then((result) => `${result.urn}::${result.id}`);
          defaultProviders.set(urn, reference);
        }
        return reference;
      };

      const registerCustom = async (urn: string, r: Registration): Promise<RegistrationResult> => {
        const reference =
          r.provider !== "" ? r.provider : await defaultProvider(packageOf(r.type), r.version);
        await done.get(providerUrnOf(reference));
        const provider = await pool.get(providerUrnOf(reference));
        if (provider === undefined) throw new Error(`provider ${reference} of ${urn} is not registered`);
        const { plugin } = provider;
        const before = oldByUrn.get(urn);
        const checked = await plugin.check(urn, before?.inputs ?? {}, r.inputs);
        if (checked.failures.length > 0)
          throw new Error(checkFailureMessage(r.type, r.name, checked.failures));
        const inputs = checked.inputs;
        let step: Step;
        let id: string;
        let outputs: Props;
        if (before?.id === undefined || before.id === "") {
          step = { op: "create", urn, type: r.type, keys: [] };
          ({ id, outputs } = dryRun ? { id: "", outputs: inputs } : await plugin.create(urn, inputs));
        } else {
          const diff = await plugin.diff(before.id, urn, before.outputs, inputs, before.inputs);
          const differs =
            diff.changes === "some" || (diff.changes === "unknown" && !sameValue(before.inputs, inputs));
          if (diff.replaces.length > 0) {
            step = { op: "replace", urn, type: r.type, keys: diff.replaces };
            if (dryRun) {
              ({ id, outputs } = { id: "", outputs: inputs });
            } else {
              if (diff.deleteBeforeReplace || r.deleteBeforeReplace) {
                await plugin.delete(before.id, urn, before.outputs, before.inputs);
              } else {
                replaced.push(before);
              }
              ({ id, outputs } = await plugin.create(urn, inputs));
            }
          } else if (differs) {
            step = {
              op: "update",
              urn,
              type: r.type,
              keys: diff.diffs.length > 0 ? diff.diffs : changedKeys(before.inputs, inputs),
            };
            id = before.id;
            outputs = dryRun
              ? { ...before.outputs, ...inputs }
              : await plugin.update(before.id, urn, before.outputs, inputs, before.inputs);
          } else {
            step = { op: "same", urn, type: r.type, keys: [] };
            id = before.id;
            outputs = before.outputs;
          }
        }
        outputs = markSecret(outputs, r.additionalSecretOutputs);
        record(
          {
            urn,
            type: r.type,
            custom: true,
            id,
            ...(r.parent ? { parent: r.parent } : {}),
            provider: reference,
            inputs,
            outputs,
            dependencies: r.dependencies,
            ...(r.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
          },
          step,
        );
        if (step.op !== "same") await persist();
        return { urn, id, outputs: r.acceptSecrets ? outputs : (unwrapSecrets(outputs) as Props) };
      };

      /** `get`: the provider's Read of an existing id; recorded as external, never changed or deleted. */
      const readExisting = async (read: ResourceRead): Promise<{ urn: string; outputs: Props }> => {
        const urn = resourceUrn(options.stack, project.name, read.type, read.name, read.parent);
        await Promise.all(read.dependencies.map(settled));
        const reference =
          read.provider !== "" ? read.provider : await defaultProvider(packageOf(read.type), read.version);
        await done.get(providerUrnOf(reference));
        const provider = await pool.get(providerUrnOf(reference));
        if (provider === undefined) throw new Error(`provider ${reference} of ${urn} is not registered`);
        const found = await provider.plugin.read(read.id, urn, {}, read.inputs);
        if (found.id === "") throw new Error(`${read.type} ${read.id} (read as ${read.name}) does not exist`);
        const outputs = markSecret(found.outputs, read.additionalSecretOutputs);
        record(
          {
            urn,
            type: read.type,
            custom: true,
            id: found.id,
            ...(read.parent ? { parent: read.parent } : {}),
            provider: reference,
            inputs: found.inputs,
            outputs,
            dependencies: read.dependencies,
            external: true,
          },
          { op: "read", urn, type: read.type, keys: [] },
        );
        const result = { urn, outputs: read.acceptSecrets ? outputs : (unwrapSecrets(outputs) as Props) };
        done.set(urn, Promise.resolve({ ...result, id: found.id }));
        return result;
      };

      /**
       * A remote component: the provider of its package builds it (Construct) and registers the
       * component and its children back through this monitor, where they land in the state as if the
       * program had registered them; the program gets the component's URN and outputs.
       */
      const construct = (urn: string, r: Registration): Promise<RegistrationResult> => {
        if (constructs.has(urn)) return Promise.reject(new Error(`duplicate resource URN ${urn}`));
        const work = (async () => {
          await Promise.all(r.dependencies.map(settled));
          const reference =
            r.provider !== "" ? r.provider : await defaultProvider(packageOf(r.type), r.version);
          await done.get(providerUrnOf(reference));
          const provider = await pool.get(providerUrnOf(reference));
          if (provider === undefined) throw new Error(`provider ${reference} of ${urn} is not registered`);
          const built = await provider.plugin.construct({
            project: project.name,
            stack: options.stack,
            organization: options.organization ?? "organization",
            config: plainConfig(),
            secretKeys: secretConfigKeys(),
            dryRun,
            parallel: PARALLEL,
            monitorEndpoint: address,
            type: r.type,
            name: r.name,
            parent: r.parent,
            inputs: r.inputs,
            inputDependencies: r.propertyDependencies,
            dependencies: r.dependencies,
          });
          if (built.urn !== urn) throw new Error(`Construct of ${urn} answered the URN ${built.urn}`);
          if (!next.has(urn)) throw new Error(`Construct of ${urn} did not register the component`);
          return {
            urn,
            id: "",
            outputs: r.acceptSecrets ? built.state : (unwrapSecrets(built.state) as Props),
          };
        })();
        constructs.set(urn, work);
        work.catch((error: unknown) => problems.push((error as Error).message));
        return work;
      };

      function register(r: Registration): Promise<RegistrationResult> {
        const urn = resourceUrn(
          options.stack,
          project.name,
          r.type,
          r.name,
          r.type === STACK_TYPE ? "" : r.parent,
        );
        if (r.remote && !r.custom) return construct(urn, r);
        if (done.has(urn)) return Promise.reject(new Error(`duplicate resource URN ${urn}`));
        if (r.type === STACK_TYPE) stackUrn = urn;
        const work = (async () => {
          // Dependencies finish before their dependents start, whatever order the program sends them in.
          await Promise.all(r.dependencies.map(settled));
          if (!r.custom) return registerComponent(urn, r);
          if (r.type.startsWith(PROVIDER_TYPE_PREFIX)) return registerProvider(urn, r);
          return registerCustom(urn, r);
        })();
        done.set(urn, work);
        work.catch((error: unknown) => problems.push((error as Error).message));
        return work;
      }

      Object.assign(routes, {
        registerResource: register,
        readResource: readExisting,
        registerResourceOutputs(urn: string, outputs: Props) {
          const entry = next.get(urn);
          if (entry === undefined) throw new Error(`RegisterResourceOutputs for unknown resource ${urn}`);
          next.set(urn, { ...entry, outputs });
        },
        async invoke(token: string, args: Props, provider: string, version: string) {
          const reference = provider !== "" ? provider : await defaultProvider(packageOf(token), version);
          const configured = await pool.get(providerUrnOf(reference));
          if (configured === undefined)
            throw new Error(`provider ${reference} for ${token} is not registered`);
          return configured.plugin.invoke(token, args);
        },
      } satisfies ProgramRoutes);

      const exit = await runProgram({
        project,
        stack: options.stack,
        organization: options.organization ?? "organization",
        // One server answers both: the resource monitor and the engine.
        monitorAddress: address,
        engineAddress: address,
        dryRun,
        config: plainConfig(),
        secretKeys: secretConfigKeys(),
        parallel: PARALLEL,
      });
      await Promise.allSettled(done.values());
      if (exit.code !== 0 || problems.length > 0) {
        await persist();
        const errors = logs.filter((entry) => entry.severity === "error").map((entry) => entry.message);
        throw new DeploymentError(
          [
            `${dryRun ? "preview" : "up"} failed (program exit code ${exit.code})`,
            ...new Set([...problems, ...errors]),
            ...(exit.code !== 0 && problems.length === 0 && errors.length === 0
              ? [exit.stderr.slice(-4000)]
              : []),
          ].join("\n"),
          steps,
          logs,
        );
      }

      // What the program no longer declares goes, dependents first; then what replacements left behind.
      const dropped = old.filter((resource) => !next.has(resource.urn));
      const byUrn = new Map([...old, ...next.values()].map((resource) => [resource.urn, resource]));
      for (const resource of [...deletionOrder(dropped), ...replaced]) {
        steps.push({
          op: resource.external ? "discard" : "delete",
          urn: resource.urn,
          type: resource.type,
          keys: [],
        });
        if (dryRun) continue;
        if (resource.custom && resource.provider && resource.id && !resource.external) {
          const plugin = await providerFromState(pool, resource.provider, byUrn);
          await plugin.delete(resource.id, resource.urn, resource.outputs, resource.inputs);
        }
        deleted.add(resource.urn);
        await persist();
      }
      await persist();
      await saving;
      return {
        steps,
        outputs: next.get(stackUrn)?.outputs ?? {},
        resources: dryRun ? old : snapshot(),
        logs,
      };
    });
  }

  return {
    setConfig(key, value, { secret = false } = {}) {
      if (!/^[^:]+:[^:]+$/.test(key)) throw new Error(`config key ${key} must look like <namespace>:<name>`);
      config.set(key, { value, secret });
    },
    removeConfig(key) {
      config.delete(key);
    },
    preview: () => deploy(true),
    async up({ skipPreview = false } = {}) {
      if (!skipPreview) await deploy(true);
      return deploy(false);
    },
    state: () => store.load(),

    async refresh() {
      const project = await loadProject(options.projectDir);
      const resources = await store.load();
      const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
      const steps: Step[] = [];
      const logs: LogEntry[] = [];
      return withServices(project, logs, NO_PROGRAM, async (_address, pool) => {
        for (const resource of creationOrder(resources)) {
          if (
            !resource.custom ||
            resource.type.startsWith(PROVIDER_TYPE_PREFIX) ||
            !resource.provider ||
            !resource.id
          )
            continue;
          const plugin = await providerFromState(pool, resource.provider, byUrn);
          const read = await plugin.read(resource.id, resource.urn, resource.outputs, resource.inputs);
          if (read.id === "") {
            byUrn.delete(resource.urn);
            steps.push({ op: "delete", urn: resource.urn, type: resource.type, keys: [] });
            continue;
          }
          const outputs = markSecret(read.outputs, secretKeysOf(resource.outputs));
          const keys = changedKeys(resource.outputs, outputs);
          byUrn.set(resource.urn, { ...resource, id: read.id, inputs: read.inputs, outputs });
          steps.push({
            op: keys.length > 0 ? "refresh" : "same",
            urn: resource.urn,
            type: resource.type,
            keys,
          });
        }
        const after = resources
          .filter((resource) => byUrn.has(resource.urn))
          .map((resource) => byUrn.get(resource.urn) as ResourceState);
        await store.save(after);
        const stack = after.find((resource) => resource.type === STACK_TYPE);
        return { steps, outputs: stack?.outputs ?? {}, resources: after, logs };
      });
    },

    async destroy() {
      const project = await loadProject(options.projectDir);
      const resources = await store.load();
      const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
      const remaining = new Map(byUrn);
      const steps: Step[] = [];
      const logs: LogEntry[] = [];
      return withServices(project, logs, NO_PROGRAM, async (_address, pool) => {
        for (const resource of deletionOrder(resources)) {
          steps.push({
            op: resource.external ? "discard" : "delete",
            urn: resource.urn,
            type: resource.type,
            keys: [],
          });
          if (
            resource.custom &&
            !resource.type.startsWith(PROVIDER_TYPE_PREFIX) &&
            resource.provider &&
            resource.id &&
            !resource.external
          ) {
            const plugin = await providerFromState(pool, resource.provider, byUrn);
            await plugin.delete(resource.id, resource.urn, resource.outputs, resource.inputs);
          }
          remaining.delete(resource.urn);
          await store.save(resources.filter((candidate) => remaining.has(candidate.urn)));
        }
        return { steps, outputs: {}, resources: [], logs };
      });
    },
  };
}
