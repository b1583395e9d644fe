// The control plane end to end over HTTP, as one story told by the modules under test/api/ (run in
// order by api.test.ts): a real store, a real managed PostgreSQL node, fake-but-real agent reports.
// One harness for the whole story, so the checks at its end (the audit log, the logs, every response
// against the OpenAPI document) see everything the modules did.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { get as httpGet, type IncomingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ADMIN,
  type Auth,
  type Harness,
  loginCookie,
  type Reply,
  startHarness,
} from "@pgaas/testing/control-plane";
import { afterAll, beforeAll, expect } from "vitest";
import { precompressDirectory } from "../../src/http/asset-compression.js";
import type { Recorded } from "./openapi-check.js";

// Live bindings: set by the story's setup and steps, read by every module.
export let h: Harness;
export let admin: Auth;
export let member: Auth;
export let other: Auth;
export let pairId = "";
export let tokens: Record<string, string> = {};
/** When n1 last reported itself as the writable primary (the failover is measured from it). */
export let n1WritableAt = 0;
/** When n2 reported itself promoted (timeline 2, synchronous replication degraded). */
export let n2PromotedAt = 0;
export let webDir = "";
/** Every call made through `call`, for the OpenAPI check at the end. */
export const recorded: Recorded[] = [];

/** The pair the story registered, and its agents' tokens. */
export function rememberPair(id: string, agentTokens: Record<string, string>): void {
  pairId = id;
  tokens = agentTokens;
}

export function rememberAgentTokens(agentTokens: Record<string, string>): void {
  tokens = agentTokens;
}

export function rememberN1WritableAt(at: number): void {
  n1WritableAt = at;
}

export function rememberN2PromotedAt(at: number): void {
  n2PromotedAt = at;
}

export async function call(
  method: string,
  path: string,
  options: { body?: unknown; auth?: Auth; raw?: string } = {},
): Promise<Reply> {
  const reply = await h.call(method, path, options);
  recorded.push({ method, path, status: reply.status, body: reply.body });
  return reply;
}

export const errorBody = (reply: Reply, code: string, message: string, details?: unknown, field?: string) =>
  expect(reply.body).toEqual({
    error: {
      code,
      message,
      ...(details === undefined ? {} : { details }),
      ...(field === undefined ? {} : { field }),
    },
    requestId: reply.headers.get("x-request-id"),
  });

/** A stand-in bundle big enough to be compressed, and a small unhashed file that is not. */
export const BUNDLE = Array.from(
  { length: 400 },
  (_, i) => `export const part${i} = "portal part ${i}";`,
).join("\n");
export const ICON = '<svg xmlns="http://www.w3.org/2000/svg"/>';

/** A GET with exactly these headers (fetch would add Accept-Encoding and decode the body). */
export function rawGet(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolveReply, reject) => {
    const request = httpGet(new URL(path, h.server.url), { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolveReply({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks),
        }),
      );
      response.on("error", reject);
    });
    request.setTimeout(10_000, () => request.destroy(new Error(`GET ${path} timed out`)));
    request.on("error", reject);
  });
}

/** Starts the story's control plane (serving a stand-in portal) with an admin and two members. */
export function startApiStory(): void {
  beforeAll(async () => {
    // A stand-in for the built portal: the server serves it with an SPA fallback.
    webDir = await mkdtemp(join(tmpdir(), "pgs-web-"));
    await mkdir(join(webDir, "assets"));
    await writeFile(join(webDir, "index.html"), "<!doctype html><title>pgaas portal</title>");
    await writeFile(join(webDir, "assets", "app.js"), "console.log('portal');");
    // What `npm run build:web` does to the build: compressed copies beside each file it found big enough.
    await writeFile(join(webDir, "assets", "built-77aa0b.js"), BUNDLE);
    expect(await precompressDirectory(webDir)).toBe(1);
    // Added after that "build": the server compresses it itself.
    await writeFile(join(webDir, "assets", "bundle-3f9a1c.js"), BUNDLE);
    await writeFile(join(webDir, "favicon.svg"), ICON);
    h = await startHarness({ webDir });
    admin = { cookie: await loginCookie(h, ADMIN.email, ADMIN.password) };
    for (const email of ["member@example.com", "other@example.com"]) {
      const created = await call("POST", "/v1/users", {
        auth: admin,
        body: { email, password: "member-password-1", role: "member" },
      });
      expect(created.status).toBe(201);
    }
    member = { cookie: await loginCookie(h, "member@example.com", "member-password-1") };
    other = { cookie: await loginCookie(h, "other@example.com", "member-password-1") };
  });

  afterAll(async () => {
    await h?.stop();
    await rm(webDir, { recursive: true, force: true });
  });
}
