// The figures a point-in-time look reports per database: one query per database, the name as a
// literal (never spliced), the planner's estimates over the database's own tables.
import { describe, expect, it } from "vitest";
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
