// Golden tests for a pair with backups: pgBackRest's config on a node and on the repository host, the
// restore config, the SSH wrapper, and the archiving lines in postgresql.conf. Regenerate after an
// intended change with UPDATE_GOLDEN=1 and review the diff.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { Secret } from "@pgaas/common";
import { describe, expect, it } from "vitest";
import {
  type PairSecrets,
  pairBackupRoots,
  parsePairSpec,
  planNodeFiles,
  planWitnessFiles,
  type RenderedFile,
} from "../src/index.js";
import { SECRETS, SPEC_INPUT } from "./fixtures.js";

const GOLDEN_DIR = new URL("./golden/backup/", import.meta.url);
const BACKUP_SECRETS: PairSecrets = {
  ...SECRETS,
  backupCipherPass: new Secret("fixture-cipher-pass-0123456789abcdef"),
};
const SPEC = parsePairSpec({ ...SPEC_INPUT, backup: { repository: { kind: "local" } } });
const HOST_KEYS = [
  { address: "10.40.0.11", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG4xaG9zdGtleQ==" },
  { address: "10.40.0.12", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG4yaG9zdGtleQ==" },
  { address: "10.40.1.5", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHdob3N0a2V5" },
];
const n1 = planNodeFiles(SPEC, "n1", BACKUP_SECRETS, { nodeHostKeys: HOST_KEYS });
const witness = planWitnessFiles(SPEC, BACKUP_SECRETS, HOST_KEYS);

function content(files: readonly RenderedFile[], suffix: string): string {
  const found = files.find((file) => file.path.endsWith(suffix));
  if (!found) throw new Error(`no ${suffix}`);
  return found.content;
}

async function checkGolden(name: string, text: string): Promise<void> {
  const url = new URL(name, GOLDEN_DIR);
  if (process.env.UPDATE_GOLDEN === "1") {
    await mkdir(GOLDEN_DIR, { recursive: true });
    await writeFile(url, text);
  }
  expect(text, name).toBe(await readFile(url, "utf8"));
}

describe("backup files (golden)", () => {
  it("plans pgBackRest's files with owners and modes; the repository key stays in 0600 files", () => {
    const describe = (files: RenderedFile[]) =>
      files
        .filter((f) => /pgbackrest|archive-handover|known_hosts/.test(f.path))
        .map((f) => `${f.path} ${f.mode.toString(8)} ${f.owner}`);
    expect(describe(n1)).toEqual([
      "/etc/pgaas/orders/n1/pgbackrest.conf 600 postgres",
      "/etc/pgaas/orders/n1/bin/pgbackrest-ssh 755 root",
      "/etc/pgaas/orders/n1/bin/archive-handover 755 root",
      "/etc/pgaas/orders/ssh/known_hosts 644 postgres",
    ]);
    expect(content(n1, "/n1/bin/event-hook")).toContain(
      "  standby_promote | repmgrd_failover_promote)\n    setsid /etc/pgaas/orders/n1/bin/archive-handover </dev/null >/dev/null 2>&1 & ;;\n",
    );
    expect(describe(witness)).toEqual([
      "/etc/pgaas/orders/w/pgbackrest.conf 600 postgres",
      "/etc/pgaas/orders/w/pgbackrest-restore.conf 600 postgres",
      "/etc/pgaas/orders/w/bin/pgbackrest-ssh 755 root",
      "/etc/pgaas/orders/ssh/known_hosts 644 postgres",
    ]);
    const withKey = [...n1, ...witness].filter((f) => f.content.includes("fixture-cipher-pass"));
    expect(withKey.map((f) => `${f.path} ${f.mode.toString(8)}`)).toEqual([
      "/etc/pgaas/orders/w/pgbackrest.conf 600",
      "/etc/pgaas/orders/w/pgbackrest-restore.conf 600",
    ]);
    // Nodes and the witness share one known_hosts path on namespace hosts: the bytes must be equal.
    expect(content(n1, "/ssh/known_hosts")).toBe(content(witness, "/ssh/known_hosts"));
  });

  it("matches the golden files byte for byte", async () => {
    await checkGolden("n1_pgbackrest.conf", content(n1, "/n1/pgbackrest.conf"));
    await checkGolden("n1_bin_pgbackrest-ssh", content(n1, "/n1/bin/pgbackrest-ssh"));
    await checkGolden("w_pgbackrest.conf", content(witness, "/w/pgbackrest.conf"));
    await checkGolden("w_pgbackrest-restore.conf", content(witness, "/w/pgbackrest-restore.conf"));
    await checkGolden("known_hosts", content(n1, "/ssh/known_hosts"));
    await checkGolden("n1_bin_archive-handover", content(n1, "/n1/bin/archive-handover"));
  });

  it("gives the agent its pgBackRest commands: info here, backup on the repository host over pinned SSH", () => {
    const withAgent = planNodeFiles(SPEC, "n1", BACKUP_SECRETS, {
      nodeHostKeys: HOST_KEYS,
      agentToken: new Secret("agent-token-n1"),
    });
    const conf = "--config=/etc/pgaas/orders/n1/pgbackrest.conf";
    const remote = (type: string) => [
      "/etc/pgaas/orders/n1/bin/pgbackrest-ssh",
      "postgres@10.40.1.5",
      `/usr/bin/pgbackrest --config=/etc/pgaas/orders/w/pgbackrest.conf --stanza=orders --type=${type} backup`,
    ];
    expect(JSON.parse(content(withAgent, "/n1/agent.json")).backup).toEqual({
      stanza: "orders",
      infoArgv: ["/usr/bin/pgbackrest", conf, "--stanza=orders", "--output=json", "info"],
      backupArgv: { full: remote("full"), diff: remote("diff"), incr: remote("incr") },
      schedule: { full: "0 1 * * 0", differential: "0 1 * * 1-6" },
      retention: { full: 2, differential: 6 },
    });
  });

  it("archives every segment through pgBackRest from either node, and at least once a minute", () => {
    const conf = content(n1, "/n1/postgresql.conf").split("\n");
    expect(conf).toContain("archive_mode = 'on'");
    expect(conf).toContain(
      "archive_command = '/usr/bin/pgbackrest --config=/etc/pgaas/orders/n1/pgbackrest.conf --stanza=orders archive-push %p'",
    );
    expect(conf).toContain("archive_timeout = '60s'");
    expect(content(witness, "/w/postgresql.conf")).not.toContain("archive_");
  });

  it("renders object-store repositories on the nodes, with their credentials and the key", () => {
    const s3 = parsePairSpec({
      ...SPEC_INPUT,
      backup: { repository: { kind: "s3", endpoint: "swift.example.net", bucket: "pgaas-backups" } },
    });
    const creds: PairSecrets = {
      ...BACKUP_SECRETS,
      backupS3Credentials: { accessKeyId: "EC2KEY", secretAccessKey: new Secret("ec2-secret") },
    };
    const conf = content(planNodeFiles(s3, "n2", creds), "/n2/pgbackrest.conf").split("\n");
    for (const line of [
      "repo1-type=s3",
      "repo1-path=/pgaas/orders",
      "repo1-s3-endpoint=swift.example.net",
      "repo1-s3-bucket=pgaas-backups",
      "repo1-s3-uri-style=path",
      "repo1-s3-key=EC2KEY",
      "repo1-s3-key-secret=ec2-secret",
      "repo1-cipher-type=aes-256-cbc",
      "archive-async=y",
    ]) {
      expect(conf).toContain(line);
    }
    expect(planWitnessFiles(s3, creds).filter((f) => f.path.includes("pgbackrest"))).toEqual([]);
    const gcs = parsePairSpec({ ...SPEC_INPUT, backup: { repository: { kind: "gcs", bucket: "b1" } } });
    expect(content(planNodeFiles(gcs, "n1", creds), "/n1/pgbackrest.conf").split("\n")).toContain(
      "repo1-gcs-key-type=auto",
    );
  });

  it("names the local repository as the pair's backup root to remove with it; a bucket has none on a host", () => {
    expect(pairBackupRoots(SPEC)).toEqual(["/var/lib/pgbackrest/orders"]);
    const elsewhere = parsePairSpec({
      ...SPEC_INPUT,
      backup: { repository: { kind: "local", path: "/srv/backups/" } },
    });
    expect(pairBackupRoots(elsewhere)).toEqual(["/srv/backups/orders"]);
    const gcs = parsePairSpec({ ...SPEC_INPUT, backup: { repository: { kind: "gcs", bucket: "b1" } } });
    expect(pairBackupRoots(gcs)).toEqual([]);
    expect(pairBackupRoots(parsePairSpec(SPEC_INPUT))).toEqual([]);
  });

  it("refuses a schedule that is not five cron fields and a retention of zero", () => {
    expect(() =>
      parsePairSpec({
        ...SPEC_INPUT,
        backup: { repository: { kind: "local" }, schedule: { full: "daily" } },
      }),
    ).toThrow(/backup.schedule.full: a five-field cron schedule/);
    expect(() =>
      parsePairSpec({ ...SPEC_INPUT, backup: { repository: { kind: "local" }, retention: { full: 0 } } }),
    ).toThrow(/backup.retention.full/);
  });
});
