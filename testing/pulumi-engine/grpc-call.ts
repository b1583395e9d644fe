// One unary gRPC call on a client generated from Pulumi's proto files, as a promise with a deadline,
// so a plugin that hangs fails the operation instead of the test; and Struct conversion both ways.
import * as grpc from "@grpc/grpc-js";
import structproto from "google-protobuf/google/protobuf/struct_pb.js";

type UnaryMethod<Response> = (
  request: unknown,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, response: Response) => void,
) => void;

export function unaryCall<Response>(
  client: grpc.Client,
  method: string,
  request: unknown,
  timeoutMs: number,
): Promise<Response> {
  const fn = (client as unknown as Record<string, UnaryMethod<Response> | undefined>)[method];
  if (typeof fn !== "function") return Promise.reject(new Error(`no gRPC method ${method}`));
  return new Promise((resolve, reject) => {
    fn.call(client, request, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (error, response) =>
      error ? reject(error) : resolve(response),
    );
  });
}

export type Props = Record<string, unknown>;

export function toStruct(value: Props): structproto.Struct {
  return structproto.Struct.fromJavaScript(value as Record<string, structproto.JavaScriptValue>);
}

export function fromStruct(struct: structproto.Struct | undefined): Props {
  return (struct?.toJavaScript() as Props | undefined) ?? {};
}

/** The message of a gRPC error without the "2 UNKNOWN: " prefix grpc-js adds. */
export function grpcMessage(error: unknown): string {
  const details = (error as Partial<grpc.ServiceError>).details;
  return typeof details === "string" && details !== "" ? details : String((error as Error).message ?? error);
}
