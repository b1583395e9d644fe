// The story, part 6: the HTTP surface (limits, rate limiting, the portal's static files, health,
// metrics, docs) and the checks over the whole story: audit log, logs, OpenAPI.

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { ROUTES } from "@pgaas/api";
import { ADMIN, ADMIN_ROLE_PASSWORD } from "@pgaas/testing/control-plane";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { admin, BUNDLE, call, errorBody, h, ICON, rawGet, recorded, webDir } from "../support/api-story.js";
import { checkResponses } from "../support/openapi-check.js";

export function apiSurface(): void {
  describe("API surface", () => {
    it("limits the body size", async () => {
      const reply = await call("POST", "/v1/auth/login", {
        raw: JSON.stringify({ email: "a@b.c", password: "x".repeat(2_000_000) }),
      });
      expect(reply.status).toBe(413);
      errorBody(reply, "payload_too_large", "request body too large");
    });

    it("rate-limits failed logins", async () => {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 6; attempt += 1) {
        statuses.push(
          (await call("POST", "/v1/auth/login", { body: { email: "nobody@example.com", password: "wrong" } }))
            .status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    });

    it("records mutations in the audit log", async () => {
      const reply = await call("GET", "/v1/audit?limit=1000", { auth: admin });
      const entries = (reply.body as { entries: { action: string; outcome: string; actor: string }[] })
        .entries;
      const succeeded = (action: string) =>
        entries.filter((e) => e.action === action && e.outcome === "succeeded").length;
      const actions = [
        "login",
        "createUser",
        "registerPair",
        "createDatabase",
        "deleteDatabase",
        "approveAccessRequest",
        "switchover",
      ];
      expect(Object.fromEntries(actions.map((action) => [action, succeeded(action)]))).toEqual({
        login: 5,
        createUser: 3,
        registerPair: 1,
        createDatabase: 2,
        deleteDatabase: 1,
        approveAccessRequest: 1,
        switchover: 1,
      });
      // Refused attempts are recorded with who tried: the duplicate (admin), the member, an agent token.
      const refused = entries
        .filter((e) => e.action === "registerPair" && e.outcome === "failed")
        .map((e) => e.actor);
      expect(refused.sort()).toEqual([
        "agent:orders/n1",
        "user:admin@example.com",
        "user:member@example.com",
      ]);
      expect(JSON.stringify(reply.body)).not.toContain(ADMIN_ROLE_PASSWORD);
    });

    it("answers unknown API routes with the standard error body", async () => {
      const reply = await h.call("GET", "/v1/nope", { auth: admin });
      expect(reply.status).toBe(404);
      errorBody(reply, "route_not_found", "no such route");
    });

    it("serves the web portal with an SPA fallback outside /v1", async () => {
      const index = "<!doctype html><title>pgaas portal</title>";
      expect((await h.call("GET", "/")).text).toBe(index);
      expect((await h.call("GET", "/pairs/some-id/settings")).text).toBe(index);
      expect((await h.call("GET", "/assets/app.js")).text).toBe("console.log('portal');");
    });

    it("serves the bundle brotli-compressed to a browser, cached for a year", async () => {
      const reply = await rawGet("/assets/bundle-3f9a1c.js", {
        "accept-encoding": "gzip, deflate, br, zstd",
      });
      expect(reply.status).toBe(200);
      expect(reply.headers["content-encoding"]).toBe("br");
      expect(reply.headers.vary).toBe("Accept-Encoding");
      expect(reply.headers["content-type"]).toBe("text/javascript; charset=utf-8");
      expect(reply.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect(reply.headers["content-length"]).toBe(String(reply.body.length));
      expect(brotliDecompressSync(reply.body).toString()).toBe(BUNDLE);
      expect(reply.body.length).toBeLessThan(BUNDLE.length / 4);
    });

    it("sends the build's own compressed copies as they are", async () => {
      for (const [encoding, suffix] of [
        ["br", ".br"],
        ["gzip", ".gz"],
      ] as const) {
        const reply = await rawGet("/assets/built-77aa0b.js", { "accept-encoding": encoding });
        expect(reply.headers["content-encoding"]).toBe(encoding);
        expect(reply.body.equals(await readFile(join(webDir, "assets", `built-77aa0b.js${suffix}`)))).toBe(
          true,
        );
      }
    });

    it("falls back to gzip, and to the plain file, as Accept-Encoding says", async () => {
      const gzipped = await rawGet("/assets/bundle-3f9a1c.js", { "accept-encoding": "br;q=0, gzip" });
      expect(gzipped.headers["content-encoding"]).toBe("gzip");
      expect(gunzipSync(gzipped.body).toString()).toBe(BUNDLE);
      const plain = await rawGet("/assets/bundle-3f9a1c.js");
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(plain.headers.vary).toBe("Accept-Encoding");
      expect(plain.body.toString()).toBe(BUNDLE);
      const refused = await rawGet("/assets/bundle-3f9a1c.js", { "accept-encoding": "identity, *;q=0" });
      expect(refused.headers["content-encoding"]).toBeUndefined();
      expect(refused.body.toString()).toBe(BUNDLE);
    });

    it("revalidates index.html and unhashed files, and answers 304 to a matching ETag", async () => {
      for (const path of ["/", "/databases/some-id"]) {
        const index = await rawGet(path, { "accept-encoding": "br" });
        expect([path, index.status, index.headers["cache-control"], index.body.toString()]).toEqual([
          path,
          200,
          "no-cache",
          "<!doctype html><title>pgaas portal</title>",
        ]);
      }
      const icon = await rawGet("/favicon.svg", { "accept-encoding": "br" });
      expect(icon.headers["content-type"]).toBe("image/svg+xml");
      expect(icon.headers["cache-control"]).toBe("no-cache");
      expect(icon.headers["content-encoding"]).toBeUndefined();
      expect(icon.body.toString()).toBe(ICON);
      const again = await rawGet("/favicon.svg", { "if-none-match": String(icon.headers.etag) });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
    });

    it("answers a missing hashed asset with 404 and never serves a file above its directory", async () => {
      const missing = await rawGet("/assets/bundle-0000.js");
      expect([missing.status, missing.body.toString()]).toEqual([404, "not found"]);
      const climbing = await rawGet("/%2e%2e/%2e%2e/%2e%2e/etc/hostname");
      expect([climbing.status, climbing.body.toString()]).toEqual([
        200,
        "<!doctype html><title>pgaas portal</title>",
      ]);
    });

    it("serves /healthz, /metrics and /docs", async () => {
      expect((await h.call("GET", "/healthz")).body).toEqual({ status: "ok" });
      expect((await h.call("GET", "/metrics", { auth: admin })).text).toContain(
        'pgaas_agent_reports_total{outcome="accepted"}',
      );
      expect((await h.call("GET", "/docs")).text).toContain("swagger-ui-bundle.js");
      expect((await h.call("GET", "/docs/assets/swagger-ui-bundle.js")).status).toBe(200);
    });

    it("logs no secrets", () => {
      const all = h.logLines.join("\n");
      expect(all).not.toContain(ADMIN_ROLE_PASSWORD);
      expect(all).not.toContain(ADMIN.password);
    });

    it("publishes a valid OpenAPI 3.1 document that every tested response matches", async () => {
      const doc = (await h.call("GET", "/openapi.json")).body as Parameters<typeof checkResponses>[0];
      const validator = new Validator();
      const result = await validator.validate(doc as unknown as Parameters<Validator["validate"]>[0]);
      expect(result.errors ?? []).toEqual([]);
      expect(result.valid).toBe(true);
      expect(
        Object.values(doc.paths).reduce((count, methods) => count + Object.keys(methods).length, 0),
      ).toBe(ROUTES.length);
      expect(checkResponses(doc, recorded)).toEqual([]);
    });
  });
}
