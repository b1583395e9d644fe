// The provider's CRUD called directly (as the plugin does after unwrapping the gRPC wire) against real
// namespace hosts and a real control plane: LocalHosts → PairConfiguration (bootstrap over SSH) →
// Registration (agents started with the control plane's tokens) → Database (created through the API,
// reached through the VIP with pg) → a setting changed in place → everything deleted again.
// Needs root. Namespace prefix pgp, subnets 10.231.50.0/24 … 10.231.59.0/24.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createLogger, Secret } from "@pgaas/common";
import { pinnedFetch } from "@pgaas/common/pinned-fetch";
import { pairSecretsFrom, parsePairSpec, switchover } from "@pgaas/engine";
import { destroyLab } from "@pgaas/engine/local";
import { type RunningServer, startServer } from "@pgaas/portal";
import {
  allocateSubnet,
  pairSsl,
  pairUriConfig,
  type SubnetClaim,
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from "@pgaas/testing";
import { httpsServerConfig } from "@pgaas/testing/control-plane";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isWireSecret, unwrapSecrets } from "../../provider/src/plugin/wire-values.js";
import { databaseHandler } from "../../provider/src/resources/database.js";
import { HostConnections, pairHostsFor } from "../../provider/src/resources/host-connections.js";
import { localHostsHandler } from "../../provider/src/resources/local-hosts.js";
import { pairConfigurationHandler } from "../../provider/src/resources/pair-configuration.js";
import { pairSecretsHandler } from "../../provider/src/resources/pair-secrets.js";
import { registrationHandler } from "../../provider/src/resources/registration.js";
import type { ResourceContext, WireProps } from "../../provider/src/resources/resource-handler.js";

const run = promisify(execFile);
const ADMIN = { email: "pulumi@example.com", password: "pulumi-admin-password" };

interface Created {
  id: string;
  props: WireProps;
}

