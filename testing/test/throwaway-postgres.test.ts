import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startThrowawayPostgres, type ThrowawayPostgres } from "../src/throwaway-postgres.js";

describe("startThrowawayPostgres", () => {
  let server: ThrowawayPostgres;
  beforeAll(async () => {
    server = await startThrowawayPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("serves PostgreSQL 15 over TCP with password authentication only", async () => {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const { rows } = await client.query("select current_setting('server_version_num')::int / 10000 as major");
    await client.end();
    expect(rows).toEqual([{ major: 15 }]);
    const wrong = new pg.Client({
      connectionString: server.url.replace(encodeURIComponent(server.password), "nope"),
    });
    await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
  });
});
