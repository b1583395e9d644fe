// System test: a real pair on three namespace hosts (n1, n2, witness w) over SSH: bootstrap, a write
// through the VIP that shows up on the standby, a second bootstrap that changes and restarts nothing,
// and the exact status. Needs root (network namespaces).

import { bootstrapPair, generatePairSecrets, pairStatus, teardownPair } from "@pgaas/engine";
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

const fixture = withLab({ range: { prefix: "pgc", first: "10.231.10.0/24", count: 5 }, hosts: LAB_HOSTS });
const secrets = generatePairSecrets("boot");

async function query(
  host: string,
  port: number,
  sql: string,
  password: string,
  database = "boot_app",
): Promise<pg.QueryResult> {
  const client = new pg.Client({
    host,
    port,
    user: "pgaas_admin",
    password,
    database,
    ssl: pairSsl(secrets),
    connectionTimeoutMillis: 3000,
  });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Anything of the pair left on the (shared) filesystem or in the process table. */
async function leftovers(pair: string): Promise<string[]> {
  const { readdir } = await import("node:fs/promises");
  const found: string[] = [];
  for (const root of ["/etc/pgaas", "/var/lib/pgaas", "/run/pgaas", "/var/log/pgaas"]) {
    if ((await readdir(root).catch(() => [] as string[])).includes(pair)) found.push(`${root}/${pair}`);
  }
  const { execFileSync } = await import("node:child_process");
  const processes = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" }).split("\n");
  found.push(...processes.filter((line) => line.includes(`/pgaas/${pair}/`)));
  return found;
}

describe("pair bootstrap on namespace hosts", () => {
  it("bootstraps, replicates through the VIP, converges with zero changes, reports exact status", async () => {
    const lab = fixture.lab;
    const spec = labPairSpec(lab, `boot-${lab.prefix}`);
    const hosts = labPairHosts(lab);
    const admin = secrets.adminPassword.reveal();
    try {
      const first = await bootstrapPair(spec, hosts, { secrets, onProgress: printProgress });
      process.stdout.write(`bootstrap: ${(first.durationMs / 1000).toFixed(1)} s\n`);
      expect(first.primary).toBe("n1");
      expect(first.standby).toBe("n2");
      expect(first.changed).toBe(true);

      await query(spec.endpoint.address, 5432, "CREATE DATABASE boot_app", admin, "postgres");
      await query(
        spec.endpoint.address,
        5432,
        "CREATE TABLE boot_probe (id int PRIMARY KEY, note text)",
        admin,
      );
      await query(spec.endpoint.address, 5432, "INSERT INTO boot_probe VALUES (1, 'through the vip')", admin);
      // synchronous_commit=on waits for the standby's flush, not its replay: poll briefly for the row.
      let onStandby: unknown[] = [];
      for (let attempt = 0; attempt < 50 && onStandby.length === 0; attempt += 1) {
        onStandby = await query(
          lab.host("n2").address,
          5432,
          "SELECT note FROM boot_probe WHERE id = 1",
          admin,
        )
          .then((result) => result.rows)
          .catch(() => []);
        if (onStandby.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(onStandby).toEqual([{ note: "through the vip" }]);

      const before = await pairStatus(spec, hosts);
      const second = await bootstrapPair(spec, hosts, { secrets, onProgress: printProgress });
      process.stdout.write(`re-run: ${(second.durationMs / 1000).toFixed(1)} s\n`);
      expect(second.changedFiles).toEqual([]);
      expect(second.steps.filter((step) => step.changed)).toEqual([]);
      expect(second.changed).toBe(false);
      const after = await pairStatus(spec, hosts);
      expect(after.nodes.map((n) => n.postmasterStartTime)).toEqual(
        before.nodes.map((n) => n.postmasterStartTime),
      );

      expect(after.primary).toBe("n1");
      expect(after.vipHolders).toEqual(["n1"]);
      expect(after.replication).toBe("synchronous");
      expect(
        after.nodes.map((n) => ({
          name: n.name,
          role: n.role,
          running: n.running,
          fenced: n.fenced,
          timeline: n.timeline,
          syncState: n.syncState,
          holdsVip: n.holdsVip,
        })),
      ).toEqual([
        {
          name: "n1",
          role: "primary",
          running: true,
          fenced: false,
          timeline: 1,
          syncState: null,
          holdsVip: true,
        },
        {
          name: "n2",
          role: "standby",
          running: true,
          fenced: false,
          timeline: 1,
          syncState: "quorum",
          holdsVip: false,
        },
      ]);
      expect(after.nodes[0]?.synchronousStandbyNames).toBe('ANY 1 ("n1", "n2")');
      expect(after.witness).toEqual({ name: "w", running: true, reachable: true, watching: "n1" });
      expect(after.cluster).toEqual([
        { name: "n1", available: true, role: "primary" },
        { name: "n2", available: true, role: "standby" },
        { name: "w", available: true, role: "witness" },
      ]);

      // A user setting changed: both nodes reload, nothing restarts.
      const tuned = { ...spec, settings: { work_mem: "16MB" } };
      const third = await bootstrapPair(tuned, hosts, { secrets, onProgress: printProgress });
      expect(third.changedFiles).toEqual([
        { host: "n1", path: `/etc/pgaas/${spec.name}/n1/postgresql.conf` },
        { host: "n2", path: `/etc/pgaas/${spec.name}/n2/postgresql.conf` },
      ]);
      const changedSteps = third.steps
        .filter((step) => step.changed)
        .map((step) => `${step.step}@${step.host}`);
      expect(changedSteps.sort()).toEqual(["files@n1", "files@n2", "primary@n1", "standby@n2"]);
      expect((await query(spec.endpoint.address, 5432, "SHOW work_mem", admin)).rows).toEqual([
        { work_mem: "16MB" },
      ]);
      const reloaded = await pairStatus(tuned, hosts);
      expect(reloaded.nodes.map((n) => n.postmasterStartTime)).toEqual(
        before.nodes.map((n) => n.postmasterStartTime),
      );

      // Teardown leaves nothing of the pair behind; then a run interrupted mid-way completes when re-run.
      await teardownPair(spec, hosts, { postgresSshPublicKey: secrets.postgresSshPublicKey });
      expect(await leftovers(spec.name)).toEqual([]);
      const abort = new AbortController();
      const interrupted = bootstrapPair(spec, hosts, {
        secrets,
        signal: abort.signal,
        onProgress: (event) => {
          printProgress(event);
          if (event.step === "standby" && event.status === "done")
            abort.abort(new Error("interrupted by the test"));
        },
      });
      await expect(interrupted).rejects.toThrow("interrupted by the test");
      const resumed = await bootstrapPair(spec, hosts, { secrets, onProgress: printProgress });
      // The resumed run redoes nothing already done (no second initdb, clone or registration of n1) and
      // finishes the rest. The witness is prepared in parallel, so whether it finished before the
      // interruption varies; everything after the standby's registration is always left to do.
      const resumedSteps = resumed.steps
        .filter((step) => step.changed)
        .map((step) => `${step.step}@${step.host}`);
      expect(resumedSteps.filter((step) => step !== "witness@w").sort()).toEqual([
        "fence-watcher@n1",
        "fence-watcher@n2",
        "keepalived@n1",
        "keepalived@n2",
        // The teardown stopped PgBouncer too (it used to outlive it), so the resumed run starts it.
        "pooler@n1",
        "pooler@n2",
        "register@n2",
        "register@w",
        "repmgrd@n1",
        "repmgrd@n2",
        "repmgrd@w",
        "sync@n1",
      ]);
      const final = await pairStatus(spec, hosts);
      expect(final.primary).toBe("n1");
      expect(final.replication).toBe("synchronous");
      expect(final.vipHolders).toEqual(["n1"]);
    } catch (error) {
      await dumpLogs(spec);
      throw error;
    } finally {
      await teardownPair(spec, hosts, { postgresSshPublicKey: secrets.postgresSshPublicKey });
    }
    expect(await leftovers(spec.name)).toEqual([]);
  }, 400_000);
});
