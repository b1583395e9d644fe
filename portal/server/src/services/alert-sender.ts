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

export function sendWebhook(
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
): Promise<SendResult> {
  return new Promise((resolve) => {
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
      },
      (response) => {
        clearTimeout(deadline);
        response.resume();
        const status = response.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        resolve({ status, error: ok ? null : `HTTP ${status}` });
      },
    );
    // A deadline for the whole exchange, not an idle timeout: a receiver trickling bytes cannot hold
    // a tick (and its lease) open.
    const deadline = setTimeout(() => {
      request.destroy(new Error(`no answer within ${SEND_TIMEOUT_MS / 1000} s`));
    }, SEND_TIMEOUT_MS);
    request.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(deadline);
      resolve({ status: null, error: error.code ?? error.message });
    });
    request.end(body);
  });
}
