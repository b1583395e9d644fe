// The restore check's exact command lines and its outcome for each answer the host gives, over a
// scripted transport (the real run is test/system/backup-api.test.ts).
import { ConflictError } from "@pgaas/common";
import { describe, expect, it } from "vitest";
import { restoreCommand, scratchPaths } from "../src/backup/scratch-commands.js";
import { memberLayout } from "../src/layout.js";
import { type CommandTransport, MemberCommands } from "../src/member-commands.js";
import { verifyLatestBackupOn } from "../src/operations/verify-backup.js";
import { SshCommandError } from "../src/ssh/errors.js";

const CONF = "/etc/pgaas/orders/n2/pgbackrest.conf";

function backup(label: string, start: number) {
  return {
    label,
    type: "full",
    timestamp: { start, stop: start + 10 },
    info: { size: 31457280, repository: { size: 4194304, delta: 4194304 } },
    archive: { start: "000000010000000000000003", stop: "000000010000000000000003" },
    error: false,
  };
}

function info(backups: unknown[]): string {
  return JSON.stringify([
    { name: "orders", status: { code: 0, message: "ok" }, archive: [], backup: backups },
  ]);
}

interface Call {
  readonly step: string;
  readonly command: string;
  readonly stdin?: string;
}

/** Answers each step from `answers` (a function may throw like a failed command); records every call. */
function scriptedHost(answers: Record<string, (call: Call) => string>) {
  const calls: Call[] = [];
  const transport: CommandTransport = {
    async runChecked(command, options) {
      // The scratch id is random: one stable name in what the test compares.
      const call: Call = {
        step: options.step,
        command: String(command).replaceAll(/r-[a-z0-9]+-[0-9a-f]{6}/g, "r-ID"),
        ...(options.stdin === undefined ? {} : { stdin: String(options.stdin) }),
      };
      calls.push(call);
      const answer = answers[options.step.replace(/^n2\./, "")];
      return { stdout: answer ? answer(call) : "", stderr: "", code: 0 };
    },
  };
  const host = new MemberCommands(
    {
      kind: "node",
      name: "n2",
      id: 2,
      address: "10.0.0.2",
      port: 5432,
      layout: memberLayout({ name: "orders" }, "n2"),
    },
    transport,
  );
  return { host, calls };
}

const HEALTHY = {
  "backup-info": () => info([backup("20261206-070000F", 1796540400), backup("20261207-070000F", 1796626800)]),
  "scratch-recovery": () => "f\n",
  "verify-recovery": () => "f\n",
  "verify-databases": () => '["app", "postgres", "template1"]\n',
  "verify-catalog": () => "415\n",
};

describe("restore check", () => {
  it("restores the newest backup only to its end, then promotes", () => {
    const paths = scratchPaths("/var/lib/pgaas/orders/n2/restore", "r-abc-0f0f0f");
    expect(
      restoreCommand(CONF, "orders", paths, { set: "20261207-070000F", immediate: true }).split("\n")[2],
    ).toBe(
      "cd /tmp && runuser -u postgres -- /usr/bin/pgbackrest --config=/etc/pgaas/orders/n2/pgbackrest.conf --stanza=orders --pg1-path=/var/lib/pgaas/orders/n2/restore/r-abc-0f0f0f/data --set=20261207-070000F --type=immediate --target-action=promote restore",
    );
    expect(() =>
      restoreCommand(CONF, "orders", paths, { time: "2026-12-06 07:01:02+00", immediate: true }),
    ).toThrow("a restore target is a time or immediate, not both");
  });

  it("queries every connectable database over the scratch socket and removes the scratch instance", async () => {
    const { host, calls } = scriptedHost(HEALTHY);
    const result = await verifyLatestBackupOn({ stanza: "orders", repository: host });
    expect({ backup: result.backup, databases: result.databases }).toEqual({
      backup: "20261207-070000F",
      databases: ["app", "postgres", "template1"],
    });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(calls.map((call) => call.step)).toEqual([
      "n2.backup-info",
      "n2.restore",
      "n2.scratch-start",
      "n2.scratch-recovery",
      "n2.verify-recovery",
      "n2.verify-databases",
      "n2.verify-catalog",
      "n2.verify-catalog",
      "n2.verify-catalog",
      "n2.scratch-remove",
    ]);
    expect(calls[1]?.command.split("\n")[2]).toContain(
      "--pg1-path=/var/lib/pgaas/orders/n2/restore/r-ID/data --set=20261207-070000F --type=immediate --target-action=promote restore",
    );
    const catalog = calls.filter((call) => call.step === "n2.verify-catalog");
    expect(catalog.map((call) => call.stdin)).toEqual([
      "SELECT count(*) FROM pg_catalog.pg_class;\n",
      "SELECT count(*) FROM pg_catalog.pg_class;\n",
      "SELECT count(*) FROM pg_catalog.pg_class;\n",
    ]);
    expect(catalog[0]?.command).toBe(
      "cd /tmp && runuser -u postgres -- /usr/lib/postgresql/15/bin/psql -X -A -t -q -v ON_ERROR_STOP=1 -h /var/lib/pgaas/orders/n2/restore/r-ID -p 5432 -d 'dbname='\\''app'\\''' -f -",
    );
    expect(calls.at(-1)?.command.split("\n")[1]).toBe("rm -rf -- /var/lib/pgaas/orders/n2/restore/r-ID");
  });

  it("fails with restore_check_failed when a database does not answer, and still removes the scratch instance", async () => {
    const { host, calls } = scriptedHost({
      ...HEALTHY,
      "verify-catalog": (call) => {
        if (call.command.includes("app")) {
          throw new SshCommandError(
            { host: "n2", step: "n2.verify-catalog" },
            2,
            "FATAL: database is corrupt",
            "",
          );
        }
        return "415\n";
      },
    });
    const failure = await verifyLatestBackupOn({ stanza: "orders", repository: host }).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ConflictError);
    expect((failure as ConflictError).code).toBe("restore_check_failed");
    expect((failure as Error).message).toMatch(
      /^restore check of orders: database app did not answer: .*database is corrupt/,
    );
    expect(calls.at(-1)?.step).toBe("n2.scratch-remove");
  });

  it("fails when the restored instance is still in recovery or counts no catalog rows", async () => {
    const inRecovery = scriptedHost({ ...HEALTHY, "verify-recovery": () => "t\n" });
    const empty = scriptedHost({ ...HEALTHY, "verify-catalog": () => "\n" });
    const messages = await Promise.all(
      [inRecovery, empty].map(({ host }) =>
        verifyLatestBackupOn({ stanza: "orders", repository: host }).then(
          () => "passed",
          (e: unknown) => `${(e as ConflictError).code}: ${(e as Error).message}`,
        ),
      ),
    );
    expect(messages).toEqual([
      "restore_check_failed: restore check of orders: the restored instance is still in recovery",
      'restore_check_failed: restore check of orders: database app counted "" catalog rows',
    ]);
    expect([inRecovery.calls.at(-1)?.step, empty.calls.at(-1)?.step]).toEqual([
      "n2.scratch-remove",
      "n2.scratch-remove",
    ]);
  });

  it("refuses with no_backup before restoring anything", async () => {
    const { host, calls } = scriptedHost({ "backup-info": () => info([]) });
    const failure = await verifyLatestBackupOn({ stanza: "orders", repository: host }).catch(
      (e: unknown) => e,
    );
    expect((failure as ConflictError).code).toBe("no_backup");
    expect(calls.map((call) => call.step)).toEqual(["n2.backup-info"]);
  });
});
