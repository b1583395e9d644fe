// System test: operations on a real pair (n1, n2, witness w on namespace hosts): switchover and back;
// standby down → commits are released within the degrade window and status says degraded; standby back
// → synchronous again; standby host vanished → commits released, no promotion; kill -9 of the primary
// → repmgr promotes n2, nothing restarts n1 as a primary, and rejoin (pg_rewind with the config outside
// the data directory) makes it a streaming sync standby; primary host vanished → it fences itself, n1
// takes over, and bootstrap rejoins the fenced node when it returns.

import { existsSync } from "node:fs";
import {
  bootstrapPair,
  generatePairSecrets,
  holdsAddress,
  type PairStatus,
  pairStatus,
  rejoin,
  switchover,
  teardownPair,
} from "@pgaas/engine";
import type { LocalLab } from "@pgaas/engine/local";
import { hostExec, isolateHost, restoreHost } from "@pgaas/engine/testing";
import {
  dumpLogs,
  LAB_HOSTS,
  labPairHosts,
  labPairSpec,
  pairSsl,
  printProgress,
  withLab,
} from "@pgaas/testing";
import pg from "pg";
import { describe, expect, it } from "vitest";

const fixture = withLab({ range: { prefix: "pgc", first: "10.231.15.0/24", count: 5 }, hosts: LAB_HOSTS });
const secrets = generatePairSecrets("ops");

