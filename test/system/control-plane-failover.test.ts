// Failover during API use, on a real pair (n1, n2, witness w) in namespace hosts: the control plane
// keeps creating databases after the primary's postmaster is killed, on the promoted standby, through
// the stable endpoint. The test plays each node's agent: every 500 ms it probes the node's PostgreSQL
// for real (role, read-only, sync) and posts a state report with that node's agent token. Needs root.
import { randomBytes, randomUUID } from "node:crypto";
import type { StateSample } from "@pgaas/common/wire";
import { bootstrapPair, generatePairSecrets, type PairSpec, teardownPair } from "@pgaas/engine";
import { loadConfig, type RunningServer, startServer } from "@pgaas/portal";
import {
  dumpLogs,
  killPostmaster,
  LAB_HOSTS,
  labPairHosts,
  labPairSpec,
  pairSsl,
  pairUriConfig,
  startThrowawayPostgres,
  type ThrowawayPostgres,
  Timeline,
  waitFor,
  withLab,
} from "@pgaas/testing";
import { stateSample } from "@pgaas/testing/control-plane";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";

const fixture = withLab({ range: { prefix: "pgs", first: "10.231.30.0/24", count: 10 }, hosts: LAB_HOSTS });
const secrets = generatePairSecrets("cpf");
const ADMIN = { email: "admin@example.com", password: "system-test-password" };
const REPORT_EVERY_MS = 500;

let spec: PairSpec;
let store: ThrowawayPostgres | undefined;
let server: RunningServer | undefined;
let cookie = "";
let pairId = "";
let reporting = false;
let reporter: Promise<void> | undefined;

async function api(
  method: string,
  path: string,
  body?: unknown,
  auth = { cookie },
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if ("cookie" in auth) {
    headers.cookie = auth.cookie;
    // A signed-in write must name the server's own origin, as the portal's pages do.
    headers.origin = server?.url ?? "";
  }
  const reply = await fetch(`${server?.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await reply.text();
  return { status: reply.status, body: text === "" ? undefined : JSON.parse(text) };
}

/** What the node's own PostgreSQL says right now; a refused connection means "down". */
async function probe(address: string): Promise<StateSample> {
  const base = stateSample({
    role: "down",
    writable: false,
    timeline: null,
    lsn: null,
    syncState: "none",
    synchronousStandbyNames: "",
    postmasterStartedAt: null,
    repmgr: { nodeId: null, status: "unknown", upstreamNode: null },
  });
  const client = new pg.Client({
    host: address,
    port: spec.postgres.port,
    user: "pgaas_admin",
    password: secrets.adminPassword.reveal(),
    database: "postgres",
    ssl: pairSsl(secrets),
    connectionTimeoutMillis: 2000,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ standby: boolean; read_only: string; sync: string }>(
      "SELECT pg_is_in_recovery() AS standby, current_setting('default_transaction_read_only') AS read_only, current_setting('synchronous_standby_names') AS sync",
    );
    const row = rows[0] as { standby: boolean; read_only: string; sync: string };
    const primary = !row.standby;
    return {
      ...base,
      role: primary ? "primary" : "standby",
      writable: primary && row.read_only === "off",
      syncState: primary ? (row.sync === "" ? "degraded" : "sync") : "none",
      synchronousStandbyNames: row.sync,
    };
  } catch (error) {
    return { ...base, error: (error as Error).message };
  } finally {
    await client.end().catch(() => {});
  }
}

function startReporting(tokens: Record<string, string>): void {
  reporting = true;
  const sequences = new Map<string, number>();
  const agentStartedAt = new Date().toISOString();
  reporter = (async () => {
    // Bounded: at most 10 minutes of reports even if afterAll never ran.
    for (let round = 0; reporting && round < (10 * 60_000) / REPORT_EVERY_MS; round += 1) {
      await Promise.all(
        spec.nodes.map(async (node) => {
          const state = await probe(node.address);
          const sequence = (sequences.get(node.name) ?? 0) + 1;
          sequences.set(node.name, sequence);
          await fetch(`${server?.url}/v1/agent/report`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${tokens[node.name]}` },
            body: JSON.stringify({
              reports: [
                {
                  reportId: randomUUID(),
                  sampledAt: new Date().toISOString(),
                  sequence,
                  agentStartedAt,
                  kind: "state",
                  state,
                },
              ],
            }),
          }).catch(() => undefined);
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, REPORT_EVERY_MS));
    }
  })();
}

async function primaryInApi(): Promise<string | undefined> {
  const reply = await api("GET", `/v1/pairs/${pairId}`);
  return (reply.body as { pair: { primary: string | null } }).pair.primary ?? undefined;
}

async function createDatabase(name: string): Promise<{ status: number; body: unknown }> {
  return api("POST", "/v1/databases", { pairId, name });
}