async function checked(handler: typeof databaseHandler, news: WireProps): Promise<WireProps> {
  const result = await handler.check({}, news);
  expect(result.failures).toEqual([]);
  return result.inputs as WireProps;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe("provider CRUD on local hosts with a real control plane", () => {
  let claim: SubnetClaim;
  let store: ThrowawayPostgres | undefined;
  let server: RunningServer | undefined;
  let ctx: ResourceContext;
  let apiToken: string;
  /** The control plane serves HTTPS with a throwaway CA: the provider, the agents and `fetch` pin it. */
  let controlPlaneCa: string;
  let fetch: typeof globalThis.fetch;
  let hosts: Created | undefined;
  let pair: Created | undefined;
  let registration: Created | undefined;
  let database: Created | undefined;
  let pairInputs: WireProps;
  /** The pair CA PairConfiguration put out: every client verifies the endpoint with it. */
  const pairCa = () => String(pair?.props.caCertificate);
  let databaseInputs: WireProps;

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server?.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiToken}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
  };

  beforeAll(async () => {
    claim = await allocateSubnet({ prefix: "pgp", first: "10.231.50.0/24", count: 10 });
    await destroyLab(claim.stateDir).catch(() => {});
    ctx = {
      config: { controlPlaneUrl: undefined, apiToken: undefined },
      log: createLogger({ component: "provider-crud", level: "warn" }),
      warn: async (message) => ctx.log.warn(message),
    };
    const lab = await checked(localHostsHandler, {
      prefix: claim.prefix,
      subnet: claim.subnet,
      hosts: ["n1", "n2", "w"],
      stateDir: claim.stateDir,
    });
    const created = await localHostsHandler.create(lab, ctx);
    hosts = { id: created.id, props: created.outs as WireProps };
    store = await startThrowawayPostgres("pgp-store");
    const https = await httpsServerConfig({
      storeUrl: store.url,
      listenHost: String(hosts.props.hostAddress),
      admin: ADMIN,
    });
    controlPlaneCa = https.caCertificate;
    fetch = pinnedFetch(controlPlaneCa);
    server = await startServer(https.config, createLogger({ component: "control-plane", level: "warn" }));
    const login = await fetch(`${server.url}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ADMIN),
    });
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const token = await fetch(`${server.url}/v1/tokens`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ name: "provider-crud" }),
    });
    apiToken = ((await token.json()) as { secret: string }).secret;
    ctx = {
      ...ctx,
      config: { controlPlaneUrl: server.url, apiToken: new Secret(apiToken), controlPlaneCa },
    };
  }, 180_000);

  afterAll(async () => {
    // Best effort in reverse order, so a failed test still leaves nothing behind.
    if (database)
      await databaseHandler
        .delete(database.id, { ...database.props, deletionProtection: false }, ctx)
        .catch(() => {});
    if (registration)
      await registrationHandler.delete(registration.id, registration.props, ctx).catch(() => {});
    if (pair) await pairConfigurationHandler.delete(pair.id, pair.props, ctx).catch(() => {});
    await server?.stop().catch(() => {});
    await store?.stop().catch(() => {});
    if (hosts) await localHostsHandler.delete(hosts.id, hosts.props, ctx).catch(() => {});
    await destroyLab(claim.stateDir).catch(() => {});
    await claim.release();
  }, 180_000);

  it("LocalHosts: three namespace hosts with sshd, the lab key kept secret", () => {
    const base = claim.subnet.replace(/\.0\/24$/, "");
    const states = hosts?.props.hostStates as { name: string; address: string }[];
    expect(states.map((host) => [host.name, host.address])).toEqual([
      ["n1", `${base}.2`],
      ["n2", `${base}.3`],
      ["w", `${base}.4`],
    ]);
    expect(hosts?.props.hostAddress).toBe(`${base}.1`);
    expect(String(unwrapSecrets(hosts?.props.sshPrivateKey))).toContain("PRIVATE KEY");
  });

  it("PairConfiguration: create bootstraps the pair over SSH", async () => {
    const base = claim.subnet.replace(/\.0\/24$/, "");
    const key = unwrapSecrets(hosts?.props.sshPrivateKey) as string;
    const states = hosts?.props.hostStates as { name: string; address: string; hostKeySha256: string }[];
    pairInputs = await checked(pairConfigurationHandler, {
      spec: {
        name: "crud",
        postgres: { memoryMb: 256 },
        nodes: [
          { name: "n1", address: `${base}.2` },
          { name: "n2", address: `${base}.3` },
        ],
        witness: { name: "w", address: `${base}.4`, port: 5433 },
        endpoint: { kind: "vip", address: `${base}.100`, interface: "eth0" },
        network: {
          nodeCidr: claim.subnet,
          clientCidrs: [`${base}.1/32`],
          controlPlaneCidrs: [`${base}.1/32`],
        },
        agent: { controlPlaneUrl: server?.url, controlPlaneCa },
      },
      hosts: states.map((host) => ({
        name: host.name,
        host: host.address,
        privateKey: key,
        hostKeySha256: host.hostKeySha256,
        serviceManager: "detached",
      })),
    });
    const started = performance.now();
    const created = await pairConfigurationHandler.create(pairInputs, ctx);
    process.stdout.write(`  pair bootstrap: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    pair = { id: created.id, props: created.outs as WireProps };
    expect(pair.id).toBe("crud");
    expect(pair.props.primary).toBe("n1");
    expect(
      (pair.props.nodes as { name: string; role: string }[]).map((node) => [node.name, node.role]),
    ).toEqual([
      ["n1", "primary"],
      ["n2", "standby"],
    ]);
    expect(pair.props.adminUsername).toBe("pgaas_admin");
    expect(isWireSecret(pair.props.adminPassword)).toBe(true);
    expect(isWireSecret(pair.props.pairSecrets)).toBe(true);
  }, 240_000);

  it("Registration: registers the pair and its agents report the primary", async () => {
    const base = claim.subnet.replace(/\.0\/24$/, "");
    const inputs = await checked(registrationHandler, {
      name: "crud",
      endpointHost: `${base}.100`,
      endpointPort: 5432,
      nodes: [
        { name: "n1", address: `${base}.2`, port: 5432, agentPort: 9187 },
        { name: "n2", address: `${base}.3`, port: 5432, agentPort: 9187 },
      ],
      witness: { name: "w", address: `${base}.4` },
      adminPassword: pair?.props.adminPassword,
      caCertificate: pair?.props.caCertificate,
      agents: { spec: pairInputs.spec, hosts: pairInputs.hosts, pairSecrets: pair?.props.pairSecrets },
    });
    const created = await registrationHandler.create(inputs, ctx);
    registration = { id: created.id, props: created.outs as WireProps };
    const primary = await until(
      "the agents' first reports",
      async () => {
        const seen = await api("GET", `/v1/pairs/${registration?.id}`);
        return seen.body?.pair?.primary ?? undefined;
      },
      60_000,
    );
    expect(primary).toBe("n1");
  }, 240_000);

  it("Database: created through the API, reachable through the VIP with its secret URI", async () => {
    databaseInputs = await checked(databaseHandler, {
      pairId: registration?.id,
      name: "shop",
      settings: { statement_timeout: "30000" },
      deletionProtection: false,
    });
    const created = await databaseHandler.create(databaseInputs, ctx);
    database = { id: created.id, props: created.outs as WireProps };
    const seen = await api("GET", `/v1/databases/${database.id}`);
    expect(seen.body.database).toMatchObject({
      name: "shop",
      owner: "shop",
      state: "active",
      pairId: registration?.id,
    });
    const client = new pg.Client({
      ...pairUriConfig(String(unwrapSecrets(database.props.connectionUri)), pairCa()),
      connectionTimeoutMillis: 5000,
    });
    await client.connect();
    try {
      const { rows } = await client.query(
        "SELECT current_database() AS db, current_setting('statement_timeout') AS st, pg_is_in_recovery() AS ro",
      );
      expect(rows).toEqual([{ db: "shop", st: "30s", ro: false }]);
    } finally {
      await client.end();
    }
  }, 120_000);

  it("Database: a setting change diffs as an in-place update and applies", async () => {
    const news = { ...databaseInputs, settings: { statement_timeout: "5000" } };
    const diff = await databaseHandler.diff(database?.id ?? "", database?.props ?? {}, news);
    expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await databaseHandler.update(database?.id ?? "", database?.props ?? {}, news, ctx);
    database = { id: database?.id ?? "", props: updated.outs as WireProps };
    expect(database.props.settings).toEqual({ statement_timeout: "5000" });
    const client = new pg.Client(
      pairUriConfig(String(unwrapSecrets(database.props.connectionUri)), pairCa()),
    );
    await client.connect();
    try {
      expect((await client.query("SHOW statement_timeout")).rows).toEqual([{ statement_timeout: "5s" }]);
    } finally {
      await client.end();
    }
  }, 60_000);

  it("PairConfiguration: read reports reality; a settings change is an in-place update with a reload", async () => {
    const read = await pairConfigurationHandler.read(pair?.id ?? "", pair?.props ?? {}, ctx);
    expect(read.id).toBe("crud");
    expect((read.props as WireProps).primary).toBe("n1");
    const news = {
      ...pairInputs,
      spec: { ...(pairInputs.spec as WireProps), settings: { work_mem: "8MB" } },
    };
    const diff = await pairConfigurationHandler.diff("crud", pair?.props ?? {}, news);
    expect([diff.changes, diff.replaces]).toEqual([true, []]);

    const admin = () =>
      new pg.Client({
        host: String(pair?.props.endpointHost),
        port: Number(pair?.props.endpointPort),
        user: String(pair?.props.adminUsername),
        password: String(unwrapSecrets(pair?.props.adminPassword)),
        database: "postgres",
        ssl: pairSsl(pairCa()),
      });
    const probe = async () => {
      const client = admin();
      await client.connect();
      try {
        const { rows } = await client.query(
          "SELECT current_setting('work_mem') AS wm, pg_postmaster_start_time()::text AS started",
        );
        return rows[0] as { wm: string; started: string };
      } finally {
        await client.end();
      }
    };
    const before = await probe();
    const updated = await pairConfigurationHandler.update("crud", pair?.props ?? {}, news, ctx);
    pair = { id: "crud", props: updated.outs as WireProps };
    pairInputs = news;
    const after = await probe();
    expect(after).toEqual({ wm: "8MB", started: before.started });
    expect(before.wm).not.toBe("8MB");
  }, 120_000);

  it("PairConfiguration: its secrets, adopted by a PairSecrets, update in place; other secrets are refused first", async () => {
    const owned = await pairSecretsHandler.create({ pairName: "crud", seed: pair?.props.pairSecrets }, ctx);
    const news = { ...pairInputs, pairSecrets: owned.outs?.pairSecrets };
    expect((await pairConfigurationHandler.check(pairInputs, news)).failures).toEqual([]);
    const diff = await pairConfigurationHandler.diff("crud", pair?.props ?? {}, news);
    expect([diff.changes, diff.replaces]).toEqual([false, []]);
    // The real update path with the secrets given: the pair keeps running with the same ones.
    const updated = await pairConfigurationHandler.update("crud", pair?.props ?? {}, news, ctx);
    const outs = updated.outs as WireProps;
    expect(unwrapSecrets(outs.pairSecrets)).toBe(unwrapSecrets(owned.outs?.pairSecrets));
    expect([outs.primary, outs.replication]).toEqual(["n1", "synchronous"]);
    const client = new pg.Client({
      host: String(outs.endpointHost),
      port: Number(outs.endpointPort),
      user: String(outs.adminUsername),
      password: String(unwrapSecrets(outs.adminPassword)),
      database: "postgres",
      ssl: pairSsl(pairCa()),
    });
    await client.connect();
    try {
      expect((await client.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    } finally {
      await client.end();
    }
    pair = { id: "crud", props: outs };
    pairInputs = news;

    const other = await pairSecretsHandler.create({ pairName: "crud" }, ctx);
    const wrong = { ...pairInputs, pairSecrets: other.outs?.pairSecrets };
    const refused = await pairConfigurationHandler.check(pairInputs, wrong);
    expect(refused.failures?.map((failure) => [failure.property, failure.reason.split(":")[0]])).toEqual([
      ["pairSecrets", "secrets_mismatch"],
    ]);
    await expect(pairConfigurationHandler.diff("crud", outs, wrong)).rejects.toMatchObject({
      code: "secrets_mismatch",
    });
  }, 120_000);

  it("PairConfiguration: after a switchover, refresh (read) shows the new primary", async () => {
    const spec = parsePairSpec(pairInputs.spec);
    const connections = HostConnections.parse(unwrapSecrets(pairInputs.hosts));
    const secrets = pairSecretsFrom(JSON.parse(String(unwrapSecrets(pair?.props.pairSecrets))));
    const result = await switchover(spec, pairHostsFor(spec, connections), secrets);
    expect([result.oldPrimary, result.newPrimary]).toEqual(["n1", "n2"]);
    const read = await pairConfigurationHandler.read(pair?.id ?? "", pair?.props ?? {}, ctx);
    const props = read.props as WireProps;
    expect(props.primary).toBe("n2");
    expect((props.nodes as { name: string; role: string }[]).map((node) => [node.name, node.role])).toEqual([
      ["n1", "standby"],
      ["n2", "primary"],
    ]);
    pair = { id: pair?.id ?? "", props };
    // The agents tell the control plane too; the database is dropped on n2 below.
    const seen = await until(
      "the control plane to see n2 as primary",
      async () => {
        const reply = await api("GET", `/v1/pairs/${registration?.id}`);
        return reply.body?.pair?.primary === "n2" ? "n2" : undefined;
      },
      60_000,
    );
    expect(seen).toBe("n2");
  }, 120_000);

  it("deletes the database, deregisters, tears the pair down and removes the hosts", async () => {
    await databaseHandler.delete(database?.id ?? "", database?.props ?? {}, ctx);
    expect((await databaseHandler.read(database?.id ?? "", database?.props ?? {}, ctx)).id).toBeUndefined();
    database = undefined;
    await registrationHandler.delete(registration?.id ?? "", registration?.props ?? {}, ctx);
    expect((await api("GET", `/v1/pairs/${registration?.id}`)).status).toBe(404);
    registration = undefined;
    await pairConfigurationHandler.delete(pair?.id ?? "", pair?.props ?? {}, ctx);
    pair = undefined;
    await localHostsHandler.delete(hosts?.id ?? "", hosts?.props ?? {}, ctx);
    const { stdout } = await run("ip", ["netns", "list"]);
    expect(stdout.split("\n").filter((line) => line.startsWith(`${claim.prefix}-`))).toEqual([]);
    expect((await localHostsHandler.read(hosts?.id ?? "", hosts?.props ?? {}, ctx)).id).toBeUndefined();
    hosts = undefined;
  }, 180_000);
});
