// A real HTTP server standing in for the control plane's agent routes: checks the bearer token,
// validates bodies with the shared wire schemas, de-duplicates by reportId like the real one, and
// records everything. It can be stopped and restarted on the same port to simulate an outage. With a
// certificate it serves HTTPS, as the real one does off loopback.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import {
  AGENT_REPORT_PATH,
  type AgentCommand,
  AgentCommandResult,
  type AgentReport,
  AgentReportBatch,
} from "@pgaas/common/wire";

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: string;
}

export class RecordingControlPlane {
  readonly token: string;
  readonly requests: RecordedRequest[] = [];
  /** Reports taken, in arrival order, without duplicates. */
  readonly accepted: AgentReport[] = [];
  duplicates = 0;
  readonly results: Array<{ id: string; result: AgentCommandResult }> = [];
  /** Commands handed out with every ack (until cleared). */
  commands: AgentCommand[] = [];
  /** When set, every request is answered with this status and body. */
  forced: { status: number; body: string } | null = null;
  /** Delay before answering, to simulate a slow control plane. */
  delayMs = 0;
  #server: Server | null = null;
  #port = 0;
  readonly #tls: { readonly cert: string; readonly key: string } | undefined;

  constructor(token: string, tls?: { readonly cert: string; readonly key: string }) {
    this.token = token;
    this.#tls = tls;
  }

  get url(): string {
    return `${this.#tls ? "https" : "http"}://127.0.0.1:${this.#port}`;
  }

  async start(): Promise<void> {
    const handle = (req: IncomingMessage, res: ServerResponse) => void this.#handle(req, res);
    const server = this.#tls ? createHttpsServer(this.#tls, handle) : createServer(handle);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.#port, "127.0.0.1", () => resolve());
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const path = req.url ?? "/";
    this.requests.push({ method: req.method ?? "", path, authorization: req.headers.authorization, body });
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const reply = (status: number, payload?: unknown) => {
      const text = payload === undefined ? "" : JSON.stringify(payload);
      res.writeHead(status, { "content-type": "application/json" }).end(text);
    };
    if (this.forced) {
      res.writeHead(this.forced.status, { "content-type": "application/json" }).end(this.forced.body);
      return;
    }
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      return reply(401, { error: { code: "unauthenticated", message: "bad agent token" }, requestId: "r" });
    }
    const resultPath = /^\/v1\/agent\/commands\/([^/]+)\/result$/.exec(path);
    if (req.method === "POST" && path === AGENT_REPORT_PATH) {
      const batch = AgentReportBatch.safeParse(JSON.parse(body));
      if (!batch.success)
        return reply(400, { error: { code: "invalid_input", message: batch.error.message }, requestId: "r" });
      let duplicates = 0;
      const known = new Set(this.accepted.map((report) => report.reportId));
      for (const report of batch.data.reports) {
        if (known.has(report.reportId)) duplicates += 1;
        else {
          known.add(report.reportId);
          this.accepted.push(report);
        }
      }
      this.duplicates += duplicates;
      return reply(200, {
        accepted: batch.data.reports.length - duplicates,
        duplicates,
        commands: this.commands,
      });
    }
    if (req.method === "POST" && resultPath?.[1]) {
      const result = AgentCommandResult.safeParse(JSON.parse(body));
      if (!result.success)
        return reply(400, {
          error: { code: "invalid_input", message: result.error.message },
          requestId: "r",
        });
      this.results.push({ id: decodeURIComponent(resultPath[1]), result: result.data });
      return reply(204);
    }
    return reply(404, { error: { code: "not_found", message: "no such route" }, requestId: "r" });
  }
}
