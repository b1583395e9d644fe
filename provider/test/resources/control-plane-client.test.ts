import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { NotFoundError, Secret, UnavailableError } from "@pgaas/common";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createControlPlaneClient } from "../../src/resources/control-plane-client.js";

// A stand-in for whatever answers at the control plane's address: the API, or a proxy in between.
const ANSWERS: Record<string, { status: number; type: string; body: string }> = {
  "/v1/ok": { status: 200, type: "application/json", body: '{"name":"orders"}' },
  "/v1/proxy-page": { status: 200, type: "text/html", body: "<html>maintenance</html>" },
  "/v1/missing": {
    status: 404,
    type: "application/json",
    body: '{"error":{"code":"pair_not_found","message":"pair not found"},"requestId":"r-1"}',
  },
};

let server: Server;
let url: string;
const seenAuth: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seenAuth.push(String(req.headers.authorization));
    const answer = ANSWERS[req.url ?? ""] ?? { status: 500, type: "text/plain", body: "no such answer" };
    res.writeHead(answer.status, { "content-type": answer.type }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe("control-plane client", () => {
  const Named = z.object({ name: z.string() });

  it("sends the bearer token and parses the answer with the schema", async () => {
    const client = createControlPlaneClient({ url, token: new Secret("pgaas_api_T") });
    expect(await client.request("GET", "/v1/ok", { schema: Named })).toEqual({ name: "orders" });
    expect(seenAuth.at(-1)).toBe("Bearer pgaas_api_T");
  });

  it("reports a non-JSON success body as a bad response, not a parse crash", async () => {
    const client = createControlPlaneClient({ url, token: new Secret("t") });
    const failure = client.request("GET", "/v1/proxy-page", { schema: Named });
    await expect(failure).rejects.toBeInstanceOf(UnavailableError);
    await expect(failure).rejects.toMatchObject({
      code: "control_plane_bad_response",
      message: "control plane answered GET /v1/proxy-page with an unexpected body",
    });
  });

  it("maps the API's error body to a typed error naming its code and request", async () => {
    const client = createControlPlaneClient({ url, token: new Secret("t") });
    const failure = client.request("GET", "/v1/missing", { schema: Named });
    await expect(failure).rejects.toBeInstanceOf(NotFoundError);
    await expect(failure).rejects.toMatchObject({
      code: "pair_not_found",
      message: "control plane: GET /v1/missing → 404 pair_not_found: pair not found (request r-1)",
    });
  });
});
