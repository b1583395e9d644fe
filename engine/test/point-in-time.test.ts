// The figures a point-in-time look reports per database: one query per database, the name as a
// literal (never spliced), the planner's estimates over the database's own tables; and the WAL push a
// standby's look asks of the primary.
import { describe, expect, it } from "vitest";
import {
  archiveThroughPrimary,
  SWITCH_WAL_SQL,
  segmentArchivedSql,
} from "../src/backup/archive-through-primary.js";
import { memberLayout } from "../src/layout.js";
import type { SqlTarget } from "../src/member-commands.js";
import { databaseFiguresSql } from "../src/operations/point-in-time.js";

describe("databaseFiguresSql", () => {
  it("reads owner, size and row estimate of one database, its name quoted as a literal", () => {
    expect(databaseFiguresSql("it's")).toBe(
      `SELECT pg_catalog.pg_get_userbyid(d.datdba) || '|' || pg_catalog.pg_database_size(d.oid) || '|' ||
  (SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint FROM pg_catalog.pg_class c
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\\_toast%')
  FROM pg_catalog.pg_database d WHERE d.datname = 'it''s';\n`,
    );
  });
});

describe("archiveThroughPrimary", () => {
  const primary = (archivedAfter: number) => {
    const asked: string[] = [];
    const target: SqlTarget = {
      name: "n1",
      member: {
        kind: "node",
        name: "n1",
        id: 1,
        address: "10.0.0.1",
        port: 5432,
        layout: memberLayout({ name: "p" }, "n1"),
      },
      async sql(sql) {
        asked.push(sql);
        if (sql === SWITCH_WAL_SQL) return "000000010000000000000007";
        return asked.length > archivedAfter ? "t" : "f";
      },
    };
    return { target, asked };
  };

  it("switches WAL on the primary and waits until that segment is archived", async () => {
    const { target, asked } = primary(3);
    await archiveThroughPrimary(target, { timeoutMs: 5000, intervalMs: 1 });
    expect(asked).toEqual([
      SWITCH_WAL_SQL,
      segmentArchivedSql("000000010000000000000007"),
      segmentArchivedSql("000000010000000000000007"),
      segmentArchivedSql("000000010000000000000007"),
    ]);
    expect(segmentArchivedSql("000000010000000000000007")).toBe(
      "SELECT coalesce(last_archived_wal >= '000000010000000000000007', false) FROM pg_catalog.pg_stat_archiver;\n",
    );
  });

  it("fails with wal_not_archived when the archiver does not get there in time", async () => {
    const { target } = primary(Number.POSITIVE_INFINITY);
    const error = await archiveThroughPrimary(target, { timeoutMs: 20, intervalMs: 5 }).catch(
      (e: unknown) => e,
    );
    expect((error as { code?: string }).code).toBe("wal_not_archived");
  });
});
