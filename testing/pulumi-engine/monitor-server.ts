// The engine's side of the program's gRPC connection (and of a provider's while it constructs a
// component): ResourceMonitor (SupportsFeature, RegisterResource, RegisterResourceOutputs, ReadResource,
// Invoke) and Engine (Log, GetRootResource,
// SetRootResource) on one server on loopback. The deployment decides what each registration means;
// this file only translates messages. Methods not listed answer UNIMPLEMENTED (grpc-js's default),
// which the Node.js SDK treats as "feature not supported".
import * as grpc from "@grpc/grpc-js";
import enginerpc from "@pulumi/pulumi/proto/engine_grpc_pb.js";
import engineproto from "@pulumi/pulumi/proto/engine_pb.js";
import provproto from "@pulumi/pulumi/proto/provider_pb.js";
import resrpc from "@pulumi/pulumi/proto/resource_grpc_pb.js";
import resproto from "@pulumi/pulumi/proto/resource_pb.js";
import emptyproto from "google-protobuf/google/protobuf/empty_pb.js";
import { fromStruct, type Props, toStruct } from "./grpc-call.js";
import type { CheckFailure } from "./provider-plugin.js";

/** Features this engine implements; the SDK probes them one by one. */
const SUPPORTED_FEATURES = new Set(["secrets"]);

export type LogSeverity = "debug" | "info" | "warning" | "error";

export interface LogEntry {
  readonly severity: LogSeverity;
  readonly message: string;
  readonly urn: string;
}

export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly parent: string;
  readonly custom: boolean;
  /** A component the provider of its package builds (Construct), not the program. */
  readonly remote: boolean;
  readonly inputs: Props;
  /** Explicit and property dependencies, deduplicated. */
  readonly dependencies: string[];
  /** The dependencies of each input property (what Construct passes on as inputDependencies). */
  readonly propertyDependencies: Record<string, string[]>;
  /** `<urn>::<id>` of an explicit provider, or "" for the package's default provider. */
  readonly provider: string;
  readonly version: string;
  readonly deleteBeforeReplace: boolean;
  readonly additionalSecretOutputs: string[];
  readonly acceptSecrets: boolean;
}

export interface RegistrationResult {
  readonly urn: string;
  readonly id: string;
  readonly outputs: Props;
}

/** `Resource.get(name, id)`: an existing resource the program reads and does not manage. */
export interface ResourceRead {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string;
  /** What the program passed along with the id (usually nothing). */
  readonly inputs: Props;
  readonly dependencies: string[];
  readonly provider: string;
  readonly version: string;
  readonly additionalSecretOutputs: string[];
  readonly acceptSecrets: boolean;
}

export interface MonitorHandlers {
  registerResource(registration: Registration): Promise<RegistrationResult>;
  readResource(read: ResourceRead): Promise<{ urn: string; outputs: Props }>;
  registerResourceOutputs(urn: string, outputs: Props): void;
  invoke(
    token: string,
    args: Props,
    provider: string,
    version: string,
  ): Promise<{ result: Props; failures: CheckFailure[] }>;
  log(entry: LogEntry): void;
}

/** What a program may call; a deployment fills them in while its program runs. */
export type ProgramRoutes = Omit<MonitorHandlers, "log">;

/** The routes while no program runs (refresh, destroy, a plugin driven directly): every call fails. */
export const NO_PROGRAM: ProgramRoutes = {
  registerResource: () => Promise.reject(new Error("no program runs in this operation")),
  registerResourceOutputs: () => {
    throw new Error("no program runs in this operation");
  },
  readResource: () => Promise.reject(new Error("no program runs in this operation")),
  invoke: () => Promise.reject(new Error("no program runs in this operation")),
};

export interface MonitorServer {
  readonly address: string;
  stop(): Promise<void>;
}

type Callback = (error: Partial<grpc.ServiceError> | null, response?: unknown) => void;
interface Call<Request> {
  readonly request: Request;
}

const SEVERITIES: Record<number, LogSeverity> = {
  [engineproto.LogSeverity.DEBUG]: "debug",
  [engineproto.LogSeverity.INFO]: "info",
  [engineproto.LogSeverity.WARNING]: "warning",
  [engineproto.LogSeverity.ERROR]: "error",
};

