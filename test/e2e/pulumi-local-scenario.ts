// examples/local end to end through the test engine (the program under cmd/run, the pgaas plugin under
// cmd/run-plugin) on real namespace hosts with a real control plane: up creates the hosts, the pair and
// a database; a write through the database's URI; a setting changed in place without a postmaster
// restart; a changed node set previewed as a replacement; a switchover then a refresh that shows the new
// primary; destroy leaves no process, namespace or registry row. Needs root and `npm run build`.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Secret } from "@pgaas/common";
import { pairRoots, pairSecretsFrom, parsePairSpec, switchover } from "@pgaas/engine";
import { destroyLab } from "@pgaas/engine/local";
import { allocateSubnet, pairUriConfig } from "@pgaas/testing";
import pg from "pg";
import { unwrapSecrets } from "../../provider/src/plugin/wire-values.js";
import { HostConnections, pairHostsFor } from "../../provider/src/resources/host-connections.js";
import {
  createPulumiEngine,
  type OperationResult,
  type PulumiEngine,
  type ResourceState,
} from "../../testing/pulumi-engine/index.js";
import { startControlPlane } from "./pulumi-control-plane.js";

const run = promisify(execFile);
const EXAMPLE = fileURLToPath(new URL("../../examples/local", import.meta.url));
const READER = fileURLToPath(new URL("./reader-program", import.meta.url));
const BUILT = ["bin/index.js", "../../provider/dist/plugin/main.js", "../../sdk/dist/index.js"];
const RANGE = { prefix: "pgu", first: "10.231.80.0/24", count: 5 } as const;

export interface ScenarioResult {
  readonly upSeconds: number;
  readonly updateSeconds: number;
  readonly refreshSeconds: number;
  readonly destroySeconds: number;
  /** Resources in the state after the first up (stack, components, providers, custom resources). */
  readonly resources: number;
  /** Replacements in the ups (none is expected: the node-set change is only previewed). */
  readonly unexpectedReplaces: number;
}

/** Thrown when the scenario sees something other than what it expects. */
export class ScenarioFailure extends Error {
  override readonly name = "ScenarioFailure";
}

