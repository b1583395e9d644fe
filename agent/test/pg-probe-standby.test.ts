// The probe on a real hot standby and the primary's view of it: the CASE branches in probe-sql.ts
// that only run in recovery are exercised here.

import { type LocalPostgres, type LocalStandby, startLocalPostgres, startLocalStandby } from "@pgaas/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PgConnection } from "../src/postgres/pg-connection.js";
import { PgProbe } from "../src/postgres/pg-probe.js";

let primary: LocalPostgres;
let standby: LocalStandby;
let primaryProbe: PgProbe;
let standbyProbe: PgProbe;

beforeAll(async () => {
  primary = await startLocalPostgres("pgaas-agent-primary");
  standby = await startLocalStandby(primary, "n2");
  const connect = (socketDir: string, port: number) =>
    new PgProbe(
      new PgConnection({ socketDir, port, user: primary.user, database: "postgres", timeoutMs: 3000 }),
    );
  primaryProbe = connect(primary.socketDir, primary.port);
  standbyProbe = connect(standby.socketDir, standby.port);
});

afterAll(async () => {
  await primaryProbe?.close();
  await standbyProbe?.close();
  await standby?.stop();
  await primary?.stop();
});

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 100 && !ok(value); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

describe("PgProbe on a streaming pair", () => {
  it("reads the standby's role, timeline, LSNs and lag", async () => {
    await primary.sql("CREATE TABLE t AS SELECT generate_series(1, 10000) AS x");
    const state = await until(
      () => standbyProbe.readState(),
      (s) => s.timeline === 1 && s.lagBytes === 0,
    );
    expect(state).toEqual({
      inRecovery: true,
      readOnly: false,
      timeline: 1,
      lsn: state.receiveLsn,
      receiveLsn: state.receiveLsn,
      lagBytes: 0,
      lagSeconds: 0,
      synchronousStandbyNames: "",
      streamingStandbys: [],
      postmasterStartedAt: state.postmasterStartedAt,
      pendingRestart: false,
    });
    expect(await standbyProbe.acceptsWrites()).toBe(false);
  });

  it("lists the streaming standby on the primary", async () => {
    const state = await until(
      () => primaryProbe.readState(),
      (s) => s.streamingStandbys.length === 1,
    );
    expect(state.streamingStandbys).toEqual([{ name: "n2", state: "streaming", syncState: "async" }]);
    expect(state.lagBytes).toBeGreaterThanOrEqual(0);
    expect(state.inRecovery).toBe(false);
  });

  it("reads the new timeline after promotion", async () => {
    await standby.promote();
    const state = await until(
      () => standbyProbe.readState(),
      (s) => !s.inRecovery,
    );
    expect([state.inRecovery, state.timeline, state.receiveLsn]).toEqual([false, 2, null]);
    expect(await standbyProbe.acceptsWrites()).toBe(true);
  });
});
