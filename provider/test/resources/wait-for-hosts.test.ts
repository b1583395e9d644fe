// Waiting for a pair's hosts against real sshd in lab hosts: nodes wait for their first-boot marker,
// the witness host for the programs it runs, and a witness host lacking one fails at once.
import { mkdir, rm, writeFile } from "node:fs/promises";
import type { HostTarget, PairHosts } from "@pgaas/engine";
import { withLab } from "@pgaas/testing";
import { afterAll, describe, expect, it } from "vitest";
import {
  FirstBootFailedError,
  HostPrerequisiteError,
  WITNESS_PROGRAMS,
  waitForPairHosts,
} from "../../src/resources/wait-for-hosts.js";

const fixture = withLab({
  range: { prefix: "pgk", first: "10.231.90.0/24", count: 5 },
  hosts: ["n1", "n2", "w"],
});
// Lab hosts share this machine's filesystem: the marker written here is on every "node".
const TEST_DIR = `/run/pgaas-test-wait-${process.pid}`;
afterAll(() => rm(TEST_DIR, { recursive: true, force: true }));

function pairHosts(): PairHosts {
  const target = (name: string): HostTarget => ({
    ssh: fixture.lab.host(name).ssh,
    serviceManager: "detached",
  });
  return { nodes: [target("n1"), target("n2")], witness: target("w") };
}

describe("waitForPairHosts", () => {
  it("returns once the nodes hold the marker and the witness host has PostgreSQL 15 and repmgr", async () => {
    await mkdir(TEST_DIR, { recursive: true });
    await writeFile(`${TEST_DIR}/host-ready`, "");
    await expect(
      waitForPairHosts(pairHosts(), {
        readyFile: `${TEST_DIR}/host-ready`,
        timeoutMs: 20_000,
        intervalMs: 200,
      }),
    ).resolves.toBeUndefined();
    expect(WITNESS_PROGRAMS).toEqual([
      "/usr/lib/postgresql/15/bin/initdb",
      "/usr/lib/postgresql/15/bin/pg_ctl",
      "/usr/lib/postgresql/15/bin/postgres",
      "/usr/lib/postgresql/15/bin/repmgr",
    ]);
  });

  it("fails at once, naming what to install, when the witness host lacks a program", async () => {
    const started = Date.now();
    const waiting = waitForPairHosts(pairHosts(), {
      readyFile: undefined,
      timeoutMs: 60_000,
      witnessPrograms: ["/usr/lib/postgresql/15/bin/postgres", "/nonexistent/pgaas-test/repmgr"],
    });
    await expect(waiting).rejects.toBeInstanceOf(HostPrerequisiteError);
    await expect(waiting).rejects.toThrow(
      `witness host w (${fixture.lab.host("w").ssh.host}) lacks /nonexistent/pgaas-test/repmgr: install postgresql-15 and postgresql-15-repmgr there (scripts/install-os-packages.sh)`,
    );
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it("names the node and the marker when a node never finishes its first boot", async () => {
    const waiting = waitForPairHosts(pairHosts(), {
      readyFile: `${TEST_DIR}/never-written`,
      timeoutMs: 1000,
      intervalMs: 200,
    });
    await expect(waiting).rejects.toThrow(
      new RegExp(
        `^host n[12] \\(10\\.231\\.\\d+\\.\\d+\\) not ready after 1 s \\(waiting for ${TEST_DIR}/never-written\\): `,
      ),
    );
  });

  it("fails at once with the marker and the boot log's tail when a node's first boot failed", async () => {
    await mkdir(TEST_DIR, { recursive: true });
    await writeFile(
      `${TEST_DIR}/host-failed`,
      "exit 100 after line 31: apt-get install -y -q postgresql-15\n",
    );
    await writeFile(
      `${TEST_DIR}/setup.log`,
      `${Array.from({ length: 25 }, (_, index) => `line ${index + 1}`).join("\n")}\nE: Unable to locate package postgresql-15\n`,
    );
    const started = Date.now();
    const waiting = waitForPairHosts(pairHosts(), {
      readyFile: `${TEST_DIR}/never-written`,
      failedFile: `${TEST_DIR}/host-failed`,
      setupLog: `${TEST_DIR}/setup.log`,
      timeoutMs: 60_000,
      intervalMs: 200,
    });
    await expect(waiting).rejects.toBeInstanceOf(FirstBootFailedError);
    await expect(waiting).rejects.toThrow(
      new RegExp(
        `^first boot of n[12] \\(10\\.231\\.\\d+\\.\\d+\\) failed: exit 100 after line 31: apt-get install -y -q postgresql-15 ` +
          `\\(${TEST_DIR}/host-failed\\); last lines of ${TEST_DIR}/setup.log:\nline 7\n(line \\d+\n){18}E: Unable to locate package postgresql-15$`,
      ),
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    await rm(`${TEST_DIR}/host-failed`);
  });
});
