// Connection pooling benchmark on a real pair in namespace hosts (root on Linux), deployed as users get
// it (agents, control plane): short transactions — connect with TLS verify-full and SCRAM, one small
// INSERT, disconnect — from N clients for a fixed time, straight to PostgreSQL through the endpoint and
// through PgBouncer on the endpoint's pooler port.
//   npm run bench:pooler [-- --clients 8 --seconds 15]
// Prints a table (connections/s, p50, p99) and, last, one machine-readable RESULT line.
import { parseArgs } from "node:util";
import { LAB_HOSTS, pairUriConfig, printResult, printTable, waitFor } from "@pgaas/testing";
import { deployAgentPair, runBenchPair } from "@pgaas/testing/control-plane";
import pg from "pg";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "8" },
    seconds: { type: "string", default: "15" },
  },
});
const CLIENTS = Math.min(64, Math.max(1, Number(values.clients)));
const SECONDS = Math.min(120, Math.max(1, Number(values.seconds)));
/** Each client stops here even if time remains: the run is bounded in count as well as time. */
const MAX_PER_CLIENT = 100_000;

const log = (line: string) => process.stderr.write(`${line}\n`);

interface Run {
  readonly connections: number;
  readonly errors: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** N clients, each looping connect → INSERT → disconnect until the time is up. */
async function shortTransactions(config: pg.ClientConfig): Promise<Run> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let i = 0; i < MAX_PER_CLIENT && performance.now() < deadline; i += 1) {
        const t0 = performance.now();
        const connection = new pg.Client({ ...config, connectionTimeoutMillis: 5000 });
        connection.on("error", () => {});
        try {
          await connection.connect();
          await connection.query("INSERT INTO hits (client) VALUES ($1)", [client]);
          latencies.push(performance.now() - t0);
        } catch {
          errors += 1;
        } finally {
          await connection.end().catch(() => {});
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  return {
    connections: sorted.length,
    errors,
    perSecond: Math.round((sorted.length / elapsed) * 10) / 10,
    p50: Math.round(percentile(sorted, 50) * 10) / 10,
    p99: Math.round(percentile(sorted, 99) * 10) / 10,
  };
}

runBenchPair(
  {
    bench: "pooler",
    range: { prefix: "ppb", first: "10.231.230.0/24", count: 1 },
    labHosts: LAB_HOSTS,
    pairName: (labPrefix) => `benchpool-${labPrefix}`,
  },
  async ({ cp, secrets, spec, hosts }) => {
    const { pairId } = await deployAgentPair(cp, spec, hosts, secrets);
    const created = await cp.request("POST", "/v1/databases", { pairId, name: "bench", pooling: true });
    if (created.status !== 201) throw new Error(`database not created: ${JSON.stringify(created.body)}`);
    const body = created.body as { connectionUri: string; pooledConnectionUri: string };
    const direct = pairUriConfig(body.connectionUri, secrets);
    const pooled = pairUriConfig(body.pooledConnectionUri, secrets);
    const setup = new pg.Client(direct);
    await setup.connect();
    await setup.query("CREATE TABLE hits (id bigserial PRIMARY KEY, client int NOT NULL)");
    await setup.end();
    await waitFor(
      "the pooled URI to answer",
      async () => {
        const probe = new pg.Client({ ...pooled, connectionTimeoutMillis: 3000 });
        probe.on("error", () => {});
        try {
          await probe.connect();
          return true;
        } finally {
          await probe.end().catch(() => {});
        }
      },
      30_000,
      500,
    );
    log(`${CLIENTS} clients, ${SECONDS} s each way: connect (TLS verify-full + SCRAM), INSERT, disconnect`);
    const directRun = await shortTransactions(direct);
    log(`direct: ${JSON.stringify(directRun)}`);
    const pooledRun = await shortTransactions(pooled);
    log(`pooled: ${JSON.stringify(pooledRun)}`);
    const rows = [
      ["direct (endpoint :5432)", directRun],
      [`pooled (PgBouncer :${spec.pooler.port}, transaction)`, pooledRun],
    ] as const;
    printTable(
      ["path", "connections", "errors", "connections/s", "p50 ms", "p99 ms"],
      rows.map(([name, run]) => [
        name,
        `${run.connections}`,
        `${run.errors}`,
        `${run.perSecond}`,
        `${run.p50}`,
        `${run.p99}`,
      ]),
    );
    printResult({
      direct_cps: directRun.perSecond,
      pooled_cps: pooledRun.perSecond,
      direct_p99_ms: directRun.p99,
      pooled_p99_ms: pooledRun.p99,
    });
  },
);
