// ControlPlaneClient over HTTPS (plain HTTP on loopback only, the config says so) with node:https:
// keep-alive, the control plane's CA pinned when configured, no fetch (it costs the agent ~10 MB).
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Secret } from "@pgaas/common";
import {
  AGENT_REPORT_PATH,
  type AgentCommandResult,
  AgentReportAck,
  type AgentReportBatch,
} from "@pgaas/common/wire";
import { ControlPlaneDownError, ControlPlaneRejectedError } from "../errors.js";
import type { ControlPlaneClient } from "./client.js";

/** Answers that may succeed later: the report must be kept and retried. */
const RETRYABLE_STATUS = new Set([401, 403, 404, 408, 425, 429]);

export interface HttpControlPlaneOptions {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  /** Read before every request: a rotated token file is picked up without a restart. */
  readonly token: () => Promise<Secret>;
  /** PEM of the control plane's CA: pinned as the only trust root (absent: the system's roots). */
  readonly ca?: string;
}

/** OpenSSL's and node's codes for a certificate the client refused (not a network failure). */
const CERTIFICATE_REFUSED = new Set([
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
]);

/** Why the exchange failed, in one line: a refused certificate is said to be one, with its reason. */
function failureReason(cause: unknown): string {
  const error = cause as Error & { code?: string };
  if (error.code !== undefined && CERTIFICATE_REFUSED.has(error.code)) {
    // Node appends a hint about the system's CA store: beside the point when the CA is pinned.
    const reason = error.message.split("; ")[0];
    return `TLS certificate verification failed (${error.code}: ${reason}): is controlPlane.caFile the CA that issued the control plane's certificate?`;
  }
  return error.message;
}

export class HttpControlPlaneClient implements ControlPlaneClient {
  readonly #options: HttpControlPlaneOptions;
  readonly #agent: HttpAgent;

  constructor(options: HttpControlPlaneOptions) {
    this.#options = options;
    const https = new URL(options.baseUrl).protocol === "https:";
    this.#agent = https
      ? new HttpsAgent({
          keepAlive: true,
          maxSockets: 2,
          minVersion: "TLSv1.2",
          ...(options.ca !== undefined ? { ca: options.ca } : {}),
        })
      : new HttpAgent({ keepAlive: true, maxSockets: 2 });
  }

  async sendReports(batch: AgentReportBatch): Promise<AgentReportAck> {
    const body = await this.#post(AGENT_REPORT_PATH, batch);
    const ack = AgentReportAck.safeParse(parseJson(body));
    if (!ack.success)
      throw new ControlPlaneDownError(`control plane answered an invalid ack: ${ack.error.message}`);
    return ack.data;
  }

  async sendCommandResult(commandId: string, result: AgentCommandResult): Promise<void> {
    await this.#post(`/v1/agent/commands/${encodeURIComponent(commandId)}/result`, result);
  }

  close(): void {
    this.#agent.destroy();
  }

  async #post(path: string, payload: unknown): Promise<string> {
    const url = new URL(path, this.#options.baseUrl);
    const token = await this.#options.token();
    const body = Buffer.from(JSON.stringify(payload));
    // A kept-alive socket the server closed while idle fails on reuse: that says nothing about the
    // server, so it is tried once more on a fresh socket before the control plane counts as down.
    const { status, text } = await this.#exchange(url, body, token)
      .catch((first: Error & { reusedSocket?: boolean }) =>
        first.reusedSocket ? this.#exchange(url, body, token) : Promise.reject(first),
      )
      .catch((cause: unknown) => {
        throw new ControlPlaneDownError(
          `control plane unreachable at ${url.origin}: ${failureReason(cause)}`,
          {
            cause,
          },
        );
      });
    if (status >= 200 && status < 300) return text;
    const summary = `control plane answered ${status} to POST ${url.pathname}: ${text.slice(0, 300)}`;
    if (status >= 500 || RETRYABLE_STATUS.has(status)) throw new ControlPlaneDownError(summary);
    throw new ControlPlaneRejectedError(summary, { details: { status } });
  }

  #exchange(url: URL, body: Buffer, token: Secret): Promise<HttpAnswer> {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise<HttpAnswer>((resolve, reject) => {
      const req = send(
        url,
        {
          method: "POST",
          agent: this.#agent,
          timeout: this.#options.timeoutMs,
          headers: {
            "content-type": "application/json",
            "content-length": body.length,
            authorization: `Bearer ${token.reveal()}`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
          );
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${this.#options.timeoutMs} ms`)));
      req.on("error", (error) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
      req.end(body);
    });
  }
}

interface HttpAnswer {
  readonly status: number;
  readonly text: string;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
