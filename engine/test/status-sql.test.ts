// The status queries against a real PostgreSQL 15: the member state parses, and the "config not
// applied" check notices a config file written after the last load until the server reloads.
import { utimes } from "node:fs/promises";
import { startThrowawayPostgres, type ThrowawayPostgres } from "@pgaas/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CONFIG_FILES_NEWER_SQL,
  CONFIG_NOT_APPLIED_SQL,
  MEMBER_STATE_SQL,
  MemberState,
} from "../src/sql/status-sql.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("status SQL on a real server", () => {
  let server: ThrowawayPostgres;
  let client: pg.Client;
  beforeAll(async () => {
    server = await startThrowawayPostgres("pgaas-status-sql");
    client = new pg.Client({ connectionString: server.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await server?.stop();
  });

  it("reads a primary's state", async () => {
    const state = MemberState.parse((await client.query(MEMBER_STATE_SQL)).rows[0]?.json_build_object);
    expect(state).toMatchObject({
      inRecovery: false,
      timeline: 1,
      receiveLsn: null,
      replayLagSeconds: null,
      synchronousStandbyNames: "",
      pendingRestart: 0,
      replicas: [],
    });
  });

  it("flags a config file written after the last load, until a reload", async () => {
    expect((await client.query(CONFIG_NOT_APPLIED_SQL)).rows[0]?.["?column?"]).toBe(false);
    // (The throwaway server takes some settings on its command line, which pending_restart reports
    // after a reload, so the file-time half is checked on its own from here.)
    const notApplied = async () => (await client.query(CONFIG_FILES_NEWER_SQL)).rows[0]?.exists;
    await sleep(1100);
    const configFile = (await client.query("SHOW config_file")).rows[0]?.config_file as string;
    const now = new Date();
    await utimes(configFile, now, now);
    expect(await notApplied()).toBe(true);
    await client.query("SELECT pg_reload_conf()");
    await sleep(300);
    expect(await notApplied()).toBe(false);
  });
});
