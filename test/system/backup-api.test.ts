// System test: backups through the control plane on a real pair (n1, n2, witness w as the pgBackRest
// repository host), the path a portal user takes: the primary's agent reports the inventory (the
// bootstrap's full backup, the restorable range, the archive lag), "take a backup now" in the API runs
// through that agent, a second request while it runs is refused, and the result is an event and a
// new backup in the inventory that matches what the repository itself says over SSH.
import type { PairBackups } from "@pgaas/api";
import { generatePairSecrets, listBackups, type PairSpec, parsePairSpec, teardownPair } from "@pgaas/engine";
import {
  dumpLogs,
  LAB_HOSTS,
  labPairHosts,
  labPairSpec,
  printProgress,
  removePairLeftovers,
  waitFor,
  withLab,
} from "@pgaas/testing";
import {
  type ControlPlaneStack,
  deployAgentPair,
  startControlPlaneStack,
} from "@pgaas/testing/control-plane";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const AGENT_PORT = 9187;
const fixture = withLab({ range: { prefix: "pbu", first: "10.231.205.0/24", count: 3 }, hosts: LAB_HOSTS });
const secrets = generatePairSecrets("bua");

let cp: ControlPlaneStack;
let spec: PairSpec;

beforeAll(async () => {
  cp = await startControlPlaneStack(fixture.lab.hostAddress);
  spec = parsePairSpec({
    ...labPairSpec(fixture.lab, `bu-${fixture.lab.prefix}`, { backup: { repository: { kind: "local" } } }),
    agent: { ...cp.agentTarget, listenPort: AGENT_PORT, stateSeconds: 2, metricsSeconds: 3 },
  });
  await removePairLeftovers(spec);
}, 120_000);

afterAll(async () => {
  if (spec)
    await teardownPair(spec, labPairHosts(fixture.lab), {
      postgresSshPublicKey: secrets.postgresSshPublicKey,
    });
  await cp?.close();
}, 120_000);

describe("backups through the control plane", () => {
  // Bootstrap, stanza and first full backup take ~1.5 min alone and ~2.5 min beside other tests on two cores.
  it("lists the repository's backups and takes one through the primary's agent", async () => {
    const lab = fixture.lab;
    const hosts = labPairHosts(lab);
    try {
      const { pairId } = await deployAgentPair(cp, spec, hosts, secrets, printProgress);
      const backups = async () =>
        (await cp.request("GET", `/v1/pairs/${pairId}/backups`)).body as PairBackups;

      // The bootstrap's full backup, reported by the primary's agent.
      const first = await waitFor(
        "the primary's backup inventory",
        async () => {
          const listed = await backups();
          return listed.inventory && listed.inventory.backups.length === 1 ? listed : undefined;
        },
        60_000,
      );
      const inventory = first.inventory;
      if (!inventory) throw new Error("no inventory");
      // archiveFailures counts since the server started: the bootstrap's archiving before the stanza
      // existed failed, so it is not asserted; the lag shows archiving works now.
      expect([first.reportedBy, inventory.stanza, inventory.statusCode]).toEqual(["n1", spec.name, 0]);
      expect(inventory.archiveLagSeconds).toBeLessThan(120);
      expect(inventory.backups.map((b) => b.type)).toEqual(["full"]);
      expect(inventory.restorableFrom).toBe(inventory.backups[0]?.stoppedAt);
      expect(Date.parse(inventory.restorableTo ?? "")).toBeGreaterThanOrEqual(
        Date.parse(inventory.restorableFrom ?? ""),
      );
      expect(inventory.backups[0]?.databaseBytes).toBeGreaterThan(1_000_000);

      // Take a diff backup now; a second request while it runs is refused.
      const requested = await cp.request("POST", `/v1/pairs/${pairId}/backups`, { type: "diff" });
      expect(requested.status).toBe(202);
      const request = (requested.body as { request: { id: string; nodeName: string; state: string } })
        .request;
      expect([request.nodeName, request.state]).toEqual(["n1", "pending"]);
      const again = await cp.request("POST", `/v1/pairs/${pairId}/backups`, { type: "full" });
      expect([again.status, (again.body as { error: { code: string } }).error.code]).toEqual([
        409,
        "backup_in_progress",
      ]);

      const event = await waitFor(
        "the backup's result",
        async () => {
          const list = (await cp.request("GET", `/v1/pairs/${pairId}/events`)).body as {
            events: Array<{ type: string; message: string; durationMs: number | null }>;
          };
          return list.events.find((e) => e.type === "backup_succeeded" || e.type === "backup_failed");
        },
        120_000,
      );
      expect([event.type, event.message]).toEqual(["backup_succeeded", "diff backup taken by n1"]);
      process.stdout.write(`diff backup through the agent: ${event.durationMs} ms\n`);

      const second = await waitFor(
        "the new backup in the inventory",
        async () => {
          const listed = await backups();
          return listed.inventory && listed.inventory.backups.length === 2 ? listed : undefined;
        },
        30_000,
      );
      expect(second.requests.map((r) => [r.id, r.backupType, r.state])).toEqual([
        [request.id, "diff", "succeeded"],
      ]);
      // The control plane shows what the repository holds (read over SSH by the engine).
      const repository = await listBackups(spec, hosts);
      expect(second.inventory?.backups).toEqual(repository.backups);
      expect(repository.backups.map((b) => b.type)).toEqual(["full", "diff"]);
    } catch (error) {
      await dumpLogs(spec);
      throw error;
    }
  }, 300_000);
});
