// Alert webhooks with the real store and a real HTTP receiver in the test: events from agent reports
// enqueue deliveries (by the store's trigger), the outbox worker — driven here with explicit times
// instead of its timer — POSTs them signed, retries with backoff after errors and gives up after the
// last attempt; a disk crossing alerts once.

import { createHmac, randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AlertKind, PairEventType } from "@pgaas/api";
import { memoryLogger } from "@pgaas/common";
import {
  ADMIN,
  type Auth,
  type Harness,
  loginCookie,
  metricsReport,
  pairRegistration,
  startHarness,
  stateReport,
  stateSample,
} from "@pgaas/testing/control-plane";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAlertTicks } from "../src/services/alert-ticks.js";
import { checkResponses } from "./support/openapi-check.js";
import { recordedCalls } from "./support/recorded-calls.js";

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A webhook receiver: records every POST and answers the next queued status (200 when none; 0: never). */
class Receiver {
  readonly received: Received[] = [];
  statuses: number[] = [];
  private server: Server | undefined;
  url = "";

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        const status = this.statuses.shift() ?? 200;
        if (status === 0) return;
        res.statusCode = status;
        res.end("ok");
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  reset(): void {
    this.received.length = 0;
    this.statuses = [];
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }
}

let h: Harness;
let admin: Auth;
let pairId = "";
let tokens: Record<string, string> = {};
const receiver = new Receiver();
const { call, recorded } = recordedCalls(() => h);

