// A pair seeded from another pair's repository (spec.restoreFrom): what the spec accepts, the seed's
// pgBackRest configs (the source's key only in them, 0600 and removed after the seed), the restore
// command and the settings the restored cluster must not keep from its source.
import { Secret } from "@pgaas/common";
import { describe, expect, it } from "vitest";
import { resetSourceSettingsSql, seedRestoreCommand } from "../src/bootstrap/seed-from-source.js";
import { type PairSecrets, parsePairSpec } from "../src/index.js";
import { renderSeedPgbackrestConfs } from "../src/render/pgbackrest-conf.js";
import { SECRETS, SPEC_INPUT } from "./fixtures.js";

const SOURCE = {
  repository: { kind: "local" },
  stanza: "orders-old",
  time: "2026-12-07T06:00:00+01:00",
  cipherPass: "source-cipher-pass-0123456789",
} as const;
const LOCAL = { ...SPEC_INPUT, backup: { repository: { kind: "local" as const } } };
const BACKUP_SECRETS: PairSecrets = { ...SECRETS, backupCipherPass: new Secret("own-cipher-pass") };

function issuesOf(input: unknown): string[] {
  try {
    parsePairSpec(input);
  } catch (error) {
    return (error as { details: { issues: { path: string; message: string }[] } }).details.issues.map(
      (issue) => `${issue.path}: ${issue.message}`,
    );
  }
  return [];
}

describe("restoreFrom in the pair spec", () => {
  it("parses the source with its key as a Secret that never prints", () => {
    const spec = parsePairSpec({ ...LOCAL, restoreFrom: SOURCE });
    expect(spec.restoreFrom?.repository).toEqual({ kind: "local", path: "/var/lib/pgbackrest" });
    expect(spec.restoreFrom?.cipherPass.reveal()).toBe("source-cipher-pass-0123456789");
    expect(JSON.stringify(spec)).not.toContain("source-cipher-pass");
  });

  it("refuses a source without an own repository, of another kind, or with the pair's own stanza", () => {
    expect(issuesOf({ ...SPEC_INPUT, restoreFrom: SOURCE })).toEqual([
      "restoreFrom: a pair restored from backups needs its own backup repository (backup)",
    ]);
    expect(
      issuesOf({
        ...LOCAL,
        restoreFrom: { ...SOURCE, repository: { kind: "gcs", bucket: "b1" }, stanza: "orders" },
      }),
    ).toEqual([
      "restoreFrom.repository.kind: the source repository must be of this pair's kind (local): it is reached with the same access",
      "restoreFrom.stanza: the source stanza must differ from the pair's name: the new pair archives into its own stanza",
    ]);
    expect(issuesOf({ ...LOCAL, restoreFrom: { ...SOURCE, time: "2026-12-07 06:00" } })).toEqual([
      "restoreFrom.time: Invalid ISO datetime",
    ]);
    expect(issuesOf({ ...LOCAL, restoreFrom: { ...SOURCE, backup: "latest" } })).toEqual([
      "restoreFrom.backup: a pgBackRest label",
    ]);
  });
});

