// One webhook POST with node:http/https: a hard timeout, no redirects followed (a redirect is an
// answer the receiver must fix, not a place to send the alert to), the response body discarded.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

export const SEND_TIMEOUT_MS = 5000;

export interface SendResult {
  /** The HTTP status, or null when there was no answer (refused, timed out, TLS failure). */
  readonly status: number | null;
  readonly error: string | null;
}

export type WebhookSender = (
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
) => Promise<SendResult>;

export const sendWebhook: WebhookSender = (url, body, headers) =>
  new Promise((resolve) => {
    const target = new URL(url);
    const request = (target.protocol === "https:" ? httpsRequest : httpRequest)(
      target,
      {
        method: "POST",
        headers: {
          ...headers,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "user-agent": "pgaas-alerts/1",
        },
        timeout: SEND_TIMEOUT_MS,
      },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        resolve({ status, error: ok ? null : `HTTP ${status}` });
      },
    );
    request.on("timeout", () => {
      request.destroy(new Error(`no answer within ${SEND_TIMEOUT_MS / 1000} s`));
    });
    request.on("error", (error: NodeJS.ErrnoException) => {
      resolve({ status: null, error: error.code ?? error.message });
    });
    request.end(body);
  });
