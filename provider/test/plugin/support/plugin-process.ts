// Boots the pgaas provider plugin as the engine would (a child process that prints its gRPC port) and
// talks to it over gRPC with Pulumi's own generated client and messages.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import provrpc from "@pulumi/pulumi/proto/provider_grpc_pb.js";
import provproto from "@pulumi/pulumi/proto/provider_pb.js";
import structproto from "google-protobuf/google/protobuf/struct_pb.js";

const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

export type Props = Record<string, unknown>;

export interface PluginProcess {
  readonly client: provrpc.ResourceProviderClient;
  /** Everything the plugin wrote to stderr (its structured logs). */
  readonly stderr: string[];
  /** One unary call by method name, e.g. call("create", request). */
  call<Response>(method: string, request: unknown): Promise<Response>;
  stop(): Promise<void>;
}

export function struct(value: Props): structproto.Struct {
  return structproto.Struct.fromJavaScript(value as Record<string, structproto.JavaScriptValue>);
}

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:test::pgaas::${type}::${name}`;
}

export function checkRequest(urn: string, olds: Props, news: Props): provproto.CheckRequest {
  return new provproto.CheckRequest().setUrn(urn).setOlds(struct(olds)).setNews(struct(news));
}

export function diffRequest(id: string, urn: string, olds: Props, news: Props): provproto.DiffRequest {
  return new provproto.DiffRequest().setId(id).setUrn(urn).setOlds(struct(olds)).setNews(struct(news));
}

export function createRequest(urn: string, props: Props): provproto.CreateRequest {
  return new provproto.CreateRequest().setUrn(urn).setProperties(struct(props));
}

export function readRequest(id: string, urn: string, props: Props): provproto.ReadRequest {
  return new provproto.ReadRequest().setId(id).setUrn(urn).setProperties(struct(props));
}

export function updateRequest(id: string, urn: string, olds: Props, news: Props): provproto.UpdateRequest {
  return new provproto.UpdateRequest().setId(id).setUrn(urn).setOlds(struct(olds)).setNews(struct(news));
}

export function deleteRequest(id: string, urn: string, props: Props): provproto.DeleteRequest {
  return new provproto.DeleteRequest().setId(id).setUrn(urn).setProperties(struct(props));
}

export function configureRequest(
  args: Props,
  variables: Record<string, string> = {},
): provproto.ConfigureRequest {
  const request = new provproto.ConfigureRequest().setArgs(struct(args)).setAcceptsecrets(true);
  for (const [key, value] of Object.entries(variables)) request.getVariablesMap().set(key, value);
  return request;
}

/** Starts `node --conditions=pgaas-source --import tsx provider/src/plugin/main.ts` and connects. */
export async function startPlugin(env: NodeJS.ProcessEnv = {}): Promise<PluginProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--conditions=pgaas-source", "--import", "tsx", "provider/src/plugin/main.ts"],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, PGAAS_CONTROL_PLANE_URL: "", PGAAS_API_TOKEN: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const stderr: string[] = [];
  child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`plugin did not print its port in 30 s: ${stderr.join("")}`)),
      30_000,
    );
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = /^(\d+)\s*$/m.exec(out);
      if (line) {
        clearTimeout(timer);
        resolve(Number(line[1]));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`plugin exited with ${code}: ${stderr.join("")}`));
    });
  });
  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    client,
    stderr,
    call<Response>(method: string, request: unknown) {
      return new Promise<Response>((resolve, reject) => {
        const fn = (
          client as unknown as Record<string, (r: unknown, cb: (e: unknown, v: Response) => void) => void>
        )[method];
        if (fn === undefined) throw new Error(`no gRPC method ${method}`);
        fn.call(client, request, (error, value) => (error ? reject(error) : resolve(value)));
      });
    },
    async stop() {
      client.close();
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