function expectEqual(what: string, actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new ScenarioFailure(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/** Files an earlier run killed half-way left on the hosts' shared filesystem for this pair name. */
export async function removePairFiles(pairName: string): Promise<void> {
  for (const root of pairRoots(pairName)) await rm(root, { recursive: true, force: true });
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, Math.round((performance.now() - started) / 100) / 10];
}

function byType(resources: readonly ResourceState[], type: string): ResourceState {
  const found = resources.find((resource) => resource.type === type);
  if (found === undefined) throw new ScenarioFailure(`the state has no ${type}`);
  return found;
}

const stepsOf = (result: OperationResult, op: string) =>
  result.steps.filter((step) => step.op === op).map((step) => step.urn.split("::").pop());

export async function withClient<T>(
  uri: string,
  ca: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ ...pairUriConfig(uri, ca), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** PIDs running in the lab's namespaces (sshd, PostgreSQL, repmgrd, keepalived, agents). */
export async function labPids(prefix: string): Promise<number[]> {
  const { stdout } = await run("ip", ["netns", "list"]);
  const namespaces = stdout
    .split("\n")
    .map((line) => line.split(" ")[0] ?? "")
    .filter((name) => name.startsWith(`${prefix}-`));
  const pids: number[] = [];
  for (const namespace of namespaces) {
    const { stdout: listed } = await run("ip", ["netns", "pids", namespace]);
    pids.push(...listed.split("\n").filter(Boolean).map(Number));
  }
  return pids;
}

/** Alive and not a zombie (daemons re-parented after SSH may linger as zombies). */
export async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  return stat !== undefined && !/^\d+ \(.*\) Z /.test(stat);
}

export async function runPulumiLocalScenario(
  log: (line: string) => void = () => {},
): Promise<ScenarioResult> {
  for (const built of BUILT) {
    if (!existsSync(join(EXAMPLE, built)))
      throw new Error(`${built} is missing: run \`npm run build\` first`);
  }
  const claim = await allocateSubnet(RANGE);
  await destroyLab(claim.stateDir).catch(() => {});
  // Named after the claim: the pair's files live on the hosts' shared filesystem, and a run killed
  // half-way leaves them behind; a data directory left there would be adopted with other passwords.
  const pairName = `e2e-${claim.prefix}`;
  await removePairFiles(pairName);
  const dir = await mkdtemp(join(tmpdir(), "pulumi-local-"));
  const hostSide = claim.subnet.replace(/\.0\/24$/, ".1");
  const controlPlane = await startControlPlane("0.0.0.0", [hostSide]);
  let engine: PulumiEngine | undefined;
  let destroyed = false;
  // The provider takes the control plane from the stack config only, and pins its CA.
  const engineEnv = {
    PGAAS_CONTROL_PLANE_URL: "",
    PGAAS_API_TOKEN: "",
    PGAAS_CONTROL_PLANE_CA_FILE: controlPlane.caFile,
  };
  try {
    engine = createPulumiEngine({
      projectDir: EXAMPLE,
      stack: "e2e",
      stateFile: join(dir, "state.json"),
      passphrase: new Secret("pulumi local e2e"),
      env: engineEnv,
    });
    engine.setConfig("pgaas:controlPlaneUrl", controlPlane.url);
    engine.setConfig("pgaas:apiToken", controlPlane.apiToken, { secret: true });
    engine.setConfig("pgaas-local:subnet", claim.subnet);
    engine.setConfig("pgaas-local:prefix", claim.prefix);
    engine.setConfig("pgaas-local:pairName", pairName);
    engine.setConfig("pgaas-local:stateDir", claim.stateDir);
    engine.setConfig("pgaas-local:agentControlPlaneUrl", `https://${hostSide}:${controlPlane.port}`);
    engine.setConfig("pgaas-local:agentControlPlaneCa", controlPlane.caCertificate);
    engine.setConfig("pgaas-local:deletionProtection", "false");
    const api = async (path: string) => {
      const response = await controlPlane.fetch(`${controlPlane.url}${path}`, {
        headers: { authorization: `Bearer ${controlPlane.apiToken}` },
      });
      return { status: response.status, body: (await response.json().catch(() => undefined)) as unknown };
    };

    log(`up: hosts ${claim.prefix}-* on ${claim.subnet}, the pair, registration and database`);
    const [created, upSeconds] = await timed(() => (engine as PulumiEngine).up());
    const pairId = String(created.outputs.pairId);
    expectEqual("primary after up", created.outputs.primary, "n1");
    expectEqual("resources created", stepsOf(created, "create").sort(), [
      "app",
      "app",
      "default_0_1_0",
      pairName,
      `${pairName}-configuration`,
      `${pairName}-hosts`,
      `${pairName}-registration`,
      `${pairName}-secrets`,
      "pgaas-local-e2e",
    ]);
    const secretsIn = async (type: string) =>
      JSON.parse(
        String(unwrapSecrets(byType(await (engine as PulumiEngine).state(), type).outputs.pairSecrets)),
      );
    expectEqual(
      "PairSecrets adopted the secrets the pair runs with",
      await secretsIn("pgaas:index:PairSecrets"),
      await secretsIn("pgaas:index:PairConfiguration"),
    );
    const lookup = created.outputs.lookup as Record<string, unknown>;
    expectEqual(
      "getPair through the provider's function",
      [lookup.pairId, lookup.name, lookup.primary, lookup.endpointPort, lookup.caCertificate],
      [pairId, pairName, "n1", 5432, created.outputs.caCertificate],
    );
    const resources = (await engine.state()).length;
    const appUri = String(unwrapSecrets(created.outputs.appUri));
    const pairCa = String(created.outputs.caCertificate);

    log("write through the Database output's URI");
    const written = await withClient(appUri, pairCa, async (client) => {
      await client.query("CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL)");
      await client.query("INSERT INTO orders VALUES (1, 'written through appUri')");
      return (await client.query("SELECT item, pg_is_in_recovery() AS ro FROM orders")).rows;
    });
    expectEqual("row written through appUri", written, [{ item: "written through appUri", ro: false }]);

    log("another stack reads the pair by name and the database by id, and destroys without touching them");
    const database = byType(await engine.state(), "pgaas:index:Database");
    const reader = createPulumiEngine({
      projectDir: READER,
      stack: "e2e",
      stateFile: join(dir, "reader-state.json"),
      passphrase: new Secret("pulumi reader e2e"),
      env: engineEnv,
    });
    reader.setConfig("pgaas:controlPlaneUrl", controlPlane.url);
    reader.setConfig("pgaas:apiToken", controlPlane.apiToken, { secret: true });
    reader.setConfig("pgaas-reader:pairName", pairName);
    reader.setConfig("pgaas-reader:databaseId", String(database.id));
    const read = await reader.up();
    // Stack outputs arrive with their keys sorted.
    expectEqual("reader stack outputs", read.outputs, {
      databaseName: "app",
      owner: "app",
      pairId,
      primary: "n1",
    });
    expectEqual("reader creates only its stack, component and provider", stepsOf(read, "create").sort(), [
      "app",
      "default_0_1_0",
      "pgaas-reader-e2e",
    ]);
    expectEqual("the database read", stepsOf(read, "read"), ["app"]);
    const readerGone = await reader.destroy();
    expectEqual("reader destroy deletes nothing it read", stepsOf(readerGone, "discard"), ["app"]);
    expectEqual(
      "the database after the reader's destroy",
      ((await api(`/v1/databases/${database.id}`)).body as { database: { state: string } }).database.state,
      "active",
    );

    log("change work_mem: an in-place update, no replacement, no postmaster restart");
    const probe = () =>
      withClient(appUri, pairCa, async (client) => {
        const { rows } = await client.query(
          "SELECT current_setting('work_mem') AS wm, pg_postmaster_start_time()::text AS started",
        );
        return rows[0] as { wm: string; started: string };
      });
    const before = await probe();
    engine.setConfig("pgaas-local:workMem", "8MB");
    const [updated, updateSeconds] = await timed(() => (engine as PulumiEngine).up());
    expectEqual("updated resources", stepsOf(updated, "update"), [
      `${pairName}-configuration`,
      `${pairName}-registration`,
    ]);
    const after = await probe();
    expectEqual("work_mem and postmaster start after the update", after, {
      wm: "8MB",
      started: before.started,
    });
    const unexpectedReplaces = [created, updated].flatMap((result) => stepsOf(result, "replace")).length;

    log("change the node set: preview shows a replacement (nothing is changed)");
    engine.setConfig("pgaas-local:subnet", "10.231.99.0/24");
    const planned = await engine.preview();
    expectEqual("replacements previewed", stepsOf(planned, "replace"), [
      `${pairName}-hosts`,
      `${pairName}-configuration`,
    ]);
    engine.setConfig("pgaas-local:subnet", claim.subnet);

    log("switch over to n2, then refresh");
    const configuration = byType(await engine.state(), "pgaas:index:PairConfiguration");
    const spec = parsePairSpec(unwrapSecrets(configuration.inputs.spec));
    const connections = HostConnections.parse(unwrapSecrets(configuration.inputs.hosts));
    const secrets = pairSecretsFrom(JSON.parse(String(unwrapSecrets(configuration.outputs.pairSecrets))));
    const switched = await switchover(spec, pairHostsFor(spec, connections), secrets);
    expectEqual("switchover", [switched.oldPrimary, switched.newPrimary], ["n1", "n2"]);
    const [refreshed, refreshSeconds] = await timed(() => (engine as PulumiEngine).refresh());
    const seen = byType(refreshed.resources, "pgaas:index:PairConfiguration").outputs;
    expectEqual("primary after refresh", seen.primary, "n2");
    expectEqual(
      "roles after refresh",
      (seen.nodes as { name: string; role: string }[]).map((node) => [node.name, node.role]),
      [
        ["n1", "standby"],
        ["n2", "primary"],
      ],
    );

    log("destroy");
    const pids = await labPids(claim.prefix);
    const [, destroySeconds] = await timed(() => (engine as PulumiEngine).destroy());
    destroyed = true;
    expectEqual("state after destroy", await engine.state(), []);
    expectEqual("lab namespaces after destroy", await labPids(claim.prefix), []);
    const survivors: number[] = [];
    for (const pid of pids) if (await running(pid)) survivors.push(pid);
    expectEqual(`processes of the lab after destroy (of ${pids.length})`, survivors, []);
    expectEqual("registry row after destroy", (await api(`/v1/pairs/${pairId}`)).status, 404);
    expectEqual("databases after destroy", (await api("/v1/databases")).body, { databases: [] });

    return { upSeconds, updateSeconds, refreshSeconds, destroySeconds, resources, unexpectedReplaces };
  } finally {
    if (engine && !destroyed)
      await engine.destroy().catch((error: unknown) => log(`cleanup destroy: ${error}`));
    await destroyLab(claim.stateDir).catch(() => {});
    await controlPlane.stop();
    await rm(dir, { recursive: true, force: true });
    await claim.release();
  }
}

export function resultLine(result: ScenarioResult): string {
  return `RESULT up_s=${result.upSeconds} update_s=${result.updateSeconds} refresh_s=${result.refreshSeconds} destroy_s=${result.destroySeconds} resources=${result.resources} unexpected_replaces=${result.unexpectedReplaces}`;
}