describe("the seed's pgBackRest configs", () => {
  it("reads a local source on the witness host, reached from the primary over the pair's SSH", () => {
    const spec = parsePairSpec({ ...LOCAL, restoreFrom: SOURCE });
    const confs = renderSeedPgbackrestConfs(spec, "n1", BACKUP_SECRETS);
    expect(confs.witness?.split("\n").filter((line) => line && !line.startsWith("#"))).toEqual([
      "[global]",
      "log-path=/var/log/pgaas/orders/w",
      "log-level-console=warn",
      "log-level-file=info",
      "lock-path=/run/pgaas/orders/w",
      "cmd-ssh=/etc/pgaas/orders/w/bin/pgbackrest-ssh",
      "repo1-path=/var/lib/pgbackrest/orders-old",
      "repo1-cipher-type=aes-256-cbc",
      "repo1-cipher-pass=source-cipher-pass-0123456789",
    ]);
    expect(confs.node.split("\n").filter((line) => line && !line.startsWith("#"))).toEqual([
      "[global]",
      "log-path=/var/log/pgaas/orders/n1",
      "log-level-console=warn",
      "log-level-file=info",
      "lock-path=/run/pgaas/orders/n1",
      "cmd-ssh=/etc/pgaas/orders/n1/bin/pgbackrest-ssh",
      "repo1-host=10.40.1.5",
      "repo1-host-user=postgres",
      "repo1-host-config=/etc/pgaas/orders/w/pgbackrest-seed.conf",
      "[orders-old]",
      "pg1-path=/var/lib/pgaas/orders/n1/data",
      "pg1-port=5432",
      "pg1-socket-path=/run/pgaas/orders/n1",
    ]);
    expect(confs.node).not.toContain("cipher");
  });

  it("reads an object-store source from the primary with the pair's credentials and the source's key", () => {
    const spec = parsePairSpec({
      ...SPEC_INPUT,
      backup: { repository: { kind: "s3", endpoint: "swift.example.net", bucket: "new" } },
      restoreFrom: {
        ...SOURCE,
        repository: { kind: "s3", endpoint: "swift.example.net", bucket: "old", path: "/pgaas" },
      },
    });
    const confs = renderSeedPgbackrestConfs(spec, "n2", {
      ...BACKUP_SECRETS,
      backupS3Credentials: { accessKeyId: "EC2KEY", secretAccessKey: new Secret("ec2-secret") },
    });
    expect(confs.witness).toBeUndefined();
    const lines = confs.node.split("\n");
    for (const line of [
      "repo1-type=s3",
      "repo1-path=/pgaas/orders-old",
      "repo1-s3-bucket=old",
      "repo1-s3-key=EC2KEY",
      "repo1-cipher-pass=source-cipher-pass-0123456789",
      "[orders-old]",
      "pg1-path=/var/lib/pgaas/orders/n2/data",
    ]) {
      expect(lines).toContain(line);
    }
    expect(confs.node).not.toContain("own-cipher-pass");
    expect(confs.node).not.toContain("retention");
  });
});

describe("the seed's commands", () => {
  it("restores the source stanza to a time and promotes, or to the end of its archive", () => {
    const conf = "/etc/pgaas/orders/n1/pgbackrest-seed.conf";
    expect(seedRestoreCommand(conf, "orders-old", { time: "2026-12-07 05:00:00.000+00", set: "x" })).toBe(
      "cd /tmp && runuser -u postgres -- /usr/bin/pgbackrest --config=/etc/pgaas/orders/n1/pgbackrest-seed.conf --stanza=orders-old --set=x --type=time '--target=2026-12-07 05:00:00.000+00' --target-action=promote restore",
    );
    expect(seedRestoreCommand(conf, "orders-old", {})).toBe(
      "cd /tmp && runuser -u postgres -- /usr/bin/pgbackrest --config=/etc/pgaas/orders/n1/pgbackrest-seed.conf --stanza=orders-old restore",
    );
  });

  it("drops the source's synchronous standbys and recovery settings", () => {
    expect(resetSourceSettingsSql().split("\n")).toEqual([
      "ALTER SYSTEM RESET synchronous_standby_names;",
      "ALTER SYSTEM RESET restore_command;",
      "ALTER SYSTEM RESET recovery_target;",
      "ALTER SYSTEM RESET recovery_target_action;",
      "ALTER SYSTEM RESET recovery_target_inclusive;",
      "ALTER SYSTEM RESET recovery_target_lsn;",
      "ALTER SYSTEM RESET recovery_target_name;",
      "ALTER SYSTEM RESET recovery_target_time;",
      "ALTER SYSTEM RESET recovery_target_timeline;",
      "ALTER SYSTEM RESET recovery_target_xid;",
      "SELECT pg_catalog.pg_reload_conf();",
      "",
    ]);
  });
});
