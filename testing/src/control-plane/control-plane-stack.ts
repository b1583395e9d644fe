// The real control plane (portal/server) on a throwaway store, listening where lab hosts reach it,
// over HTTPS with a throwaway CA (the agents pin it, as deployed ones do), with the first admin logged
// in: for the agents' real-pair tests and benchmarks. `restart()` brings it back on the same port after
// `stop()` (an outage); `registerPair` returns the agents' tokens.

import { memoryLogger, Secret } from "@pgaas/common";
import { pinnedFetch } from "@pgaas/common/pinned-fetch";
import { type PairSecrets, type PairSpec, pairRegistration } from "@pgaas/engine";
import { type RunningServer, startServer } from "@pgaas/portal";
import { startThrowawayPostgres, type ThrowawayPostgres } from "../throwaway-postgres.js";
import { httpsServerConfig } from "./https-server-config.js";

const ADMIN = { email: "admin@example.com", password: "agent-pair-admin-password" };

export interface PairView {
  readonly primary: string | null;
  readonly health: string;
  readonly syncState: string;
  readonly nodes: ReadonlyArray<{
    name: string;
    role: string;
    writable: boolean;
    state: string;
    lastReportAt: string | null;
    healState: string;
  }>;
}

export type Api = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: unknown }>;

export interface ControlPlaneStack {
  readonly store: ThrowawayPostgres;
  /** https://<listen host>:<port> */
  readonly url: string;
  /** PEM of the throwaway CA the server's certificate comes from. */
  readonly caCertificate: string;
  /** The spec's `agent` fields that point agents at this control plane (URL and pinned CA). */
  readonly agentTarget: { readonly controlPlaneUrl: string; readonly controlPlaneCa: string };
  /** fetch that trusts the throwaway CA, for raw calls to `url`. */
  readonly fetch: typeof fetch;
  registerPair(
    spec: PairSpec,
    secrets: PairSecrets,
  ): Promise<{ pairId: string; agentTokens: Record<string, Secret> }>;
  pair(pairId: string): Promise<PairView>;
  /** Any API call as the logged-in admin; a JSON body is parsed, others are text (undefined when empty). */
  request: Api;
  /** Logs in as another user and calls the API as that user. */
  as(user: { email: string; password: string }): Promise<Api>;
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Stops the server (if running) and the store. */
  close(): Promise<void>;
}

export async function startControlPlaneStack(listenHost: string): Promise<ControlPlaneStack> {
  const store = await startThrowawayPostgres("pga-store");
  const https = await httpsServerConfig({
    storeUrl: store.url,
    listenHost,
    altNames: ["127.0.0.1"],
    admin: ADMIN,
  }).catch(async (error: unknown) => {
    await store.stop();
    throw error;
  });
  const caCertificate = https.caCertificate;
  let config = https.config;
  const fetch = pinnedFetch(caCertificate);
  let server: RunningServer | null = await startServer(config, memoryLogger("control-plane")).catch(
    async (error) => {
      await store.stop();
      throw error;
    },
  );
  // Restarts come back on the same port: the agents' config names it.
  config = { ...config, port: server.port };
  const url = server.url;
  const as = async (user: { email: string; password: string }): Promise<Api> => {
    const login = await fetch(`${url}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(user),
    });
    if (login.status !== 200) throw new Error(`login as ${user.email}: ${login.status}`);
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    return async (method, path, body) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { "content-type": "application/json", cookie, origin: url },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      const json = (res.headers.get("content-type") ?? "").includes("json");
      return { status: res.status, body: text === "" ? undefined : json ? JSON.parse(text) : text };
    };
  };
  const api = await as(ADMIN);
  const stop = async () => {
    await server?.stop();
    server = null;
  };
  return {
    store,
    url,
    caCertificate,
    agentTarget: { controlPlaneUrl: url, controlPlaneCa: caCertificate },
    fetch,
    async registerPair(spec, secrets) {
      const reply = await api("POST", "/v1/pairs", pairRegistration(spec, secrets));
      if (reply.status !== 201)
        throw new Error(`registering ${spec.name}: ${reply.status} ${JSON.stringify(reply.body)}`);
      const { pair, agentTokens } = reply.body as {
        pair: { id: string };
        agentTokens: Record<string, string>;
      };
      return {
        pairId: pair.id,
        agentTokens: Object.fromEntries(
          Object.entries(agentTokens).map(([node, token]) => [node, new Secret(token)]),
        ),
      };
    },
    async pair(pairId) {
      return ((await api("GET", `/v1/pairs/${pairId}`)).body as { pair: PairView }).pair;
    },
    request: api,
    as,
    stop,
    async restart() {
      server ??= await startServer(config, memoryLogger("control-plane"));
    },
    async close() {
      await stop();
      await store.stop();
    },
  };
}
