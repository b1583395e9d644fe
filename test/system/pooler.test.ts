// Connection pooling on a real pair (n1, n2, witness; agents reporting to the real control plane):
// a database enabled for pooling is reached through the endpoint's pooler port with verify-full and
// the tenant's own password (PgBouncer learns the SCRAM verifier through auth_query), in transaction
// mode. After the primary's postmaster is killed, the same pooled URI reaches the promoted standby's
// PgBouncer (the VIP moved) and a pooled write lands on the new primary. A database not enabled is
// refused on the pooler port, and so is a connection without TLS. Needs root.
import {
  dumpLogs,
  killPostmaster,
  LAB_HOSTS,
  labPairHosts,
  pairSsl,
  pairUriConfig,
  printProgress,
  waitFor,
  withLab,
} from "@pgaas/testing";
import { deployAgentPair, withAgentPair } from "@pgaas/testing/control-plane";
import pg from "pg";
import { describe, expect, it } from "vitest";

const AGENT_PORT = 9187;
const fixture = withLab({ range: { prefix: "ppb", first: "10.231.230.0/24", count: 1 }, hosts: LAB_HOSTS });

interface Created {
  readonly database: { readonly id: string; readonly name: string; readonly pooling: boolean };
  readonly credentials: { readonly username: string; readonly password: string };
  readonly connectionUri: string;
  readonly pooledConnectionUri: string | null;
}

