// pinnedFetch (what test stacks, `npm start` and the provider use to reach an HTTPS control plane
// with its own CA): the request goes out whole (a DELETE body with its length), the answer comes back
// whole (status, repeated headers, no body on 204), and a server from another CA is refused.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pinnedFetch } from "@pgaas/common/pinned-fetch";
import { ensureControlPlaneTls } from "@pgaas/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let dir: string;
let server: Server;
let url: string;
let ca: string;
let otherCa: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pgaas-pinned-fetch-"));
  const tls = ensureControlPlaneTls(join(dir, "served"), ["127.0.0.1"]);
  ca = tls.caCertificate;
  otherCa = ensureControlPlaneTls(join(dir, "other"), ["127.0.0.1"]).caCertificate;
  server = createServer(
    { cert: await readFile(tls.certFile, "utf8"), key: await readFile(tls.keyFile, "utf8") },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        if (req.url === "/empty") return void res.writeHead(204).end();
        res.setHeader("set-cookie", ["a=1; Secure", "b=2; Secure"]);
        res.writeHead(201, { "content-type": "application/json" }).end(
          JSON.stringify({
            method: req.method,
            length: req.headers["content-length"] ?? null,
            body: Buffer.concat(chunks).toString("utf8"),
            token: req.headers.authorization ?? null,
          }),
        );
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe("pinnedFetch", () => {
  it("sends a DELETE body with its length and returns status, headers and body", async () => {
    const response = await pinnedFetch(ca)(`${url}/v1/databases/x`, {
      method: "DELETE",
      headers: { authorization: "Bearer t", "content-type": "application/json" },
      body: '{"confirm":"x"}',
    });
    expect([response.status, response.headers.get("set-cookie"), await response.json()]).toEqual([
      201,
      "a=1; Secure, b=2; Secure",
      { method: "DELETE", length: "15", body: '{"confirm":"x"}', token: "Bearer t" },
    ]);
    const empty = await pinnedFetch(ca)(`${url}/empty`);
    expect([empty.status, await empty.text()]).toEqual([204, ""]);
  });

  it("refuses a server whose certificate another CA issued", async () => {
    const error = await pinnedFetch(otherCa)(`${url}/`).catch((caught: unknown) => caught);
    expect((error as { code?: string }).code).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  });
});
