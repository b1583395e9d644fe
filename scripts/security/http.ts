// One HTTP(S) request with full control over what goes on the wire: any method, raw body, any header,
// and the local address it leaves from (127.0.0.2, … act as separate clients on one machine). An
// https:// URL is verified against the given CA (the stack's local one) only.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

export interface RawReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** The parsed body when the answer is JSON, else undefined. */
  readonly json: unknown;
}

export interface RawRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** An object is sent as JSON (with its content type unless headers name another); a string as is. */
  readonly body?: unknown;
  readonly localAddress?: string;
  readonly timeoutMs?: number;
  /** PEM of the CA an https:// server's certificate must come from. */
  readonly ca?: string;
}

export function rawRequest(url: string, options: RawRequest = {}): Promise<RawReply> {
  const isText = typeof options.body === "string";
  const payload =
    options.body === undefined ? undefined : isText ? (options.body as string) : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    ...(payload !== undefined && !isText ? { "content-type": "application/json" } : {}),
    // Node sends a DELETE body without a length unless told: the server would see a broken request.
    ...(payload !== undefined ? { "content-length": String(Buffer.byteLength(payload)) } : {}),
    ...options.headers,
  };
  const https = url.startsWith("https:");
  const request = https ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ...(https && options.ca !== undefined ? { ca: options.ca } : {}),
        method: options.method ?? "GET",
        headers,
        // A fresh connection per request: a socket the server closed after a refusal is never reused.
        agent: false,
        ...(options.localAddress !== undefined ? { localAddress: options.localAddress } : {}),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          if ((res.headers["content-type"] ?? "").includes("application/json")) {
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** The `error.code` of a standard error body, or undefined. */
export function errorCode(reply: RawReply): string | undefined {
  return (reply.json as { error?: { code?: string } } | undefined)?.error?.code;
}
