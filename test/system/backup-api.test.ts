// System test: backups through the control plane on a real pair (n1, n2, witness w as the pgBackRest
// repository host), the path a portal user takes: the primary's agent reports the inventory (the
// bootstrap's full backup, the restorable range, the archive lag), "take a backup now" in the API runs
// through that agent, a second request while it runs is refused, and the result is an event and a
// new backup in the inventory that matches what the repository itself says over SSH. Then "verify now":
// the standby's agent restores the newest backup into a scratch instance, every database answers, the
// event carries the backup and a duration, lastVerification shows it, and the scratch directory is gone.
import type { PairBackups } from "@pgaas/api";
import { listBackups, memberLayout } from "@pgaas/engine";
import { withSsh } from "@pgaas/engine/ssh";
import { dumpLogs, LAB_HOSTS, labPairHosts, printProgress, waitFor, withLab } from "@pgaas/testing";
import { deployAgentPair, withAgentPair } from "@pgaas/testing/control-plane";
import { describe, expect, it } from "vitest";

const AGENT_PORT = 9187;
const fixture = withLab({ range: { prefix: "pbu", first: "10.231.205.0/24", count: 3 }, hosts: LAB_HOSTS });

const ctx = withAgentPair(fixture, {
  name: "bu",
  backup: { repository: { kind: "local" } },
  agent: { listenPort: AGENT_PORT, stateSeconds: 2, metricsSeconds: 3 },
});

describe("backups through the control plane", () => {
  // Bootstrap, stanza and first full backup take ~1.5 min alone and ~2.5 min beside other tests on two cores.
  it("lists the repository's backups, takes one through the primary's agent, verifies the newest on the standby", async () => {
    const lab = fixture.lab;
    const hosts = labPairHosts(lab);
    try {
      const { pairId } = await deployAgentPair(ctx.cp, ctx.spec, hosts, ctx.secrets, printProgress);
      const backups = async () =>
        (await ctx.cp.request("GET", `/v1/pairs/${pairId}/backups`)).body as PairBackups;

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
      expect([first.reportedBy, inventory.stanza, inventory.statusCode]).toEqual(["n1", ctx.spec.name, 0]);
      expect(inventory.archiveLagSeconds).toBeLessThan(120);
      expect(inventory.backups.map((b) => b.type)).toEqual(["full"]);
      expect(inventory.restorableFrom).toBe(inventory.backups[0]?.stoppedAt);
      expect(Date.parse(inventory.restorableTo ?? "")).toBeGreaterThanOrEqual(
        Date.parse(inventory.restorableFrom ?? ""),
      );
      expect(inventory.backups[0]?.databaseBytes).toBeGreaterThan(1_000_000);

      // Take a diff backup now; a second request while it runs is refused.
      const requested = await ctx.cp.request("POST", `/v1/pairs/${pairId}/backups`, { type: "diff" });
      expect(requested.status).toBe(202);
      const request = (requested.body as { request: { id: string; nodeName: string; state: string } })
        .request;
      expect([request.nodeName, request.state]).toEqual(["n1", "pending"]);
      const again = await ctx.cp.request("POST", `/v1/pairs/${pairId}/backups`, { type: "full" });
      expect([again.status, (again.body as { error: { code: string } }).error.code]).toEqual([
        409,
        "backup_in_progress",
      ]);

      const event = await waitFor(
        "the backup's result",
        async () => {
          const list = (await ctx.cp.request("GET", `/v1/pairs/${pairId}/events`)).body as {
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
      const repository = await listBackups(ctx.spec, hosts);
      expect(second.inventory?.backups).toEqual(repository.backups);
      expect(repository.backups.map((b) => b.type)).toEqual(["full", "diff"]);

      // Verify now: the streaming standby's agent restores the newest backup (the diff) and checks it.
      const verify = await ctx.cp.request("POST", `/v1/pairs/${pairId}/backups/verify`);
      expect(verify.status).toBe(202);
      expect((verify.body as { request: { nodeName: string } }).request.nodeName).toBe("n2");
      const check = await waitFor(
        "the restore check's result",
        async () => {
          const list = (await ctx.cp.request("GET", `/v1/pairs/${pairId}/events`)).body as {
            events: Array<{
              type: string;
              message: string;
              durationMs: number | null;
              details: { backup?: string; databases?: string[] };
            }>;
          };
          return list.events.find((e) => e.type.startsWith("restore_check_"));
        },
        240_000,
      );
      const newest = repository.backups.at(-1)?.label;
      expect([check.type, check.details.backup, check.details.databases]).toEqual([
        "restore_check_succeeded",
        newest,
        // Every connectable database of a fresh pair (sorted): template0 allows no connections.
        ["postgres", "repmgr", "template1"],
      ]);
      expect(check.durationMs).toBeGreaterThan(0);
      process.stdout.write(`restore check on the standby: ${check.durationMs} ms\n`);
      const verified = (await backups()).lastVerification;
      expect([verified?.ok, verified?.backup, verified?.durationMs]).toEqual([
        true,
        newest,
        check.durationMs,
      ]);
      // Nothing of the scratch instance is left on the standby.
      const scratchRoot = `${memberLayout(ctx.spec, "n2").stateDir}/restore`;
      const left = await withSsh(lab.host("n2").ssh, (s) =>
        s.runChecked(`ls -A ${scratchRoot} 2>/dev/null || true`, { step: "scratch-left" }),
      );
      expect(left.stdout).toBe("");
    } catch (error) {
      await dumpLogs(ctx.spec);
      throw error;
    }
  }, 420_000);
});
