// A resource provider plugin started the way the Pulumi engine starts a Node.js provider: the language
// host runs `node @pulumi/pulumi/cmd/run-plugin <plugin dir> <engine address>` in the program's
// directory, reads the gRPC port from the plugin's stdout and talks ResourceProvider to it (CRUD,
// Invoke, and Construct of remote components).
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import type plugproto from "@pulumi/pulumi/proto/plugin_pb.js";
import provrpc from "@pulumi/pulumi/proto/provider_grpc_pb.js";
import provproto from "@pulumi/pulumi/proto/provider_pb.js";
import emptyproto from "google-protobuf/google/protobuf/empty_pb.js";
import { fromStruct, type Props, toStruct, unaryCall } from "./grpc-call.js";

const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
}

export interface CheckResult {
  readonly inputs: Props;
  readonly failures: CheckFailure[];
}

export type DiffChanges = "unknown" | "none" | "some";

export interface DiffResult {
  readonly changes: DiffChanges;
  readonly replaces: string[];
  readonly diffs: string[];
  readonly deleteBeforeReplace: boolean;
}

/** What Construct needs besides the component's registration: the deployment it runs in. */
export interface ConstructRequest {
  readonly project: string;
  readonly stack: string;
  readonly organization: string;
  /** Stack config by full key (`<namespace>:<key>`), plain values. */
  readonly config: Readonly<Record<string, string>>;
  readonly secretKeys: readonly string[];
  readonly dryRun: boolean;
  readonly parallel: number;
  /** The resource monitor the provider registers the component and its children with. */
  readonly monitorEndpoint: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string;
  readonly inputs: Props;
  readonly inputDependencies: Readonly<Record<string, readonly string[]>>;
  readonly dependencies: readonly string[];
}

export interface PluginOptions {
  /** The plugin's directory (its package.json `main` is what run-plugin loads). */
  readonly directory: string;
  /** The program's directory: the working directory and where @pulumi/pulumi is resolved from. */
  readonly cwd: string;
  /** The engine's gRPC address, passed as the plugin's first argument. */
  readonly engineAddress: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Deadline of one call; the CRUD calls of a real pair take minutes. */
  readonly callTimeoutMs?: number;
}

export interface ProviderPlugin {
  readonly pid: number;
  /** What the plugin wrote to stderr so far. */
  stderr(): string;
  getPluginInfo(): Promise<string>;
  getSchema(): Promise<string>;
  checkConfig(urn: string, olds: Props, news: Props): Promise<CheckResult>;
  configure(args: Props, variables: Record<string, string>): Promise<void>;
  check(urn: string, olds: Props, news: Props): Promise<CheckResult>;
  diff(id: string, urn: string, olds: Props, news: Props, oldInputs: Props): Promise<DiffResult>;
  create(urn: string, inputs: Props): Promise<{ id: string; outputs: Props }>;
  read(
    id: string,
    urn: string,
    outputs: Props,
    inputs: Props,
  ): Promise<{ id: string; outputs: Props; inputs: Props }>;
  update(id: string, urn: string, olds: Props, news: Props, oldInputs: Props): Promise<Props>;
  delete(id: string, urn: string, outputs: Props, inputs: Props): Promise<void>;
  invoke(token: string, args: Props): Promise<{ result: Props; failures: CheckFailure[] }>;
  /** Builds a remote component: answers its URN and its outputs (secrets wrapped). */
  construct(request: ConstructRequest): Promise<{ urn: string; state: Props }>;
  stop(): Promise<void>;
}

/** The run-plugin script of the @pulumi/pulumi the program uses (as the language host locates it). */
export function runPluginScript(programDir: string): string {
  return createRequire(join(programDir, "package.json")).resolve("@pulumi/pulumi/cmd/run-plugin");
}

const DIFF_CHANGES: Record<number, DiffChanges> = {
  [provproto.DiffResponse.DiffChanges.DIFF_UNKNOWN]: "unknown",
  [provproto.DiffResponse.DiffChanges.DIFF_NONE]: "none",
  [provproto.DiffResponse.DiffChanges.DIFF_SOME]: "some",
};

function failuresOf(list: provproto.CheckFailure[]): CheckFailure[] {
  return list.map((failure) => ({ property: failure.getProperty(), reason: failure.getReason() }));
}