interface Delivery {
  id: string;
  endpointId: string;
  eventId: string;
  kind: string;
  message: string;
  state: string;
  attempts: number;
  maxAttempts: number;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

const deliveries = async (endpointId: string): Promise<Delivery[]> =>
  (
    (await call("GET", `/v1/alerts/deliveries?endpointId=${endpointId}`, { auth: admin })).body as {
      deliveries: Delivery[];
    }
  ).deliveries;

async function createEndpoint(kinds: string[], pairFilter: string | null = null) {
  const reply = await call("POST", "/v1/alerts/endpoints", {
    auth: admin,
    body: { url: receiver.url, kinds, pairId: pairFilter },
  });
  expect(reply.status).toBe(201);
  return reply.body as { endpoint: { id: string }; secret: string };
}

const report = (node: string, reports: unknown[]) =>
  call("POST", "/v1/agent/report", { auth: { bearer: tokens[node] as string }, body: { reports } });

/** A metrics report whose data disk holds `usedBytes` of `totalBytes`. */
const diskReport = (sampledAt: Date, usedBytes: number, totalBytes = 1000) =>
  metricsReport(sampledAt, {
    host: {
      dataDiskUsedBytes: usedBytes,
      dataDiskTotalBytes: totalBytes,
      load1: 0,
      memoryUsedBytes: 1,
      memoryTotalBytes: 2,
    },
  });

// Sample times only move forward (an older sample than the stored one changes nothing) and stay in
// the past (the control plane refuses samples from the future).
let sampleClock = Date.now() - 600_000;
function nextSampleAt(): Date {
  sampleClock += 1000;
  return new Date(sampleClock);
}

const deliverDue = (at: Date) => h.server.services.alertOutbox.deliverDue(at);
/**
 * "Now" for deliverDue right after an enqueue: the store stamps microseconds, a JS Date only whole
 * milliseconds, so a delivery enqueued within the current millisecond would look not yet due.
 */
const afterEnqueue = () => Date.now() + 1;

/** `sha256=<hex>` as a receiver holding `secret` computes it for what it received. */
function signatureFor(received: Received, secret: string): string {
  const timestamp = received.headers["x-pgaas-timestamp"] as string;
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${received.body}`).digest("hex")}`;
}

function expectSigned(received: Received, secret: string): void {
  expect(received.headers["x-pgaas-signature"]).toBe(signatureFor(received, secret));
  expect(received.headers["content-type"]).toBe("application/json");
}

beforeAll(async () => {
  await receiver.start();
  h = await startHarness({ env: { PGAAS_ALERT_POLL_MS: "0" } });
  admin = { cookie: await loginCookie(h, ADMIN.email, ADMIN.password) };
  const pair = await call("POST", "/v1/pairs", { auth: admin, body: pairRegistration(h) });
  const body = pair.body as { pair: { id: string }; agentTokens: Record<string, string> };
  pairId = body.pair.id;
  tokens = body.agentTokens;
}, 120_000);

afterAll(async () => {
  await h?.stop();
  await receiver.stop();
});

beforeEach(async () => {
  receiver.reset();
  // Each test subscribes its own endpoint; earlier ones would receive its events too.
  await h.server.services.store.query("DELETE FROM alert_endpoints");
});

describe("alert endpoints", () => {
  it("refuses plain HTTP off loopback and credentials in the URL", async () => {
    for (const url of ["http://alerts.example.com/hook", "https://user:pw@alerts.example.com/hook"]) {
      const reply = await call("POST", "/v1/alerts/endpoints", {
        auth: admin,
        body: { url, kinds: ["failover"] },
      });
      expect([url, reply.status, (reply.body as { error: { code: string } }).error.code]).toEqual([
        url,
        400,
        "invalid_input",
      ]);
    }
  });

  it("answers the secret once and keeps it sealed", async () => {
    const created = await createEndpoint(["failover", "degraded"]);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const list = await call("GET", "/v1/alerts/endpoints", { auth: admin });
    expect(list.body).toEqual({
      endpoints: [
        {
          id: created.endpoint.id,
          url: receiver.url,
          kinds: ["failover", "degraded"],
          pairId: null,
          previousSecretValidUntil: null,
          createdAt: expect.any(String),
        },
      ],
    });
    expect(list.text).not.toContain(created.secret);
    const { rows } = await h.server.services.store.query<{ sealed: Buffer }>(
      "SELECT secret_sealed AS sealed FROM alert_endpoints",
    );
    expect(rows[0]?.sealed.includes(Buffer.from(created.secret.slice(6)))).toBe(false);
    expect(h.logLines.join("\n")).not.toContain(created.secret);
  });

  it("refuses a pair filter naming no pair and deletes once", async () => {
    const refused = await call("POST", "/v1/alerts/endpoints", {
      auth: admin,
      body: { url: receiver.url, kinds: ["failover"], pairId: randomUUID() },
    });
    expect([refused.status, (refused.body as { error: { code: string } }).error.code]).toEqual([
      400,
      "pair_not_found",
    ]);
    const created = await createEndpoint(["failover"]);
    const path = `/v1/alerts/endpoints/${created.endpoint.id}`;
    expect((await call("DELETE", path, { auth: admin })).status).toBe(204);
    const again = await call("DELETE", path, { auth: admin });
    expect([again.status, (again.body as { error: { code: string } }).error.code]).toEqual([
      404,
      "alert_endpoint_not_found",
    ]);
  });

  it("sends a signed test and logs it; a failing receiver makes it failed after its one attempt", async () => {
    const created = await createEndpoint(["failover"]);
    const sent = await call("POST", `/v1/alerts/endpoints/${created.endpoint.id}/test`, { auth: admin });
    expect(sent.status).toBe(200);
    expect((sent.body as { delivery: Delivery }).delivery).toMatchObject({
      kind: "test",
      message: "test alert from pgaas",
      state: "delivered",
      attempts: 1,
      maxAttempts: 1,
      lastStatus: 200,
      lastError: null,
      nextAttemptAt: null,
    });
    expect(receiver.received).toHaveLength(1);
    const received = receiver.received[0] as Received;
    expectSigned(received, created.secret);
    const body = JSON.parse(received.body) as { deliveryId: string; kind: string; pair: null };
    expect([body.kind, body.pair, body.deliveryId, received.headers["x-pgaas-delivery"]]).toEqual([
      "test",
      null,
      (sent.body as { delivery: Delivery }).delivery.id,
      (sent.body as { delivery: Delivery }).delivery.id,
    ]);

    receiver.statuses = [500];
    const failed = await call("POST", `/v1/alerts/endpoints/${created.endpoint.id}/test`, { auth: admin });
    expect((failed.body as { delivery: Delivery }).delivery).toMatchObject({
      state: "failed",
      attempts: 1,
      lastStatus: 500,
      lastError: "HTTP 500",
      nextAttemptAt: null,
      deliveredAt: null,
    });
  });
});

describe("secret rotation", () => {
  it("signs with the new and the previous secret during the overlap, then with the new one alone", async () => {
    const created = await createEndpoint(["failover"]);
    const id = created.endpoint.id;
    const rotated = await call("POST", `/v1/alerts/endpoints/${id}/rotate-secret`, {
      auth: admin,
      body: { overlapMinutes: 60 },
    });
    expect(rotated.status).toBe(200);
    const { secret, endpoint } = rotated.body as {
      secret: string;
      endpoint: { previousSecretValidUntil: string };
    };
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(created.secret);
    const until = Date.parse(endpoint.previousSecretValidUntil);
    expect(Math.abs(until - (Date.now() + 3_600_000))).toBeLessThan(60_000);

    const alerts = h.server.services.alerts;
    await alerts.test(id, new Date(until - 60_000));
    await alerts.test(id, new Date(until + 1_000));
    expect(receiver.received.map((received) => received.headers["x-pgaas-signature"])).toEqual([
      `${signatureFor(receiver.received[0] as Received, secret)}, ${signatureFor(receiver.received[0] as Received, created.secret)}`,
      signatureFor(receiver.received[1] as Received, secret),
    ]);
    const listed = await call("GET", "/v1/alerts/endpoints", { auth: admin });
    expect(
      (listed.body as { endpoints: { previousSecretValidUntil: string }[] }).endpoints[0]
        ?.previousSecretValidUntil,
    ).toBe(endpoint.previousSecretValidUntil);
  });

  it("retires the old secret at once with no overlap, and names a missing endpoint", async () => {
    const created = await createEndpoint(["failover"]);
    const rotated = await call("POST", `/v1/alerts/endpoints/${created.endpoint.id}/rotate-secret`, {
      auth: admin,
      body: { overlapMinutes: 0 },
    });
    const { secret, endpoint } = rotated.body as {
      secret: string;
      endpoint: { previousSecretValidUntil: null };
    };
    expect(endpoint.previousSecretValidUntil).toBeNull();
    await call("POST", `/v1/alerts/endpoints/${created.endpoint.id}/test`, { auth: admin });
    expectSigned(receiver.received[0] as Received, secret);
    const missing = await call("POST", `/v1/alerts/endpoints/${randomUUID()}/rotate-secret`, {
      auth: admin,
      body: {},
    });
    expect([missing.status, (missing.body as { error: { code: string } }).error.code]).toEqual([
      404,
      "alert_endpoint_not_found",
    ]);
    const tooLong = await call("POST", `/v1/alerts/endpoints/${created.endpoint.id}/rotate-secret`, {
      auth: admin,
      body: { overlapMinutes: 7 * 24 * 60 + 1 },
    });
    expect(tooLong.status).toBe(400);
  });
});

it("maps exactly these event types to alert kinds, and every kind is reachable", async () => {
  const { rows } = await h.server.services.store.query<{ type: string; kind: string | null }>(
    "SELECT type, pgaas_alert_kind(type) AS kind FROM unnest($1::text[]) AS type",
    [PairEventType.options],
  );
  const mapped = rows.filter((row) => row.kind !== null).map((row) => [row.type, row.kind]);
  expect(mapped).toEqual([
    ["failover", "failover"],
    ["backup_failed", "backup_failed"],
    ["sync_degraded", "degraded"],
    ["fenced", "fenced"],
    ["superseded_fenced", "fenced"],
    ["awaiting_decision", "fenced"],
    ["restore_check_failed", "restore_check_failed"],
    ["disk_usage_high", "disk_usage"],
  ]);
  expect(new Set(mapped.map(([, kind]) => kind))).toEqual(new Set(AlertKind.options));
});

describe("delivery", () => {
  it("delivers a failover once, signed, with the event in the body", async () => {
    const created = await createEndpoint(["failover"]);
    const writableAt = nextSampleAt();
    await report("n1", [stateReport(writableAt, stateSample())]);
    await report("n2", [stateReport(nextSampleAt(), stateSample({ role: "standby", writable: false }))]);
    const promotedAt = nextSampleAt();
    const promoted = stateReport(promotedAt, stateSample({ timeline: 2, syncState: "degraded" }));
    await report("n2", [promoted]);
    await report("n2", [promoted]); // a replay stores nothing, so it alerts nothing
    expect(await deliverDue(new Date(afterEnqueue()))).toBe(1);
    expect(await deliverDue(new Date(afterEnqueue()))).toBe(0);

    expect(receiver.received).toHaveLength(1);
    const received = receiver.received[0] as Received;
    expectSigned(received, created.secret);
    const [delivery] = await deliveries(created.endpoint.id);
    expect(JSON.parse(received.body)).toEqual({
      deliveryId: delivery?.id,
      kind: "failover",
      pair: { id: pairId, name: "orders" },
      event: {
        id: delivery?.eventId,
        type: "failover",
        nodeName: "n2",
        message: "n2 became the writable primary",
        occurredAt: promotedAt.toISOString(),
        details: { timeline: 2, measuredFrom: writableAt.toISOString() },
      },
    });
    expect(delivery).toMatchObject({
      kind: "failover",
      message: "n2 became the writable primary",
      state: "delivered",
      attempts: 1,
      lastStatus: 200,
      lastError: null,
      nextAttemptAt: null,
    });
  });

  it("retries after a 500 with backoff, then delivers", async () => {
    const created = await createEndpoint(["fenced"]);
    await report("n1", [stateReport(nextSampleAt(), stateSample({ fenced: true }))]);
    receiver.statuses = [500];
    const now = new Date(afterEnqueue());
    expect(await deliverDue(now)).toBe(1);
    const [waiting] = await deliveries(created.endpoint.id);
    expect(waiting).toMatchObject({
      kind: "fenced",
      message: "n1 fenced itself",
      state: "pending",
      attempts: 1,
      lastStatus: 500,
      lastError: "HTTP 500",
      nextAttemptAt: new Date(now.getTime() + 10_000).toISOString(),
    });
    expect(await deliverDue(new Date(now.getTime() + 9_999))).toBe(0);
    expect(await deliverDue(new Date(now.getTime() + 10_000))).toBe(1);
    const [done] = await deliveries(created.endpoint.id);
    expect(done).toMatchObject({
      state: "delivered",
      attempts: 2,
      lastStatus: 200,
      lastError: null,
      deliveredAt: new Date(now.getTime() + 10_000).toISOString(),
    });
    expect(receiver.received).toHaveLength(2);
    // The same delivery twice: a receiver de-duplicates by its id.
    const ids = receiver.received.map((received) => JSON.parse(received.body).deliveryId);
    expect(ids).toEqual([done?.id, done?.id]);
    for (const received of receiver.received) expectSigned(received, created.secret);
    await report("n1", [stateReport(nextSampleAt(), stateSample({ fenced: false }))]);
  });

  it("gives up after 5 attempts (10 s, 40 s, 160 s, 600 s apart) and records the last error", async () => {
    const created = await createEndpoint(["degraded"]);
    await report("n1", [stateReport(nextSampleAt(), stateSample({ syncState: "sync" }))]);
    await report("n1", [stateReport(nextSampleAt(), stateSample({ syncState: "degraded" }))]);
    receiver.statuses = [503, 503, 503, 503, 503];
    const start = afterEnqueue();
    const offsets = [0, 10_000, 50_000, 210_000, 810_000];
    for (const offset of offsets) expect(await deliverDue(new Date(start + offset))).toBe(1);
    expect(await deliverDue(new Date(start + 10_000_000))).toBe(0);
    const [given] = await deliveries(created.endpoint.id);
    expect(given).toMatchObject({
      kind: "degraded",
      message: "n1: synchronous replication off (standby gone)",
      state: "failed",
      attempts: 5,
      maxAttempts: 5,
      lastStatus: 503,
      lastError: "HTTP 503",
      nextAttemptAt: null,
      deliveredAt: null,
    });
    expect(receiver.received).toHaveLength(5);
  });

  it("records a refused connection as the error, with no status", async () => {
    const created = await createEndpoint(["failover"]);
    await h.server.services.store.query("UPDATE alert_endpoints SET url = $1", ["http://127.0.0.1:1/hook"]);
    const sent = await call("POST", `/v1/alerts/endpoints/${created.endpoint.id}/test`, { auth: admin });
    expect((sent.body as { delivery: Delivery }).delivery).toMatchObject({
      state: "failed",
      lastStatus: null,
      lastError: "ECONNREFUSED",
    });
  });

  it("gives up on a receiver that does not answer within 5 s", async () => {
    const created = await createEndpoint(["failover"]);
    receiver.statuses = [0];
    const sent = await call("POST", `/v1/alerts/endpoints/${created.endpoint.id}/test`, { auth: admin });
    expect((sent.body as { delivery: Delivery }).delivery).toMatchObject({
      state: "failed",
      lastStatus: null,
      lastError: "no answer within 5 s",
    });
    expect(receiver.received).toHaveLength(1);
  });

  it("fails a delivery whose secret no longer opens instead of claiming it forever", async () => {
    const created = await createEndpoint(["failover"]);
    await h.server.services.store.query("UPDATE alert_endpoints SET secret_sealed = $1", [Buffer.alloc(40)]);
    const sent = await call("POST", `/v1/alerts/endpoints/${created.endpoint.id}/test`, { auth: admin });
    expect((sent.body as { delivery: Delivery }).delivery).toMatchObject({
      state: "failed",
      attempts: 1,
      lastStatus: null,
      lastError: "signing_failed",
    });
    expect(receiver.received).toEqual([]);
  });

  it("alerts a disk crossing 80 % once, and again only after it fell below 75 %", async () => {
    const created = await createEndpoint(["disk_usage"]);
    const firstAt = nextSampleAt();
    await report("n1", [diskReport(firstAt, 700)]);
    for (const bytes of [850, 900, 780, 850, 740, 810])
      await report("n1", [diskReport(nextSampleAt(), bytes)]);
    // A late (older) sample does not move the state.
    await report("n1", [diskReport(new Date(firstAt.getTime() - 500), 100)]);
    await report("n1", [diskReport(nextSampleAt(), 820)]);
    const log = await deliveries(created.endpoint.id);
    expect(log.map((delivery) => [delivery.kind, delivery.message, delivery.state])).toEqual([
      ["disk_usage", "n1: data disk 81 % used", "pending"],
      ["disk_usage", "n1: data disk 85 % used", "pending"],
    ]);
  });

  it("alerts a failed backup and a node awaiting a decision (an agent's heal report)", async () => {
    const created = await createEndpoint(["backup_failed", "fenced"]);
    // A pair takes backups once its primary reported a repository (its contents do not matter here).
    await h.server.services.store.query(
      "INSERT INTO backup_inventory (pair_id, node_name, sampled_at, inventory) VALUES ($1, 'n1', now(), '{}')",
      [pairId],
    );
    const taken = await call("POST", `/v1/pairs/${pairId}/backups`, { auth: admin, body: { type: "full" } });
    expect(taken.status).toBe(202);
    const request = (taken.body as { request: { id: string; nodeName: string } }).request;
    const startedAt = nextSampleAt();
    const result = await call("POST", `/v1/agent/commands/${request.id}/result`, {
      auth: { bearer: tokens[request.nodeName] as string },
      body: {
        outcome: "failed",
        startedAt: startedAt.toISOString(),
        finishedAt: nextSampleAt().toISOString(),
        message: "repository full",
      },
    });
    expect(result.status).toBe(204);
    const heal = {
      reportId: randomUUID(),
      sampledAt: nextSampleAt().toISOString(),
      sequence: 3,
      agentStartedAt: "2026-11-29T20:00:00.000Z",
      kind: "heal" as const,
      event: {
        type: "awaiting_decision" as const,
        reason: "both nodes wrote after the split: choose which one to keep",
        durationMs: null,
        attempt: 1,
        method: null,
      },
    };
    await report("n1", [heal]);
    await report("n1", [heal]);
    const log = await deliveries(created.endpoint.id);
    expect(log.map((delivery) => [delivery.kind, delivery.message])).toEqual([
      ["fenced", "n1: both nodes wrote after the split: choose which one to keep"],
      ["backup_failed", `full backup by ${request.nodeName} failed: repository full`],
    ]);
  });

  it("sends on its own once ticking (as the server runs it), and stops cleanly", async () => {
    const created = await createEndpoint(["fenced"]);
    await report("n1", [stateReport(nextSampleAt(), stateSample({ fenced: true }))]);
    await report("n1", [stateReport(nextSampleAt(), stateSample({ fenced: false }))]);
    const ticks = startAlertTicks(h.server.services.alertOutbox, 50, memoryLogger("alert-ticks"));
    try {
      for (let wait = 0; wait < 100 && receiver.received.length === 0; wait += 1)
        await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await ticks.stop();
    }
    expect(receiver.received).toHaveLength(1);
    expect((await deliveries(created.endpoint.id)).map((delivery) => delivery.state)).toEqual(["delivered"]);
  });

  it("sends only the kinds and the pair an endpoint subscribed to", async () => {
    const other = await call("POST", "/v1/pairs", { auth: admin, body: pairRegistration(h, "billing") });
    const otherId = (other.body as { pair: { id: string } }).pair.id;
    const filtered = await createEndpoint(["fenced"], otherId);
    const unfiltered = await createEndpoint(["fenced", "failover"]);
    const wrongKind = await createEndpoint(["backup_failed", "disk_usage"]);
    await report("n1", [stateReport(nextSampleAt(), stateSample({ fenced: true }))]);
    await report("n1", [stateReport(nextSampleAt(), stateSample({ fenced: false }))]);
    expect((await deliveries(unfiltered.endpoint.id)).map((delivery) => delivery.kind)).toEqual(["fenced"]);
    expect(await deliveries(filtered.endpoint.id)).toEqual([]);
    expect(await deliveries(wrongKind.endpoint.id)).toEqual([]);
  });
});

it("answers as the OpenAPI document says", async () => {
  const doc = (await h.call("GET", "/openapi.json")).body as Parameters<typeof checkResponses>[0];
  expect(checkResponses(doc, recorded)).toEqual([]);
});
