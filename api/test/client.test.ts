import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { InputError, NotFoundError, Secret, UnavailableError } from "@pgaas/common";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { callRoute } from "../src/client.js";
import { defineRoute } from "../src/route.js";

// A stand-in for whatever answers at the control plane's address: the API, or a proxy in between.
const ANSWERS: Record<string, { status: number; type: string; body: string; retryAfter?: string }> = {
  "/v1/ok/orders": { status: 200, type: "application/json", body: '{"name":"orders"}' },
  "/v1/ok/orders?verbose=true": { status: 200, type: "application/json", body: '{"name":"verbose"}' },
  "/v1/proxy-page": { status: 200, type: "text/html", body: "<html>maintenance</html>" },
  "/v1/missing": {
    status: 404,
    type: "application/json",
    body: '{"error":{"code":"pair_not_found","message":"pair not found"},"requestId":"r-1"}',
  },
  "/v1/busy": {
    status: 503,
    type: "application/json",
    body: '{"error":{"code":"store_unavailable","message":"the store is down"},"requestId":"r-2"}',
    retryAfter: "30",
  },
};

let server: Server;
let url: string;
const seen: { method?: string; authorization?: string; cookie?: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8");
    });
    req.on("end", () => {
      const { method, headers } = req;
      seen.push({ method, authorization: headers.authorization, cookie: headers.cookie, body });
      const answer = ANSWERS[req.url ?? ""] ?? { status: 500, type: "text/plain", body: "no such answer" };
      const retryAfter = answer.retryAfter === undefined ? {} : { "retry-after": answer.retryAfter };
      res.writeHead(answer.status, { "content-type": answer.type, ...retryAfter }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const Named = z.object({ name: z.string() });
const getNamed = defineRoute({
  id: "getNamed",
  method: "get",
  path: "/v1/ok/:name",
  summary: "a named thing",
  tag: "test",
  auth: "user",
  params: z.object({ name: z.string().regex(/^[a-z]+$/) }),
  query: z.object({ verbose: z.boolean().optional() }),
  status: 200,
  response: Named,
});
const getPage = defineRoute({ ...getNamed, id: "getPage", path: "/v1/proxy-page", params: undefined });
const getMissing = defineRoute({ ...getNamed, id: "getMissing", path: "/v1/missing", params: undefined });
const renameThing = defineRoute({
  id: "renameThing",
  method: "post",
  path: "/v1/missing",
  summary: "rename",
  tag: "test",
  auth: "admin",
  body: z.object({ name: z.string().min(1) }),
  status: 204,
});

describe("callRoute", () => {
  it("sends the bearer token and parses the answer with the route's schema", async () => {
    const answer = await callRoute(
      url,
      getNamed,
      { params: { name: "orders" } },
      { token: new Secret("pgaas_api_T") },
    );
    expect(answer).toEqual({ name: "orders" });
    expect(seen.at(-1)).toEqual({
      method: "GET",
      authorization: "Bearer pgaas_api_T",
      cookie: undefined,
      body: "",
    });
  });

  it("sends the query and a session cookie", async () => {
    const answer = await callRoute(
      url,
      getNamed,
      { params: { name: "orders" }, query: { verbose: true } },
      { cookie: "pgaas_session=s1" },
    );
    expect(answer).toEqual({ name: "verbose" });
    expect(seen.at(-1)).toEqual({
      method: "GET",
      authorization: undefined,
      cookie: "pgaas_session=s1",
      body: "",
    });
  });

  it("refuses input the route's schemas refuse, before sending anything", async () => {
    const before = seen.length;
    const failure = callRoute(url, renameThing, { body: { name: "" } }, { token: new Secret("t") });
    await expect(failure).rejects.toBeInstanceOf(InputError);
    await expect(failure).rejects.toMatchObject({
      code: "invalid_input",
      message: "invalid body for renameThing",
      details: { issues: ["name: Required"] },
    });
    expect(seen.length).toBe(before);
  });

  it("reports a non-JSON success body as a bad response, not a parse crash", async () => {
    const failure = callRoute(url, getPage, {}, { token: new Secret("t") });
    await expect(failure).rejects.toBeInstanceOf(UnavailableError);
    await expect(failure).rejects.toMatchObject({
      code: "control_plane_bad_response",
      message: "control plane answered GET /v1/proxy-page with an unexpected body",
    });
  });

  it("maps the API's error body to a typed error naming its code and request", async () => {
    const failure = callRoute(url, getMissing, {}, { token: new Secret("t") });
    await expect(failure).rejects.toBeInstanceOf(NotFoundError);
    await expect(failure).rejects.toMatchObject({
      code: "pair_not_found",
      message: "control plane: GET /v1/missing → 404 pair_not_found: pair not found (request r-1)",
    });
  });

  it("keeps the server's Retry-After on an unavailable answer", async () => {
    const getBusy = defineRoute({ ...getNamed, id: "getBusy", path: "/v1/busy", params: undefined });
    const failure = callRoute(url, getBusy, {}, { token: new Secret("t") });
    await expect(failure).rejects.toBeInstanceOf(UnavailableError);
    await expect(failure).rejects.toMatchObject({
      code: "store_unavailable",
      message: "control plane: GET /v1/busy → 503 store_unavailable: the store is down (request r-2)",
      retryAfterSeconds: 30,
      details: { status: 503 },
    });
  });

  it("sends a JSON body and maps an error answer to a 204 route too", async () => {
    const failure = callRoute(url, renameThing, { body: { name: "sales" } }, { token: new Secret("t") });
    await expect(failure).rejects.toMatchObject({
      code: "pair_not_found",
      message: "control plane: POST /v1/missing → 404 pair_not_found: pair not found (request r-1)",
    });
    expect(seen.at(-1)).toEqual({
      method: "POST",
      authorization: "Bearer t",
      cookie: undefined,
      body: '{"name":"sales"}',
    });
  });

  it("names the address when nothing answers", async () => {
    const failure = callRoute("http://127.0.0.1:1", getMissing, {}, { token: new Secret("t") });
    await expect(failure).rejects.toMatchObject({
      code: "control_plane_unreachable",
      message: "control plane unreachable: GET http://127.0.0.1:1/v1/missing",
    });
  });
});
