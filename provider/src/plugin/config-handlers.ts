// CheckConfig, DiffConfig and Configure for the pgaas plugin. Pulumi's Node.js provider server
// (@pulumi/pulumi 3.276) answers CheckConfig with UNIMPLEMENTED and drops Configure's variables, so a
// provider written with `pulumi.provider.main` cannot see its own configuration. We keep that server
// for everything else and replace only these three handlers, at the moment it registers its service.
// Checked again against 3.276.0: its `Provider` interface still has no config hooks (no checkConfig,
// diffConfig or configure) and its server still answers CheckConfig/DiffConfig with UNIMPLEMENTED,
// so this patch stays until an SDK release offers them.
import * as grpc from "@grpc/grpc-js";
import provrpc from "@pulumi/pulumi/proto/provider_grpc_pb.js";
import provproto from "@pulumi/pulumi/proto/provider_pb.js";
import structproto from "google-protobuf/google/protobuf/struct_pb.js";
import type { PgaasProvider } from "./provider.js";
import { parseProviderConfig } from "./provider-config.js";
import { sameValue } from "./wire-values.js";

type Callback = (error: unknown, response?: unknown) => void;
interface UnaryCall<Request> {
  readonly request: Request;
}

function structToObject(struct: structproto.Struct | undefined): Record<string, unknown> {
  return (struct?.toJavaScript() as Record<string, unknown> | undefined) ?? {};
}

/** The three config handlers, bound to a provider. */
export function configHandlers(provider: PgaasProvider) {
  return {
    checkConfig(call: UnaryCall<provproto.CheckRequest>, callback: Callback): void {
      const news = structToObject(call.request.getNews());
      const response = new provproto.CheckResponse();
      response.setInputs(
        structproto.Struct.fromJavaScript(news as Record<string, structproto.JavaScriptValue>),
      );
      response.setFailuresList(
        provider.checkConfig(news).map((failure) => {
          const item = new provproto.CheckFailure();
          item.setProperty(failure.property);
          item.setReason(failure.reason);
          return item;
        }),
      );
      callback(null, response);
    },

    diffConfig(call: UnaryCall<provproto.DiffRequest>, callback: Callback): void {
      const olds = structToObject(call.request.getOlds());
      const news = structToObject(call.request.getNews());
      const diffs = ["controlPlaneUrl", "apiToken"].filter((key) => !sameValue(olds[key], news[key]));
      const response = new provproto.DiffResponse();
      response.setChanges(
        diffs.length > 0
          ? provproto.DiffResponse.DiffChanges.DIFF_SOME
          : provproto.DiffResponse.DiffChanges.DIFF_NONE,
      );
      response.setDiffsList(diffs);
      callback(null, response);
    },

    configure(call: UnaryCall<provproto.ConfigureRequest>, callback: Callback): void {
      try {
        const variables = new Map(call.request.getVariablesMap().toArray() as [string, string][]);
        provider.configure(parseProviderConfig(structToObject(call.request.getArgs()), variables));
      } catch (error) {
        callback({ code: grpc.status.INVALID_ARGUMENT, details: (error as Error).message });
        return;
      }
      const response = new provproto.ConfigureResponse();
      // Secrets arrive wrapped and are unwrapped by the handlers; no resource references or output
      // values (the handlers take plain property values), no create/update during preview.
      response.setAcceptsecrets(true);
      response.setAcceptresources(false);
      response.setAcceptoutputs(false);
      response.setSupportspreview(false);
      callback(null, response);
    },
  };
}

/** Makes the next ResourceProvider service registered on a gRPC server use our config handlers. */
export function installConfigHandlers(provider: PgaasProvider): void {
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (service, implementation) {
    if (service !== provrpc.ResourceProviderService) return addService.call(this, service, implementation);
    // Keep Pulumi's implementation (and its `this`) for every other method.
    const patched = Object.assign(Object.create(implementation), configHandlers(provider));
    return addService.call(this, service, patched);
  };
}
