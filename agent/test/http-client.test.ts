import { Secret } from "@pgaas/common";
import { RecordingControlPlane } from "@pgaas/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HttpControlPlaneClient } from "../src/control-plane/http-client.js";
import { ControlPlaneDownError, ControlPlaneRejectedError } from "../src/errors.js";
import { ReportFactory } from "../src/reports.js";
import { composeStateSample } from "../src/state-sample.js";
import { PRIMARY } from "./support/fakes.js";

const TOKEN = "agt_7mQ2wV0c9Lr4bX1s";
const factory = new ReportFactory(new Date("2026-11-29T21:00:00.000Z"));
const report = () =>
  factory.state(
    composeStateSample({
      postgres: PRIMARY,
      error: null,
      fenced: false,
      repmgr: { nodeId: 1, status: "running", upstreamNode: null },
    }),
    new Date("2026-11-29T21:00:01.000Z"),
  );

let cp: RecordingControlPlane;
let client: HttpControlPlaneClient;
beforeEach(async () => {
  cp = new RecordingControlPlane(TOKEN);
  await cp.start();
  client = new HttpControlPlaneClient({
    baseUrl: cp.url,
    timeoutMs: 500,
    token: async () => new Secret(TOKEN),
  });
});
afterEach(async () => {
  client.close();
  await cp.stop();
});

describe("HttpControlPlaneClient", () => {
  it("posts a batch with the bearer token and returns the parsed ack with its commands", async () => {
    const command = {
      id: "9a0f1e2d-3c4b-4a59-8687-a1b2c3d4e5f6",
      type: "switchover" as const,
      requestedAt: "2026-11-29T21:00:02.000Z",
    };
    cp.commands = [command];
    const first = report();
    expect(await client.sendReports({ reports: [first] })).toEqual({
      accepted: 1,
      duplicates: 0,
      commands: [command],
    });
    expect(await client.sendReports({ reports: [first] })).toEqual({
      accepted: 0,
      duplicates: 1,
      commands: [command],
    });
    expect(cp.requests.map((r) => [r.method, r.path, r.authorization])).toEqual([
      ["POST", "/v1/agent/report", `Bearer ${TOKEN}`],
      ["POST", "/v1/agent/report", `Bearer ${TOKEN}`],
    ]);
    expect(JSON.parse(cp.requests[0]?.body ?? "")).toEqual({ reports: [first] });
  });

  it("posts a command result", async () => {
    const result = {
      outcome: "failed" as const,
      startedAt: "2026-11-29T21:00:00.000Z",
      finishedAt: "2026-11-29T21:00:01.000Z",
      message: "exit 1",
    };
    await client.sendCommandResult("9a0f1e2d-3c4b-4a59-8687-a1b2c3d4e5f6", result);
    expect(cp.results).toEqual([{ id: "9a0f1e2d-3c4b-4a59-8687-a1b2c3d4e5f6", result }]);
  });

  it.each([
    [500, ControlPlaneDownError],
    [503, ControlPlaneDownError],
    [401, ControlPlaneDownError],
    [429, ControlPlaneDownError],
    [400, ControlPlaneRejectedError],
    [413, ControlPlaneRejectedError],
    [422, ControlPlaneRejectedError],
  ])("classifies HTTP %i", async (status, type) => {
    cp.forced = { status, body: '{"error":{"code":"x","message":"y"},"requestId":"r"}' };
    const error = await client.sendReports({ reports: [report()] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toBe(
      `control plane answered ${status} to POST /v1/agent/report: {"error":{"code":"x","message":"y"},"requestId":"r"}`,
    );
  });

  it("treats a wrong token, a timeout, a refused connection and a malformed ack as 'down'", async () => {
    const wrong = new HttpControlPlaneClient({
      baseUrl: cp.url,
      timeoutMs: 500,
      token: async () => new Secret("nope"),
    });
    await expect(wrong.sendReports({ reports: [report()] })).rejects.toThrow(/^control plane answered 401/);
    wrong.close();
    cp.delayMs = 1500;
    await expect(client.sendReports({ reports: [report()] })).rejects.toThrow(
      new ControlPlaneDownError(`control plane unreachable at ${cp.url}: no answer within 500 ms`),
    );
    cp.delayMs = 0;
    cp.forced = { status: 200, body: '{"accepted":"many"}' };
    await expect(client.sendReports({ reports: [report()] })).rejects.toThrow(
      /^control plane answered an invalid ack/,
    );
    const url = cp.url;
    await cp.stop();
    await expect(client.sendReports({ reports: [report()] })).rejects.toThrow(
      new ControlPlaneDownError(
        `control plane unreachable at ${url}: connect ECONNREFUSED ${url.slice("http://".length)}`,
      ),
    );
  });
});