async function timedInsert(host: string, password: string, id: number): Promise<number> {
  const client = new pg.Client({
    host,
    port: 5432,
    user: "pgaas_admin",
    password,
    database: "ops_app",
    ssl: pairSsl(secrets),
    connectionTimeoutMillis: 3000,
  });
  await client.connect();
  try {
    const started = performance.now();
    await client.query("INSERT INTO ops_probe VALUES ($1)", [id]);
    return (performance.now() - started) / 1000;
  } finally {
    await client.end();
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = performance.now();
  for (let attempt = 0; attempt < 400; attempt += 1) {
    if (await check().catch(() => false)) return (performance.now() - started) / 1000;
    if (performance.now() - started > timeoutMs) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function acceptsWrites(lab: LocalLab, pair: string, node: string): Promise<boolean> {
  const psql = [
    "/usr/lib/postgresql/15/bin/psql",
    "-XAtq",
    "-h",
    `/run/pgaas/${pair}/${node}`,
    "-c",
    "SELECT pg_is_in_recovery()",
  ];
  return (await hostExec(lab, node, ["runuser", "-u", "postgres", "--", ...psql])).stdout.trim() === "f";
}

function roles(status: PairStatus): string[] {
  return status.nodes.map(
    (n) => `${n.name}:${n.role}${n.holdsVip ? "+vip" : ""}${n.fenced ? "+fenced" : ""}`,
  );
}

describe("pair operations on namespace hosts", () => {
  it("switches over and back, degrades and recovers sync, rejoins a killed primary", async () => {
    const lab = fixture.lab;
    const spec = labPairSpec(lab, `ops-${lab.prefix}`);
    const hosts = labPairHosts(lab);
    const admin = secrets.adminPassword.reveal();
    const vip = spec.endpoint.address;
    const statusOf = () => pairStatus(spec, hosts);
    /** pg_ctl on a node's PostgreSQL, run inside its namespace as postgres. */
    const pgCtl = (node: string, ...args: string[]) =>
      hostExec(lab, node, [
        "runuser",
        "-u",
        "postgres",
        "--",
        "/usr/lib/postgresql/15/bin/pg_ctl",
        "-D",
        `/etc/pgaas/${spec.name}/${node}`,
        ...args,
      ]);
    try {
      await bootstrapPair(spec, hosts, { secrets, onProgress: printProgress });
      const setup = new pg.Client({
        host: vip,
        port: 5432,
        user: "pgaas_admin",
        password: admin,
        database: "postgres",
        ssl: pairSsl(secrets),
      });
      await setup.connect();
      await setup.query("CREATE DATABASE ops_app");
      await setup.end();
      const app = new pg.Client({
        host: vip,
        port: 5432,
        user: "pgaas_admin",
        password: admin,
        database: "ops_app",
        ssl: pairSsl(secrets),
      });
      await app.connect();
      await app.query("CREATE TABLE ops_probe (id int PRIMARY KEY)");
      await app.end();

      // Switchover and back.
      const there = await switchover(spec, hosts, secrets, { onProgress: printProgress });
      process.stdout.write(`switchover n1→n2: ${(there.durationMs / 1000).toFixed(1)} s\n`);
      expect([there.oldPrimary, there.newPrimary]).toEqual(["n1", "n2"]);
      await until("VIP on n2", async () => (await statusOf()).vipHolders.join() === "n2", 15_000);
      let status = await statusOf();
      expect(roles(status)).toEqual(["n1:standby", "n2:primary+vip"]);
      expect(status.replication).toBe("synchronous");
      expect(status.cluster.map((m) => `${m.name}:${m.role}:${m.available}`)).toEqual([
        "n1:standby:true",
        "n2:primary:true",
        "w:witness:true",
      ]);
      await timedInsert(vip, admin, 1);

      const back = await switchover(spec, hosts, secrets, { onProgress: printProgress });
      process.stdout.write(`switchover n2→n1: ${(back.durationMs / 1000).toFixed(1)} s\n`);
      expect([back.oldPrimary, back.newPrimary]).toEqual(["n2", "n1"]);
      await until("VIP on n1", async () => (await statusOf()).vipHolders.join() === "n1", 15_000);
      status = await statusOf();
      expect(roles(status)).toEqual(["n1:primary+vip", "n2:standby"]);
      expect(status.replication).toBe("synchronous");

      // Standby down: a commit waits at most the degrade window, then status says degraded.
      await pgCtl("n2", "stop", "-m", "immediate");
      const degradeSeconds = await timedInsert(vip, admin, 2);
      process.stdout.write(`commit with the standby down returned after ${degradeSeconds.toFixed(1)} s\n`);
      expect(degradeSeconds).toBeLessThan(6);
      status = await statusOf();
      expect(status.replication).toBe("degraded");
      expect(roles(status)).toEqual(["n1:primary+vip", "n2:down"]);

      // Standby back: streaming again, synchronous again (event hook on reconnect).
      await hostExec(lab, "n2", [
        "runuser",
        "-u",
        "postgres",
        "--",
        `/etc/pgaas/${spec.name}/n2/bin/pg-service`,
        "start",
      ]);
      const resyncSeconds = await until(
        "sync again",
        async () => (await statusOf()).replication === "synchronous",
        30_000,
      );
      process.stdout.write(`synchronous again ${resyncSeconds.toFixed(1)} s after the standby started\n`);
      await timedInsert(vip, admin, 3);

      // The standby's host vanishes (no TCP reset): tcp_user_timeout drops the walsender, the degrade
      // command releases the commit; the isolated standby sees no majority and does not promote.
      await isolateHost(lab, "n2");
      const vanishedDegradeSeconds = await timedInsert(vip, admin, 5);
      process.stdout.write(
        `commit with the standby host vanished returned after ${vanishedDegradeSeconds.toFixed(1)} s\n`,
      );
      expect(vanishedDegradeSeconds).toBeLessThan(10);
      await new Promise((resolve) => setTimeout(resolve, 15_000));
      expect(await acceptsWrites(lab, spec.name, "n2")).toBe(false);
      await restoreHost(lab, "n2");
      await until(
        "sync again after the standby host returned",
        async () => (await statusOf()).replication === "synchronous",
        60_000,
      );
      expect(roles(await statusOf())).toEqual(["n1:primary+vip", "n2:standby"]);

      // kill -9 of the primary's postmaster: n2 is promoted, n1 stays down (nothing restarts it as primary).
      const pid = (
        await hostExec(lab, "n1", ["head", "-n1", `/var/lib/pgaas/${spec.name}/n1/data/postmaster.pid`])
      ).stdout.trim();
      await hostExec(lab, "n1", ["kill", "-9", pid]);
      const failoverSeconds = await until(
        "n2 promoted and holding the VIP",
        async () => {
          const s = await statusOf();
          return s.primary === "n2" && s.vipHolders.join() === "n2";
        },
        60_000,
      );
      process.stdout.write(`kill -9 → n2 primary with the VIP: ${failoverSeconds.toFixed(1)} s\n`);
      await timedInsert(vip, admin, 4);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      status = await statusOf();
      expect(roles(status)).toEqual(["n1:down", "n2:primary+vip"]);

      const rejoined = await rejoin(spec, hosts, secrets, "n1", { onProgress: printProgress });
      process.stdout.write(`rejoin n1: ${(rejoined.durationMs / 1000).toFixed(1)} s (${rejoined.detail})\n`);
      expect(rejoined.detail).toBe("rejoined by pg_rewind");
      await until(
        "sync with n1 as standby",
        async () => (await statusOf()).replication === "synchronous",
        30_000,
      );
      status = await statusOf();
      expect(roles(status)).toEqual(["n1:standby", "n2:primary+vip"]);
      expect(status.nodes[0]?.timeline).toBe(status.nodes[1]?.timeline);
      const rows = new pg.Client({
        host: lab.host("n1").address,
        port: 5432,
        user: "pgaas_admin",
        password: admin,
        database: "ops_app",
        ssl: pairSsl(secrets),
      });
      await rows.connect();
      await until(
        "all 5 rows replayed on n1",
        async () => (await rows.query("SELECT count(*)::int AS n FROM ops_probe")).rows[0]?.n === 5,
        10_000,
      );
      await rows.end();

      // The primary's host vanishes: it fences itself (before n1 could be promoted), n1 takes over, and
      // when n2 comes back it stays down and never holds the VIP until bootstrap rejoins it.
      await isolateHost(lab, "n2");
      const isolated = performance.now();
      const fenceSeconds = await until(
        "n2 fenced",
        async () => existsSync(`/var/lib/pgaas/${spec.name}/n2/FENCED`),
        20_000,
      );
      process.stdout.write(`isolated primary fenced itself after ${fenceSeconds.toFixed(1)} s\n`);
      expect(fenceSeconds).toBeLessThan(3);
      // The watcher writes the marker first, then stops PostgreSQL (immediate): wait for the stop itself.
      const n2Status = async () => (await pgCtl("n2", "status")).code;
      await until("n2's PostgreSQL stopped by its fence", async () => (await n2Status()) === 3, 5_000);
      expect(await n2Status()).toBe(3);
      // Measured inside the namespaces: SSH status probes would wait on the vanished host.
      await until("n1 promoted", () => acceptsWrites(lab, spec.name, "n1"), 60_000);
      const promotedAfter = (performance.now() - isolated) / 1000;
      await until(
        "VIP on n1",
        async () => holdsAddress((await hostExec(lab, "n1", ["ip", "-br", "addr"])).stdout, vip),
        30_000,
      );
      process.stdout.write(
        `host vanished → n1 promoted after ${promotedAfter.toFixed(1)} s, VIP on n1 after ${((performance.now() - isolated) / 1000).toFixed(1)} s\n`,
      );
      await restoreHost(lab, "n2");
      await new Promise((resolve) => setTimeout(resolve, 3000));
      status = await statusOf();
      expect(roles(status)).toEqual(["n1:primary+vip", "n2:down+fenced"]);
      expect(status.replication).toBe("degraded");
      const healed = await bootstrapPair(spec, hosts, { secrets, onProgress: printProgress });
      expect([healed.primary, healed.standby]).toEqual(["n1", "n2"]);
      expect(healed.steps.find((step) => step.step === "standby")?.changed).toBe(true);
      await until(
        "sync with n2 back as standby",
        async () => (await statusOf()).replication === "synchronous",
        30_000,
      );
      status = await statusOf();
      expect(roles(status)).toEqual(["n1:primary+vip", "n2:standby"]);
    } catch (error) {
      await dumpLogs(spec);
      throw error;
    } finally {
      // A failure while n2 was isolated would leave its teardown unreachable, and its files to the next run.
      await restoreHost(lab, "n2").catch(() => undefined);
      await teardownPair(spec, hosts, { postgresSshPublicKey: secrets.postgresSshPublicKey });
    }
  }, 600_000);
});