function failed(callback: Callback, error: unknown): void {
  callback({ code: grpc.status.UNKNOWN, details: (error as Error).message ?? String(error) });
}

function registrationOf(request: resproto.RegisterResourceRequest): Registration {
  const dependencies = new Set(request.getDependenciesList());
  const propertyDependencies: Record<string, string[]> = {};
  request.getPropertydependenciesMap().forEach((deps, key) => {
    propertyDependencies[key] = deps.getUrnsList();
    for (const urn of deps.getUrnsList()) dependencies.add(urn);
  });
  return {
    type: request.getType(),
    name: request.getName(),
    parent: request.getParent(),
    custom: request.getCustom(),
    remote: request.getRemote(),
    inputs: fromStruct(request.getObject()),
    dependencies: [...dependencies],
    propertyDependencies,
    provider: request.getProvider(),
    version: request.getVersion(),
    deleteBeforeReplace: request.getDeletebeforereplace(),
    additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
    acceptSecrets: request.getAcceptsecrets(),
  };
}

export async function startMonitorServer(handlers: MonitorHandlers): Promise<MonitorServer> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  let rootUrn = "";

  server.addService(resrpc.ResourceMonitorService, {
    supportsFeature(call: Call<resproto.SupportsFeatureRequest>, callback: Callback) {
      callback(
        null,
        new resproto.SupportsFeatureResponse().setHassupport(SUPPORTED_FEATURES.has(call.request.getId())),
      );
    },
    registerResource(call: Call<resproto.RegisterResourceRequest>, callback: Callback) {
      handlers.registerResource(registrationOf(call.request)).then(
        (result) =>
          callback(
            null,
            new resproto.RegisterResourceResponse()
              .setUrn(result.urn)
              .setId(result.id)
              .setObject(toStruct(result.outputs)),
          ),
        (error) => failed(callback, error),
      );
    },
    readResource(call: Call<resproto.ReadResourceRequest>, callback: Callback) {
      const request = call.request;
      handlers
        .readResource({
          id: request.getId(),
          type: request.getType(),
          name: request.getName(),
          parent: request.getParent(),
          inputs: fromStruct(request.getProperties()),
          dependencies: request.getDependenciesList(),
          provider: request.getProvider(),
          version: request.getVersion(),
          additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
          acceptSecrets: request.getAcceptsecrets(),
        })
        .then(
          ({ urn, outputs }) =>
            callback(null, new resproto.ReadResourceResponse().setUrn(urn).setProperties(toStruct(outputs))),
          (error) => failed(callback, error),
        );
    },
    registerResourceOutputs(call: Call<resproto.RegisterResourceOutputsRequest>, callback: Callback) {
      try {
        handlers.registerResourceOutputs(call.request.getUrn(), fromStruct(call.request.getOutputs()));
        callback(null, new emptyproto.Empty());
      } catch (error) {
        failed(callback, error);
      }
    },
    invoke(call: Call<resproto.ResourceInvokeRequest>, callback: Callback) {
      const request = call.request;
      handlers
        .invoke(request.getTok(), fromStruct(request.getArgs()), request.getProvider(), request.getVersion())
        .then(
          ({ result, failures }) =>
            callback(
              null,
              new resproto.ResourceInvokeResponse()
                .setReturn(toStruct(result))
                .setFailuresList(
                  failures.map((failure) =>
                    new provproto.CheckFailure().setProperty(failure.property).setReason(failure.reason),
                  ),
                ),
            ),
          (error) => failed(callback, error),
        );
    },
  });

  server.addService(enginerpc.EngineService, {
    log(call: Call<engineproto.LogRequest>, callback: Callback) {
      handlers.log({
        severity: SEVERITIES[call.request.getSeverity()] ?? "info",
        message: call.request.getMessage(),
        urn: call.request.getUrn(),
      });
      callback(null, new emptyproto.Empty());
    },
    getRootResource(_call: Call<engineproto.GetRootResourceRequest>, callback: Callback) {
      callback(null, new engineproto.GetRootResourceResponse().setUrn(rootUrn));
    },
    setRootResource(call: Call<engineproto.SetRootResourceRequest>, callback: Callback) {
      rootUrn = call.request.getUrn();
      callback(null, new engineproto.SetRootResourceResponse());
    },
  });

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 5_000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
