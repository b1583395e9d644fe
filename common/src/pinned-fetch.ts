// `fetch` for one server whose certificate comes from a CA of our own (the control plane's local CA):
// node's global fetch cannot be handed a CA without the undici package, node:https can. It covers
// what our clients use (method, headers, a string body, a signal) and never follows redirects.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

/** A fetch that trusts exactly `caPem` for https:// (http:// passes through unchanged). */
export function pinnedFetch(caPem: string): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer());
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise<Response>((resolve, reject) => {
      const req = send(
        url,
        {
          method: request.method,
          headers: {
            ...Object.fromEntries(request.headers),
            // Node sends a DELETE body without a length unless told: the server would see a broken request.
            ...(body !== undefined ? { "content-length": String(body.length) } : {}),
          },
          ...(url.protocol === "https:" ? { ca: caPem, minVersion: "TLSv1.2" as const } : {}),
          signal: request.signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", reject);
          res.on("end", () => {
            const status = res.statusCode ?? 0;
            const headers = new Headers();
            for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
              headers.append(res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string);
            // A Response for 204/304 must have no body at all.
            const text = status === 204 || status === 304 ? null : Buffer.concat(chunks);
            resolve(new Response(text, { status, statusText: res.statusMessage ?? "", headers }));
          });
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  };
}
