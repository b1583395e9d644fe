// The plugin booted as a process and driven over gRPC the way the engine drives it, against a real
// control plane (real store) and a real PostgreSQL standing in for the pair's primary node.

import {
  ADMIN,
  ADMIN_ROLE_PASSWORD,
  type Harness,
  loginCookie,
  startHarness,
  stateReport,
  stateSample,
} from "@pgaas/testing/control-plane";
import type provproto from "@pulumi/pulumi/proto/provider_pb.js";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providerSchema } from "../../src/plugin/schema.js";
import { SECRET_SIG, SECRET_SIG_KEY, UNKNOWN_VALUE, wireSecret } from "../../src/plugin/wire-values.js";
import {
  checkRequest,
  configureRequest,
  createRequest,
  deleteRequest,
  diffRequest,
  type PluginProcess,
  type Props,
  readRequest,
  startPlugin,
  struct,
  updateRequest,
  urnOf,
} from "./support/plugin-process.js";

const REGISTRATION = urnOf("pgaas:index:Registration", "orders-registration");
const DATABASE = urnOf("pgaas:index:Database", "shop");

const toJs = (struct: { toJavaScript(): unknown } | undefined) => (struct?.toJavaScript() ?? {}) as Props;
const isSecret = (value: unknown) =>
  typeof value === "object" && value !== null && (value as Props)[SECRET_SIG_KEY] === SECRET_SIG;
const revealed = (value: unknown) => (value as { value: unknown }).value;

