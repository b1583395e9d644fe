// The agent's HTTP endpoints. Open to anyone who can reach the port, because load balancers and the
// keepalived check call them without credentials: GET /primary (200 only on the writable, unfenced
// primary) and GET /health (200 while the loop ticks). Both answer with fixed words and nothing about
// the host. The details (GET /health/detail, GET /metrics) need the node's agent token as a Bearer
// token, or a caller on this host's loopback.
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { describeError, type Logger, type Secret } from "@pgaas/common";
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
  /** The node's agent token (re-read on rotation); callers of the detail endpoints present it. */
  readonly token: () => Promise<Secret>;
  readonly logger: Logger;
  readonly clock?: () => number;
}

type Access = "open" | "detail";

interface Route {
  readonly access: Access;
  handle(res: ServerResponse): Promise<void>;
}

const digest = (value: string) => createHash("sha256").update(value).digest();

function fromLoopback(req: IncomingMessage): boolean {
  const address = req.socket.remoteAddress ?? "";
  return address === "::1" || /^(::ffff:)?127\./.test(address);
}

/** Compares digests, so neither the token's length nor its content leaks through timing. */
async function presentsToken(req: IncomingMessage, token: () => Promise<Secret>): Promise<boolean> {
  const match = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? "");
  if (!match?.[1]) return false;
  return timingSafeEqual(digest(match[1]), digest((await token()).reveal()));
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

  const health = () => {
    const status = options.status();
    const age = status.lastTickAt === null ? null : clock() - status.lastTickAt;
    return { status, age, healthy: age !== null && age <= options.staleAfterMs };
  };

  const routes: Record<string, Route> = {
    "/health": {
      access: "open",
      handle: async (res) => {
        const { healthy } = health();
        send(
          res,
          healthy ? 200 : 503,
          "application/json",
          JSON.stringify({ status: healthy ? "ok" : "stale" }),
        );
      },
    },
    "/health/detail": {
      access: "detail",
      handle: async (res) => {
        const { status, age, healthy } = health();
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
    },
    "/primary": {
      access: "open",
      handle: async (res) => {
        const check = await checkPrimary();
        send(res, check.primary ? 200 : 503, "text/plain; charset=utf-8", `${check.reason}\n`);
      },
    },
    "/metrics": {
      access: "detail",
      handle: async (res) => {
        send(
          res,
          200,
          "text/plain; version=0.0.4; charset=utf-8",
          renderAgentMetrics(options.status(), options.node),
        );
      },
    },
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, route: Route) => {
    if (route.access === "detail" && !fromLoopback(req) && !(await presentsToken(req, options.token))) {
      res.setHeader("www-authenticate", 'Bearer realm="pgaas-agent"');
      return send(res, 401, "text/plain; charset=utf-8", "agent token required\n");
    }
    await route.handle(res);
  };

  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://agent").pathname;
    const route = routes[path];
    if (!route) return send(res, 404, "text/plain; charset=utf-8", "not found\n");
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      return send(res, 405, "text/plain; charset=utf-8", "method not allowed\n");
    }
    serve(req, res, route).catch((error: unknown) => {
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
    // The cause stays in the agent's log (each tick reports the down state too): the answer goes to
    // whoever can reach the port.
    options.logger.debug("primary check: postgres unreachable", { error: describeError(error) });
    return { primary: false, reason: "postgres unreachable" };
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