export async function startProviderPlugin(options: PluginOptions): Promise<ProviderPlugin> {
  const child: ChildProcess = spawn(
    process.execPath,
    [runPluginScript(options.cwd), options.directory, options.engineAddress],
    { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    let stdout = "";
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`provider plugin ${options.directory} ${why}; stderr:\n${stderr.slice(-4000)}`));
    };
    const timer = setTimeout(() => fail(`printed no port in ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = /^(\d+)\s*$/m.exec(stdout);
      if (line) {
        clearTimeout(timer);
        resolve(Number(line[1]));
      }
    });
    child.once("exit", (code, signal) =>
      fail(`exited (code ${code}, signal ${signal}) before printing its port`),
    );
    child.once("error", (error) => fail(`could not start: ${error.message}`));
  });
  // After the port, stdout carries nothing the engine needs; keep the pipe drained.
  child.stdout?.removeAllListeners("data");
  child.stdout?.resume();
  child.removeAllListeners("exit");

  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const timeoutMs = options.callTimeoutMs ?? 600_000;
  const call = <Response>(method: string, request: unknown) =>
    unaryCall<Response>(client, method, request, timeoutMs);
  const pid = child.pid ?? 0;

  return {
    pid,
    stderr: () => stderr,
    async getPluginInfo() {
      const info = await call<plugproto.PluginInfo>("getPluginInfo", new emptyproto.Empty());
      return info.getVersion();
    },
    async getSchema() {
      const response = await call<provproto.GetSchemaResponse>("getSchema", new provproto.GetSchemaRequest());
      return response.getSchema();
    },
    async checkConfig(urn, olds, news) {
      const request = new provproto.CheckRequest()
        .setUrn(urn)
        .setOlds(toStruct(olds))
        .setNews(toStruct(news));
      try {
        const response = await call<provproto.CheckResponse>("checkConfig", request);
        return { inputs: fromStruct(response.getInputs()), failures: failuresOf(response.getFailuresList()) };
      } catch (error) {
        // As the engine does: a provider without CheckConfig takes its config as given.
        if ((error as grpc.ServiceError).code === grpc.status.UNIMPLEMENTED)
          return { inputs: news, failures: [] };
        throw error;
      }
    },
    async configure(args, variables) {
      const request = new provproto.ConfigureRequest()
        .setArgs(toStruct(args))
        .setAcceptsecrets(true)
        .setAcceptresources(false);
      for (const [key, value] of Object.entries(variables)) request.getVariablesMap().set(key, value);
      await call<provproto.ConfigureResponse>("configure", request);
    },
    async check(urn, olds, news) {
      const request = new provproto.CheckRequest()
        .setUrn(urn)
        .setOlds(toStruct(olds))
        .setNews(toStruct(news));
      const response = await call<provproto.CheckResponse>("check", request);
      return { inputs: fromStruct(response.getInputs()), failures: failuresOf(response.getFailuresList()) };
    },
    async diff(id, urn, olds, news, oldInputs) {
      const request = new provproto.DiffRequest()
        .setId(id)
        .setUrn(urn)
        .setOlds(toStruct(olds))
        .setNews(toStruct(news))
        .setOldInputs(toStruct(oldInputs));
      const response = await call<provproto.DiffResponse>("diff", request);
      return {
        changes: DIFF_CHANGES[response.getChanges()] ?? "unknown",
        replaces: response.getReplacesList(),
        diffs: response.getDiffsList(),
        deleteBeforeReplace: response.getDeletebeforereplace(),
      };
    },
    async create(urn, inputs) {
      const request = new provproto.CreateRequest().setUrn(urn).setProperties(toStruct(inputs));
      const response = await call<provproto.CreateResponse>("create", request);
      return { id: response.getId(), outputs: fromStruct(response.getProperties()) };
    },
    async read(id, urn, outputs, inputs) {
      const request = new provproto.ReadRequest()
        .setId(id)
        .setUrn(urn)
        .setProperties(toStruct(outputs))
        .setInputs(toStruct(inputs));
      const response = await call<provproto.ReadResponse>("read", request);
      return {
        id: response.getId(),
        outputs: fromStruct(response.getProperties()),
        inputs: response.hasInputs() ? fromStruct(response.getInputs()) : inputs,
      };
    },
    async update(id, urn, olds, news, oldInputs) {
      const request = new provproto.UpdateRequest()
        .setId(id)
        .setUrn(urn)
        .setOlds(toStruct(olds))
        .setNews(toStruct(news))
        .setOldInputs(toStruct(oldInputs));
      const response = await call<provproto.UpdateResponse>("update", request);
      return fromStruct(response.getProperties());
    },
    async delete(id, urn, outputs, inputs) {
      const request = new provproto.DeleteRequest()
        .setId(id)
        .setUrn(urn)
        .setProperties(toStruct(outputs))
        .setOldInputs(toStruct(inputs));
      await call<unknown>("delete", request);
    },
    async invoke(token, args) {
      const request = new provproto.InvokeRequest().setTok(token).setArgs(toStruct(args));
      const response = await call<provproto.InvokeResponse>("invoke", request);
      return { result: fromStruct(response.getReturn()), failures: failuresOf(response.getFailuresList()) };
    },
    async construct(c) {
      const request = new provproto.ConstructRequest()
        .setProject(c.project)
        .setStack(c.stack)
        .setOrganization(c.organization)
        .setConfigsecretkeysList([...c.secretKeys])
        .setDryrun(c.dryRun)
        .setParallel(c.parallel)
        .setMonitorendpoint(c.monitorEndpoint)
        .setType(c.type)
        .setName(c.name)
        .setParent(c.parent)
        .setInputs(toStruct(c.inputs))
        .setDependenciesList([...c.dependencies])
        .setAcceptsOutputValues(false);
      for (const [key, value] of Object.entries(c.config)) request.getConfigMap().set(key, value);
      for (const [key, urns] of Object.entries(c.inputDependencies)) {
        request
          .getInputdependenciesMap()
          .set(key, new provproto.ConstructRequest.PropertyDependencies().setUrnsList([...urns]));
      }
      const response = await call<provproto.ConstructResponse>("construct", request);
      return { urn: response.getUrn(), state: fromStruct(response.getState()) };
    },
    async stop() {
      client.close();
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