/** Runs `work` on a fresh connection from `config`, always closing it. */
async function withClient<T>(config: pg.ClientConfig, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...config, connectionTimeoutMillis: 3000 });
  client.on("error", () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** The URI aimed elsewhere (node-postgres lets a connection string win over host and port options). */
function withHostPort(uri: string, host: string, port: number): string {
  const url = new URL(uri);
  url.hostname = host;
  url.port = String(port);
  return url.toString();
}

/** "connected", or the reason the server (or TLS) gave. */
async function outcome(config: pg.ClientConfig): Promise<string> {
  try {
    await withClient(config, async (client) => client.query("SELECT 1"));
    return "connected";
  } catch (error) {
    return (error as Error).message;
  }
}

/** One short pooled transaction: insert a row, return where it ran (cluster_name names the node). */
async function pooledInsert(config: pg.ClientConfig, label: string) {
  return withClient(config, async (client) => {
    const { rows } = await client.query<{ node: string; standby: boolean }>(
      "INSERT INTO visits (label) VALUES ($1) RETURNING current_setting('cluster_name') AS node, pg_is_in_recovery() AS standby",
      [label],
    );
    return rows[0];
  });
}

const ctx = withAgentPair(fixture, {
  name: "ppb",
  agent: { listenPort: AGENT_PORT, stateSeconds: 2, metricsSeconds: 15 },
});

describe("PgBouncer that follows the primary", () => {
  it("serves pooled databases through the endpoint over verify-full, and again on the new primary after a failover", async () => {
    try {
      const { pairId } = await deployAgentPair(
        ctx.cp,
        ctx.spec,
        labPairHosts(fixture.lab),
        ctx.secrets,
        printProgress,
      );
      const primary = await waitFor(
        "the control plane knows the primary",
        async () => (await ctx.cp.pair(pairId)).primary ?? undefined,
        60_000,
      );
      const standby = primary === "n1" ? "n2" : "n1";

      const pooledReply = await ctx.cp.request("POST", "/v1/databases", {
        pairId,
        name: "shop",
        pooling: true,
      });
      expect(pooledReply.status).toBe(201);
      const shop = pooledReply.body as Created;
      const endpoint = ctx.spec.endpoint.address;
      expect(shop.database.pooling).toBe(true);
      expect(shop.pooledConnectionUri).toBe(
        `postgresql://shop:${encodeURIComponent(shop.credentials.password)}@${endpoint}:6432/shop?sslmode=verify-full`,
      );
      const directReply = await ctx.cp.request("POST", "/v1/databases", { pairId, name: "ledger" });
      expect(directReply.status).toBe(201);
      const ledger = directReply.body as Created;
      expect(ledger.pooledConnectionUri).toBe(null);

      const pooled = pairUriConfig(shop.pooledConnectionUri ?? "", ctx.secrets);
      await withClient(pairUriConfig(shop.connectionUri, ctx.secrets), (c) =>
        c.query("CREATE TABLE visits (id bigserial PRIMARY KEY, label text NOT NULL)"),
      );
      // Both agents rewrite PgBouncer's list and reload it when they next report (every 2 s).
      await waitFor(
        "the pooled URI to answer",
        async () => (await outcome(pooled)) === "connected" || undefined,
        30_000,
        500,
      );
      const before = await pooledInsert(pooled, "before");
      expect(before).toEqual({ node: `${ctx.spec.name}-${primary}`, standby: false });
      // Transaction mode: ten transactions on one client connection, each through the pool.
      await withClient(pooled, async (client) => {
        for (let i = 0; i < 10; i += 1) {
          await client.query("BEGIN");
          await client.query("INSERT INTO visits (label) VALUES ($1)", [`tx${i}`]);
          await client.query("COMMIT");
        }
      });

      // Not enabled for pooling: refused on the pooler port. Without TLS: refused before any password.
      const ledgerPooled = pairUriConfig(withHostPort(ledger.connectionUri, endpoint, 6432), ctx.secrets);
      expect(await outcome(ledgerPooled)).toMatch(
        /no such database: ledger|bouncer config error|SASL authentication failed/,
      );
      expect(await outcome(pairUriConfig(ledger.connectionUri, ctx.secrets))).toBe("connected");
      expect(
        await outcome({
          host: endpoint,
          port: 6432,
          user: "shop",
          password: shop.credentials.password,
          database: "shop",
          ssl: false,
        }),
      ).toMatch(/SSL required|reject/);
      // A reserved role never passes the pooler, even with TLS.
      expect(
        await outcome({
          host: endpoint,
          port: 6432,
          user: "pgaas_admin",
          password: ctx.secrets.adminPassword.reveal(),
          database: "shop",
          ssl: pairSsl(ctx.secrets),
        }),
      ).not.toBe("connected");

      const killed = await killPostmaster(fixture.lab, ctx.spec, primary);
      const killedAt = Date.now();
      process.stdout.write(`kill -9 ${primary} postmaster (pid ${killed})\n`);
      let attempt = 0;
      const after = await waitFor(
        "a pooled write on the new primary",
        async () => {
          attempt += 1;
          const label = `after-${attempt}`;
          const row = await pooledInsert(pooled, label).catch(() => undefined);
          return row?.standby === false ? { ...row, label } : undefined;
        },
        60_000,
        250,
      );
      const elapsedMs = Date.now() - killedAt;
      process.stdout.write(
        `kill → first pooled write on the new primary: ${(elapsedMs / 1000).toFixed(2)} s\n`,
      );
      expect([after.node, after.standby]).toEqual([`${ctx.spec.name}-${standby}`, false]);
      // The write is on the promoted standby, read there directly (its own address, verify-full).
      const newPrimaryAddress = ctx.spec.nodes.find((node) => node.name === standby)?.address ?? "";
      const onNewPrimary = await withClient(
        pairUriConfig(
          withHostPort(shop.connectionUri, newPrimaryAddress, ctx.spec.postgres.port),
          ctx.secrets,
        ),
        async (c) =>
          (
            await c.query<{ standby: boolean; before: number; after: number }>(
              "SELECT pg_is_in_recovery() AS standby, count(*) FILTER (WHERE label = 'before')::int AS before, count(*) FILTER (WHERE label = $1)::int AS after FROM visits",
              [after.label],
            )
          ).rows[0],
      );
      expect(onNewPrimary).toEqual({ standby: false, before: 1, after: 1 });
      expect(
        await waitFor(
          "the new primary in the API",
          async () => {
            const now = (await ctx.cp.pair(pairId)).primary;
            return now === standby ? now : undefined;
          },
          30_000,
        ),
      ).toBe(standby);
    } catch (error) {
      await dumpLogs(ctx.spec);
      throw error;
    }
  }, 420_000);
});
