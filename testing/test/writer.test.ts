// The drill writer against a real PostgreSQL: exact counts, and the ack check catches a lost row.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startThrowawayPostgres, type ThrowawayPostgres } from "../src/throwaway-postgres.js";
import { outagesOf, startWriter, verifyAcknowledged } from "../src/writer.js";

let server: ThrowawayPostgres;
beforeAll(async () => {
  server = await startThrowawayPostgres("pgaas-writer");
});
afterAll(() => server?.stop());

describe("writer", () => {
  it("writes a bounded number of rows, all acknowledged, and the check finds a deleted one", async () => {
    const target = {
      host: "127.0.0.1",
      port: server.port,
      user: "postgres",
      password: server.password,
      ssl: false as const,
    };
    const writer = await startWriter({ ...target, table: "drill_a", intervalMs: 20, maxRows: 10 });
    const firstAck = await writer.firstAckAfter(0, 5000);
    expect(firstAck).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const report = await writer.stop();
    expect(report.attempts.map((attempt) => attempt.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(report.acked).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect([report.failed, report.unconfirmed, report.outages.length]).toEqual([0, 0, 0]);
    expect(await verifyAcknowledged(report, target)).toEqual({ missing: [], ackedCount: 10, extra: [] });

    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    await client.query("DELETE FROM drill_a WHERE seq = 5");
    await client.query("INSERT INTO drill_a (seq) VALUES (42)");
    await client.end();
    expect(await verifyAcknowledged(report, target)).toEqual({ missing: [5], ackedCount: 10, extra: [42] });
  });

  it("stops at its time bound and records failures while the server refuses", async () => {
    const target = { host: "127.0.0.1", port: 1, user: "postgres", password: "x", ssl: false as const };
    const started = Date.now();
    await expect(startWriter({ ...target, table: "never", maxDurationMs: 500 })).rejects.toThrow(
      "ECONNREFUSED",
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("abandons a write that does not return within its read timeout and goes on with the next", async () => {
    const target = {
      host: "127.0.0.1",
      port: server.port,
      user: "postgres",
      password: server.password,
      ssl: false as const,
    };
    const client = new pg.Client({ ...target, database: "postgres" });
    await client.connect();
    // Row 1 hangs in the server for 5 s, like a write in flight to a host that vanished; the rest do not.
    await client.query(`CREATE TABLE drill_hang (seq integer PRIMARY KEY, at timestamptz NOT NULL DEFAULT now());
      CREATE FUNCTION drill_hang_first() RETURNS trigger LANGUAGE plpgsql AS
        $$BEGIN IF NEW.seq = 1 THEN PERFORM pg_sleep(5); END IF; RETURN NEW; END$$;
      CREATE TRIGGER drill_hang BEFORE INSERT ON drill_hang FOR EACH ROW EXECUTE FUNCTION drill_hang_first();`);
    await client.end();
    const writer = await startWriter({ ...target, table: "drill_hang", maxRows: 2, queryTimeoutMs: 300 });
    await writer.firstAckAfter(0, 5000);
    const report = await writer.stop();
    const [first, second] = report.attempts;
    expect([first?.outcome, first?.error, second?.outcome]).toEqual([
      "failed",
      "Query read timeout",
      "acked",
    ]);
    expect((first?.endedAt ?? 0) - (first?.startedAt ?? 0)).toBeLessThan(2000);
    expect(report.acked).toEqual([2]);
  });

  it("measures outages as gaps between acknowledgements longer than 1 s", () => {
    const at = (seq: number, endedAt: number, outcome: "acked" | "failed") => ({
      seq,
      startedAt: endedAt - 5,
      endedAt,
      outcome,
    });
    expect(
      outagesOf([at(1, 1000, "acked"), at(2, 1100, "failed"), at(3, 3500, "acked"), at(4, 3600, "acked")]),
    ).toEqual([{ lastAckAt: 1000, firstAckAt: 3500, durationMs: 2500 }]);
  });
});