async function currentDatabaseThrough(uri: string): Promise<{ db: string; standby: boolean }> {
  const client = new pg.Client({ ...pairUriConfig(uri, secrets), connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ db: string; standby: boolean }>(
      "SELECT current_database() AS db, pg_is_in_recovery() AS standby",
    );
    return rows[0] as { db: string; standby: boolean };
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  spec = labPairSpec(fixture.lab, `cpf-${fixture.lab.prefix}`);
  const hosts = labPairHosts(fixture.lab);
  await teardownPair(spec, hosts, { postgresSshPublicKey: secrets.postgresSshPublicKey }).catch(
    () => undefined,
  );
  await bootstrapPair(spec, hosts, { secrets });
  store = await startThrowawayPostgres("pgs-cpf-store");
  server = await startServer(
    loadConfig({
      DATABASE_URL: store.url,
      PGAAS_PORT: "0",
      PGAAS_SECRET_KEY: randomBytes(32).toString("base64"),
      PGAAS_ADMIN_EMAIL: ADMIN.email,
      PGAAS_ADMIN_PASSWORD: ADMIN.password,
    }),
  );
  const login = await fetch(`${server.url}/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(ADMIN),
  });
  cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] as string;
  const registered = await api("POST", "/v1/pairs", {
    name: spec.name,
    endpoint: { host: spec.endpoint.address, port: spec.postgres.port },
    nodes: spec.nodes.map((node) => ({
      name: node.name,
      address: node.address,
      port: spec.postgres.port,
      agentPort: 9187,
    })),
    witness: { name: spec.witness.name, address: spec.witness.address },
    admin: {
      username: "pgaas_admin",
      password: secrets.adminPassword.reveal(),
      caCertificate: secrets.tlsCa?.certificate,
    },
  });
  expect(registered.status).toBe(201);
  const body = registered.body as { pair: { id: string }; agentTokens: Record<string, string> };
  pairId = body.pair.id;
  startReporting(body.agentTokens);
}, 300_000);

afterAll(async () => {
  reporting = false;
  await reporter;
  await server?.stop();
  await store?.stop();
  if (spec) {
    await teardownPair(spec, labPairHosts(fixture.lab), {
      postgresSshPublicKey: secrets.postgresSshPublicKey,
    }).catch(() => undefined);
  }
}, 120_000);

it("keeps creating databases on the new primary after the old one dies", async () => {
  const timeline = new Timeline();
  try {
    const primary = await waitFor("a primary in the API", primaryInApi, 30_000, 250);
    const standby = primary === "n1" ? "n2" : "n1";
    timeline.mark(`API sees primary ${primary}`);
    const before = await createDatabase("before_failover");
    expect(before.status).toBe(201);
    const beforeUri = (before.body as { connectionUri: string }).connectionUri;
    expect(await currentDatabaseThrough(beforeUri)).toEqual({ db: "before_failover", standby: false });

    const killedAt = timeline.mark(
      `kill -9 ${primary} postmaster (pid ${await killPostmaster(fixture.lab, spec, primary)})`,
    );
    const statuses = new Map<string, number>();
    let created: { status: number; body: unknown } | undefined;
    for (let attempt = 0; attempt < 120 && created === undefined; attempt += 1) {
      const reply = await createDatabase(`after_failover_${attempt}`);
      const key =
        reply.status === 201
          ? "201"
          : `${reply.status} ${(reply.body as { error: { code: string } }).error.code}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      if (reply.status === 201) created = reply;
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const createdAt = timeline.mark(
      `first database created after the kill; answers: ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    process.stdout.write(
      `kill → database created through the API: ${((createdAt - killedAt) / 1000).toFixed(2)} s\n`,
    );
    expect(created?.status).toBe(201);
    // While no node was writable the API said so (503 no_primary) instead of failing otherwise.
    expect([...statuses.keys()].filter((key) => key !== "201" && key !== "503 no_primary")).toEqual([]);
    expect(await primaryInApi()).toBe(standby);
    const done = created?.body as { connectionUri: string; database: { name: string } };
    const uri = done.connectionUri;
    const name = done.database.name;
    expect(await currentDatabaseThrough(uri)).toEqual({ db: name, standby: false });
    const afterKill = await createDatabase("second_after_failover");
    expect(afterKill.status).toBe(201);
    const events = await api("GET", `/v1/pairs/${pairId}/events?limit=20`);
    const failover = (
      events.body as { events: { type: string; nodeName: string; durationMs: number | null }[] }
    ).events.find((event) => event.type === "failover");
    expect(failover?.nodeName).toBe(standby);
    timeline.mark(`failover event: ${standby}, measured ${failover?.durationMs} ms`);
  } catch (error) {
    await dumpLogs(spec);
    throw error;
  } finally {
    process.stdout.write(`\n== control plane during failover\n${timeline.format()}\n`);
  }
}, 240_000);