describe("pgaas plugin over gRPC", () => {
  let harness: Harness;
  let plugin: PluginProcess;
  let apiToken: string;
  let registrationInputs: Props;
  let registration: { id: string; props: Props };
  let databaseInputs: Props;
  let database: { id: string; props: Props };

  beforeAll(async () => {
    harness = await startHarness();
    const cookie = await loginCookie(harness, ADMIN.email, ADMIN.password);
    const token = await harness.call("POST", "/v1/tokens", { auth: { cookie }, body: { name: "pulumi" } });
    apiToken = (token.body as { secret: string }).secret;
    plugin = await startPlugin();
  });

  afterAll(async () => {
    await plugin?.stop();
    await harness?.stop();
  });

  const api = (method: string, path: string, body?: unknown) =>
    harness.call(method, path, { auth: { bearer: apiToken }, ...(body === undefined ? {} : { body }) });

  it("GetSchema answers the package schema", async () => {
    const { default: provproto } = await import("@pulumi/pulumi/proto/provider_pb.js");
    const reply = await plugin.call<provproto.GetSchemaResponse>(
      "getSchema",
      new provproto.GetSchemaRequest(),
    );
    expect(JSON.parse(reply.getSchema())).toEqual(providerSchema());
  });

  it("CheckConfig names a bad control-plane URL and accepts a good one", async () => {
    const urn = urnOf("pulumi:providers:pgaas", "default");
    const bad = await plugin.call<provproto.CheckResponse>(
      "checkConfig",
      checkRequest(urn, {}, { controlPlaneUrl: "ftp://x", apiToken: wireSecret("t") }),
    );
    expect(bad.getFailuresList().map((failure) => [failure.getProperty(), failure.getReason()])).toEqual([
      ["controlPlaneUrl", "must be an http(s) URL, e.g. https://pgaas.example.org"],
    ]);
    const good = await plugin.call<provproto.CheckResponse>(
      "checkConfig",
      checkRequest(urn, {}, { controlPlaneUrl: harness.server.url, apiToken: wireSecret(apiToken) }),
    );
    expect(good.getFailuresList()).toEqual([]);
    const { default: provproto } = await import("@pulumi/pulumi/proto/provider_pb.js");
    const diff = await plugin.call<provproto.DiffResponse>(
      "diffConfig",
      new provproto.DiffRequest()
        .setUrn(urn)
        .setOlds(struct({ controlPlaneUrl: "http://old:1", apiToken: wireSecret("t") }))
        .setNews(struct({ controlPlaneUrl: harness.server.url, apiToken: wireSecret("t") })),
    );
    expect([diff.getChanges(), diff.getDiffsList()]).toEqual([
      provproto.DiffResponse.DiffChanges.DIFF_SOME,
      ["controlPlaneUrl"],
    ]);
  });

  it("Configure takes the URL and the secret token", async () => {
    const reply = await plugin.call<provproto.ConfigureResponse>(
      "configure",
      configureRequest({ controlPlaneUrl: harness.server.url, apiToken: wireSecret(apiToken) }),
    );
    expect(reply.getAcceptsecrets()).toBe(true);
    expect(reply.getAcceptoutputs()).toBe(false);
    expect(plugin.stderr.join("")).not.toContain(apiToken);
  });

  it("Registration: Check fills defaults and names bad inputs; Create registers the pair", async () => {
    registrationInputs = {
      name: "orders",
      endpointHost: "127.0.0.1",
      endpointPort: harness.node.port,
      nodes: [
        { name: "n1", address: "127.0.0.1", port: harness.node.port, agentPort: 9187 },
        { name: "n2", address: "127.0.0.2", port: harness.node.port, agentPort: 9187 },
      ],
      witness: { name: "w", address: "127.0.0.3" },
      adminPassword: wireSecret(ADMIN_ROLE_PASSWORD),
    };
    const bad = await plugin.call<provproto.CheckResponse>(
      "check",
      checkRequest(REGISTRATION, {}, { ...registrationInputs, name: "Orders", nodes: [] }),
    );
    expect(bad.getFailuresList().map((failure) => failure.getProperty())).toEqual(["name", "nodes"]);
    const checked = await plugin.call<provproto.CheckResponse>(
      "check",
      checkRequest(REGISTRATION, {}, registrationInputs),
    );
    expect(checked.getFailuresList()).toEqual([]);
    registrationInputs = toJs(checked.getInputs());
    expect(registrationInputs.adminUsername).toBe("pgaas_admin");
    expect(isSecret(registrationInputs.adminPassword)).toBe(true);

    const created = await plugin.call<provproto.CreateResponse>(
      "create",
      createRequest(REGISTRATION, registrationInputs),
    );
    registration = { id: created.getId(), props: toJs(created.getProperties()) };
    expect(registration.props.pairId).toBe(registration.id);
    expect(isSecret(registration.props.adminPassword)).toBe(true);
    expect(isSecret(registration.props.agentTokens)).toBe(true);
    expect(Object.keys(revealed(registration.props.agentTokens) as Props).sort()).toEqual(["n1", "n2"]);

    const seen = await api("GET", `/v1/pairs/${registration.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({
      pair: { id: registration.id, name: "orders", endpoint: { host: "127.0.0.1", port: harness.node.port } },
    });
    // The agent of n1 reports: the control plane now knows where the primary is.
    const token = (revealed(registration.props.agentTokens) as Record<string, string>).n1;
    const report = await harness.call("POST", "/v1/agent/report", {
      auth: { bearer: token as string },
      body: { reports: [stateReport(new Date(), stateSample())] },
    });
    expect(report.status).toBe(200);
  });

  it("Registration: Diff says update for a new endpoint port and replace for a new name", async () => {
    const moved = await plugin.call<provproto.DiffResponse>(
      "diff",
      diffRequest(registration.id, REGISTRATION, registration.props, {
        ...registrationInputs,
        endpointPort: 6432,
      }),
    );
    expect(moved.getChanges()).toBe(2); // DIFF_SOME
    expect(moved.getReplacesList()).toEqual([]);
    const renamed = await plugin.call<provproto.DiffResponse>(
      "diff",
      diffRequest(registration.id, REGISTRATION, registration.props, {
        ...registrationInputs,
        name: "orders2",
      }),
    );
    expect(renamed.getReplacesList()).toEqual(["name"]);
    const same = await plugin.call<provproto.DiffResponse>(
      "diff",
      diffRequest(registration.id, REGISTRATION, registration.props, registrationInputs),
    );
    expect(same.getChanges()).toBe(1); // DIFF_NONE
  });

  it("Database: Check names a reserved name; Create makes a database reachable with its secret URI", async () => {
    const bad = await plugin.call<provproto.CheckResponse>(
      "check",
      checkRequest(DATABASE, {}, { pairId: registration.id, name: "postgres" }),
    );
    expect(bad.getFailuresList().map((failure) => [failure.getProperty(), failure.getReason()])).toEqual([
      ["name", '"postgres" is reserved by PostgreSQL or pgaas.'],
    ]);
    const checked = await plugin.call<provproto.CheckResponse>(
      "check",
      checkRequest(
        DATABASE,
        {},
        { pairId: registration.id, name: "shop", settings: { work_mem: "8192" }, connectionLimit: 20 },
      ),
    );
    databaseInputs = toJs(checked.getInputs());
    expect(databaseInputs).toEqual({
      pairId: registration.id,
      name: "shop",
      settings: { work_mem: "8192" },
      connectionLimit: 20,
      deletionProtection: true,
    });
    const created = await plugin.call<provproto.CreateResponse>(
      "create",
      createRequest(DATABASE, databaseInputs),
    );
    const props = toJs(created.getProperties());
    database = { id: created.getId(), props };
    expect({ ...props, ownerPassword: "…", connectionUri: "…" }).toEqual({
      pairId: registration.id,
      name: "shop",
      owner: "shop",
      settings: { work_mem: "8192" },
      connectionLimit: 20,
      deletionProtection: true,
      ownerPassword: "…",
      connectionUri: "…",
    });
    expect(isSecret(props.ownerPassword)).toBe(true);
    expect(isSecret(props.connectionUri)).toBe(true);

    const seen = await api("GET", `/v1/databases/${database.id}`);
    expect(seen.body).toMatchObject({
      database: { name: "shop", owner: "shop", state: "active", connectionLimit: 20 },
    });
    const client = new pg.Client({ connectionString: String(revealed(props.connectionUri)) });
    await client.connect();
    try {
      const row = await client.query(
        "SELECT current_database() AS db, current_user AS who, current_setting('work_mem') AS wm",
      );
      expect(row.rows).toEqual([{ db: "shop", who: "shop", wm: "8MB" }]);
    } finally {
      await client.end();
    }
  });

  it("preview: Check waits for unknown values and Diff replaces on an unknown name", async () => {
    const checked = await plugin.call<provproto.CheckResponse>(
      "check",
      checkRequest(DATABASE, {}, { pairId: UNKNOWN_VALUE, name: "shop" }),
    );
    expect(checked.getFailuresList()).toEqual([]);
    const diff = await plugin.call<provproto.DiffResponse>(
      "diff",
      diffRequest(database.id, DATABASE, database.props, { ...databaseInputs, name: UNKNOWN_VALUE }),
    );
    expect(diff.getReplacesList()).toEqual(["name", "owner"]);
  });

  it("Database: Diff tells update (settings) from replace (name)", async () => {
    const tuned = await plugin.call<provproto.DiffResponse>(
      "diff",
      diffRequest(database.id, DATABASE, database.props, {
        ...databaseInputs,
        settings: { work_mem: "16384" },
      }),
    );
    expect([tuned.getChanges(), tuned.getReplacesList()]).toEqual([2, []]);
    const renamed = await plugin.call<provproto.DiffResponse>(
      "diff",
      diffRequest(database.id, DATABASE, database.props, { ...databaseInputs, name: "shop2" }),
    );
    // The owner defaults to the name, so a rename makes a new owner role too.
    expect([renamed.getChanges(), renamed.getReplacesList(), renamed.getDeletebeforereplace()]).toEqual([
      2,
      ["name", "owner"],
      false,
    ]);
  });

  it("Database: Update changes the setting in place; Read reflects it", async () => {
    const news = { ...databaseInputs, settings: { work_mem: "16384" }, connectionLimit: 5 };
    const updated = await plugin.call<provproto.UpdateResponse>(
      "update",
      updateRequest(database.id, DATABASE, database.props, news),
    );
    const props = toJs(updated.getProperties());
    expect(props.settings).toEqual({ work_mem: "16384" });
    expect(props.connectionLimit).toBe(5);
    expect(isSecret(props.ownerPassword)).toBe(true);
    database = { id: database.id, props };
    databaseInputs = news;
    const read = await plugin.call<provproto.ReadResponse>(
      "read",
      readRequest(database.id, DATABASE, database.props),
    );
    expect(read.getId()).toBe(database.id);
    expect(toJs(read.getInputs())).toEqual({ ...news, owner: "shop" });
    const seen = await api("GET", `/v1/databases/${database.id}`);
    expect(seen.body).toMatchObject({ database: { settings: { work_mem: 16384 }, connectionLimit: 5 } });
  });

  it("Database: Delete refuses under deletion protection, then drops it", async () => {
    await expect(plugin.call("delete", deleteRequest(database.id, DATABASE, database.props))).rejects.toThrow(
      "Database shop has deletionProtection enabled: set deletionProtection: false",
    );
    expect((await api("GET", `/v1/databases/${database.id}`)).body).toMatchObject({
      database: { state: "active" },
    });
    await plugin.call(
      "delete",
      deleteRequest(database.id, DATABASE, { ...database.props, deletionProtection: false }),
    );
    const gone = await api("GET", `/v1/databases/${database.id}`);
    expect(
      gone.status === 404 || (gone.body as { database: { state: string } }).database.state === "deleted",
    ).toBe(true);
    const read = await plugin.call<provproto.ReadResponse>(
      "read",
      readRequest(database.id, DATABASE, database.props),
    );
    expect(read.getId()).toBe("");
  });

  it("Registration: Read reflects the control plane; Delete deregisters", async () => {
    const read = await plugin.call<provproto.ReadResponse>(
      "read",
      readRequest(registration.id, REGISTRATION, registration.props),
    );
    const props = toJs(read.getProperties());
    expect(props.primary).toBe("n1");
    expect(props.nodes).toEqual(registrationInputs.nodes);
    await plugin.call("delete", deleteRequest(registration.id, REGISTRATION, registration.props));
    expect((await api("GET", `/v1/pairs/${registration.id}`)).status).toBe(404);
    const again = await plugin.call<provproto.ReadResponse>(
      "read",
      readRequest(registration.id, REGISTRATION, registration.props),
    );
    expect(again.getId()).toBe("");
  });

  it("never wrote a credential to its logs", () => {
    const logs = plugin.stderr.join("");
    expect(logs).toContain('"msg":"database created"');
    for (const secret of [apiToken, ADMIN_ROLE_PASSWORD, String(revealed(database.props.ownerPassword))]) {
      expect(logs).not.toContain(secret);
    }
  });
});
