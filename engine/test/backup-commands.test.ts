// Exact command lines of backups and scratch restores, and the parsing of `pgbackrest info`.

import { parseRepositoryInfo } from "@pgaas/common/wire";
import { describe, expect, it } from "vitest";
import { backupCommand, infoCommand } from "../src/backup/pgbackrest-commands.js";
import {
  restoreCommand,
  scratchDumpArgv,
  scratchPaths,
  scratchRemoveCommand,
  scratchStartCommand,
} from "../src/backup/scratch-commands.js";

const CONF = "/etc/pgaas/orders/w/pgbackrest.conf";
const paths = scratchPaths("/var/lib/pgaas/orders/w/restore", "r-abc-0f0f0f");

describe("pgBackRest command lines", () => {
  it("runs as postgres with the member's own config", () => {
    expect(backupCommand(CONF, "orders", "diff")).toBe(
      "cd /tmp && runuser -u postgres -- /usr/bin/pgbackrest --config=/etc/pgaas/orders/w/pgbackrest.conf --stanza=orders --type=diff backup",
    );
    expect(infoCommand(CONF, "orders")).toBe(
      "cd /tmp && runuser -u postgres -- /usr/bin/pgbackrest --config=/etc/pgaas/orders/w/pgbackrest.conf --stanza=orders --output=json info",
    );
  });

  it("restores to a time into the scratch directory, with a peer-only pg_hba", () => {
    expect(
      restoreCommand(CONF, "orders", paths, {
        time: "2026-12-06 07:01:02.345+00",
        set: "20261206-070000F",
      }).split("\n"),
    ).toEqual([
      "set -e",
      "cd /tmp && runuser -u postgres -- install -d -m 700 /var/lib/pgaas/orders/w/restore/r-abc-0f0f0f",
      "cd /tmp && runuser -u postgres -- /usr/bin/pgbackrest --config=/etc/pgaas/orders/w/pgbackrest.conf --stanza=orders --pg1-path=/var/lib/pgaas/orders/w/restore/r-abc-0f0f0f/data --set=20261206-070000F --type=time '--target=2026-12-06 07:01:02.345+00' --target-action=promote restore",
      "cd /tmp && runuser -u postgres -- sh -c 'printf '\\''local all postgres peer\\n'\\'' > \"$1\" && : > \"$2\"' sh /var/lib/pgaas/orders/w/restore/r-abc-0f0f0f/pg_hba.conf /var/lib/pgaas/orders/w/restore/r-abc-0f0f0f/pg_ident.conf",
    ]);
  });

  it("starts the scratch instance on its socket only, never archiving or waiting for a standby", () => {
    expect(scratchStartCommand(paths)).toBe(
      "cd /tmp && runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D /var/lib/pgaas/orders/w/restore/r-abc-0f0f0f/data -l /var/lib/pgaas/orders/w/restore/r-abc-0f0f0f/postgresql.log -w -t 600 -o '-c port=5432 -c listen_addresses= -c unix_socket_directories=/var/lib/pgaas/orders/w/restore/r-abc-0f0f0f -c hba_file=/var/lib/pgaas/orders/w/restore/r-abc-0f0f0f/pg_hba.conf -c ident_file=/var/lib/pgaas/orders/w/restore/r-abc-0f0f0f/pg_ident.conf -c archive_mode=off -c synchronous_standby_names= -c shared_preload_libraries= -c shared_buffers=64MB' start",
    );
    expect(scratchRemoveCommand(paths).split("\n")[1]).toBe(
      "rm -rf -- /var/lib/pgaas/orders/w/restore/r-abc-0f0f0f",
    );
    expect(scratchDumpArgv(paths, "app")).toEqual([
      "/usr/lib/postgresql/15/bin/pg_dump",
      "-h",
      "/var/lib/pgaas/orders/w/restore/r-abc-0f0f0f",
      "-p",
      "5432",
      "-Fc",
      "--exclude-schema=pgaas",
      "-d",
      "app",
    ]);
  });

  it("refuses a scratch id that could leave the scratch root", () => {
    expect(() => scratchPaths("/var/lib/pgaas/orders/w/restore", "../../etc")).toThrow("invalid scratch id");
  });
});

describe("pgbackrest info", () => {
  it("keeps each backup's times, sizes and WAL range, and the archive's range", () => {
    const json = JSON.stringify([
      {
        name: "orders",
        status: { code: 0, message: "ok" },
        archive: [{ id: "15-1", min: "000000010000000000000003", max: "000000020000000000000009" }],
        backup: [
          {
            label: "20261206-070000F",
            type: "full",
            timestamp: { start: 1796540400, stop: 1796540410 },
            info: { size: 31457280, repository: { size: 4194304, delta: 4194304 } },
            archive: { start: "000000010000000000000003", stop: "000000010000000000000003" },
            error: false,
          },
        ],
      },
    ]);
    expect(parseRepositoryInfo(json, "orders")).toEqual({
      stanza: "orders",
      statusCode: 0,
      statusMessage: "ok",
      backups: [
        {
          label: "20261206-070000F",
          type: "full",
          startedAt: "2026-12-06T07:00:00.000Z",
          stoppedAt: "2026-12-06T07:00:10.000Z",
          databaseBytes: 31457280,
          repositoryBytes: 4194304,
          walStart: "000000010000000000000003",
          walStop: "000000010000000000000003",
        },
      ],
      walMin: "000000010000000000000003",
      walMax: "000000020000000000000009",
    });
  });
});
