// The agent's HTTP endpoints: GET /health (the loop is alive), GET /primary (200 only on the writable,
// unfenced primary: the GCP load balancer and the keepalived check both use it), GET /metrics.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { describeError, type Logger } from "@pgaas/common";
import type { AgentStatus } from "../agent.js";
import type { HostProbe } from "../host/host-probe.js";
import type { PostgresProbe } from "../postgres/probe.js";
import { renderAgentMetrics } from "./prometheus.js";

export interface AgentHttpOptions {
  readonly status: () => AgentStatus;
  /** /primary asks PostgreSQL live: a cached answer could keep the VIP on a node that just fenced. */
  readonly probe: Pick<PostgresProbe, "acceptsWrites">;
  readonly host: Pick<HostProbe, "fenced">;
  readonly node: { readonly pair: string; readonly node: string };
  /** /health answers 503 when no tick ran for this long. */
  readonly staleAfterMs: number;
  readonly logger: Logger;
  readonly clock?: () => number;
}

interface PrimaryCheck {
  readonly primary: boolean;
  readonly reason: string;
}

export function createAgentHttpServer(options: AgentHttpOptions): Server {
  const clock = options.clock ?? Date.now;
  let inflight: Promise<PrimaryCheck> | null = null;
  // Concurrent health checks share one probe: a burst of LB checks is one query.
  const checkPrimary = (): Promise<PrimaryCheck> => {
    inflight ??= primaryCheck(options).finally(() => {
      inflight = null;
    });
    return inflight;
  };

  const routes: Record<string, (res: ServerResponse) => Promise<void>> = {
    "/health": async (res) => {
      const status = options.status();
      const age = status.lastTickAt === null ? null : clock() - status.lastTickAt;
      const healthy = age !== null && age <= options.staleAfterMs;
      send(
        res,
        healthy ? 200 : 503,
        "application/json",
        JSON.stringify({
          status: healthy ? "ok" : "stale",
          lastTickAgeMs: age,
          lastDecision: status.lastDecision,
          role: status.state?.role ?? null,
          controlPlaneFailures: status.controlPlaneFailures,
          spooledReports: status.spool.reports,
        }),
      );
    },
    "/primary": async (res) => {
      const check = await checkPrimary();
      send(res, check.primary ? 200 : 503, "text/plain; charset=utf-8", `${check.reason}\n`);
    },
    "/metrics": async (res) => {
      send(
        res,
        200,
        "text/plain; version=0.0.4; charset=utf-8",
        renderAgentMetrics(options.status(), options.node),
      );
    },
  };

  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://agent").pathname;
    const route = routes[path];
    if (!route) return send(res, 404, "text/plain; charset=utf-8", "not found\n");
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      return send(res, 405, "text/plain; charset=utf-8", "method not allowed\n");
    }
    route(res).catch((error: unknown) => {
      options.logger.error("bug: http handler failed", { path, error: describeError(error) });
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", "internal error\n");
    });
  });
}

async function primaryCheck(options: AgentHttpOptions): Promise<PrimaryCheck> {
  if (await options.host.fenced()) return { primary: false, reason: "fenced" };
  try {
    return (await options.probe.acceptsWrites())
      ? { primary: true, reason: "primary" }
      : { primary: false, reason: "not a writable primary" };
  } catch (error) {
    return { primary: false, reason: `postgres unreachable: ${describeError(error)}` };
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    "content-type": type,
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(body),
  });
  res.end(res.req.method === "HEAD" ? undefined : body);
}
