// The agent's client against an HTTPS control plane: the configured CA is the only root it trusts.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Secret } from "@pgaas/common";
import { ensureControlPlaneTls } from "@pgaas/engine";
import { RecordingControlPlane } from "@pgaas/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpControlPlaneClient } from "../src/control-plane/http-client.js";
import { ControlPlaneDownError } from "../src/errors.js";
import { ReportFactory } from "../src/reports.js";
import { composeStateSample } from "../src/state-sample.js";
import { PRIMARY } from "./support/fakes.js";

const TOKEN = "agt_tls_4kQ9zP2mW7";
const report = new ReportFactory(new Date("2026-12-07T00:00:00.000Z")).state(
  composeStateSample({
    postgres: PRIMARY,
    error: null,
    fenced: false,
    repmgr: { nodeId: 1, status: "running", upstreamNode: null },
  }),
  new Date("2026-12-07T00:00:01.000Z"),
);

let dir: string;
let cp: RecordingControlPlane;
let rightCa: string;
let wrongCa: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pgaas-agent-tls-"));
  const served = ensureControlPlaneTls(join(dir, "served"), ["127.0.0.1"]);
  rightCa = served.caCertificate;
  // Another CA, as an agent configured for another control plane (or a man in the middle) has.
  wrongCa = ensureControlPlaneTls(join(dir, "other"), ["127.0.0.1"]).caCertificate;
  cp = new RecordingControlPlane(TOKEN, {
    cert: await readFile(served.certFile, "utf8"),
    key: await readFile(served.keyFile, "utf8"),
  });
  await cp.start();
}, 60_000);
afterAll(async () => {
  await cp?.stop();
  await rm(dir, { recursive: true, force: true });
});

const clientWith = (ca: string) =>
  new HttpControlPlaneClient({ baseUrl: cp.url, timeoutMs: 2000, token: async () => new Secret(TOKEN), ca });

describe("HttpControlPlaneClient over HTTPS", () => {
  it("delivers a report to a control plane whose certificate the pinned CA issued", async () => {
    const client = clientWith(rightCa);
    try {
      expect(cp.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(await client.sendReports({ reports: [report] })).toEqual({
        accepted: 1,
        duplicates: 0,
        commands: [],
      });
      expect(cp.accepted.map((accepted) => accepted.reportId)).toEqual([report.reportId]);
    } finally {
      client.close();
    }
  });

  it("refuses a certificate from another CA with an error naming the URL and the reason, sending nothing", async () => {
    const before = cp.requests.length;
    const client = clientWith(wrongCa);
    try {
      const error = await client.sendReports({ reports: [report] }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ControlPlaneDownError);
      expect((error as Error).message).toBe(
        `control plane unreachable at ${cp.url}: TLS certificate verification failed (UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate): is controlPlane.caFile the CA that issued the control plane's certificate?`,
      );
      expect(cp.requests.length).toBe(before);
    } finally {
      client.close();
    }
  });
});
