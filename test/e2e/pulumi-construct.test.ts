// PostgresPair and Database as remote components on real namespace hosts: construct-program (no
// @pgaas/sdk classes: the components registered by their schema tokens, as a Python, Go or YAML program
// does) through the test engine and the pgaas plugin's Construct, with a real control plane. Up builds
// the hosts, the pair, its registration and the database as the components' children; a row is written
// through the Database component's URI output; destroy leaves no state, namespace, process or registry
// row. Needs root and `npm run build`; run it under the system-test lock.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Secret } from "@pgaas/common";
import { destroyLab } from "@pgaas/engine/local";
import { allocateSubnet } from "@pgaas/testing";
import { expect, it } from "vitest";
import { isWireSecret, unwrapSecrets } from "../../provider/src/plugin/wire-values.js";
import {
  createPulumiEngine,
  type OperationResult,
  type PulumiEngine,
} from "../../testing/pulumi-engine/index.js";
import { startControlPlane } from "./pulumi-control-plane.js";
import { labPids, removePairFiles, running, withClient } from "./pulumi-local-scenario.js";

const PROGRAM = fileURLToPath(new URL("./construct-program", import.meta.url));
const BUILT = ["../../../provider/dist/plugin/main.js", "../../../sdk/dist/index.js"];
const RANGE = { prefix: "pcn", first: "10.231.240.0/24", count: 1 } as const;
const PAIR_TYPE = "pgaas:components:PostgresPair";
const DATABASE_TYPE = "pgaas:components:Database";

const created = (result: OperationResult) =>
  result.steps.filter((step) => step.op === "create").map((step) => step.urn.split("::").slice(2).join("::"));

it("remote PostgresPair and Database: up, a write through the Database's URI, destroy", async () => {
  for (const built of BUILT) {
    if (!existsSync(join(PROGRAM, built)))
      throw new Error(`${built} is missing: run \`npm run build\` first`);
  }
  const claim = await allocateSubnet(RANGE);
  await destroyLab(claim.stateDir).catch(() => {});
  const pairName = `cn-${claim.prefix}`;
  await removePairFiles(pairName);
  const dir = await mkdtemp(join(tmpdir(), "pulumi-construct-"));
  const hostSide = claim.subnet.replace(/\.0\/24$/, ".1");
  const controlPlane = await startControlPlane("0.0.0.0", [hostSide]);
  let engine: PulumiEngine | undefined;
  let destroyed = false;
  try {
    engine = createPulumiEngine({
      projectDir: PROGRAM,
      stack: "e2e",
      stateFile: join(dir, "state.json"),
      passphrase: new Secret("pulumi construct e2e"),
      env: {
        PGAAS_CONTROL_PLANE_URL: "",
        PGAAS_API_TOKEN: "",
        PGAAS_CONTROL_PLANE_CA_FILE: controlPlane.caFile,
      },
    });
    engine.setConfig("pgaas:controlPlaneUrl", controlPlane.url);
    engine.setConfig("pgaas:apiToken", controlPlane.apiToken, { secret: true });
    engine.setConfig("pgaas-construct:subnet", claim.subnet);
    engine.setConfig("pgaas-construct:prefix", claim.prefix);
    engine.setConfig("pgaas-construct:pairName", pairName);
    engine.setConfig("pgaas-construct:stateDir", claim.stateDir);
    engine.setConfig("pgaas-construct:agentControlPlaneUrl", `https://${hostSide}:${controlPlane.port}`);
    engine.setConfig("pgaas-construct:agentControlPlaneCa", controlPlane.caCertificate);

    const up = await engine.up();
    expect(created(up).sort()).toEqual(
      [
        "pulumi:pulumi:Stack::pgaas-construct-e2e",
        "pulumi:providers:pgaas::default_0_1_0",
        `${PAIR_TYPE}::${pairName}`,
        `${PAIR_TYPE}$pgaas:index:LocalHosts::${pairName}-hosts`,
        `${PAIR_TYPE}$pgaas:index:PairConfiguration::${pairName}-configuration`,
        `${PAIR_TYPE}$pgaas:index:PairSecrets::${pairName}-secrets`,
        `${PAIR_TYPE}$pgaas:index:Registration::${pairName}-registration`,
        `${DATABASE_TYPE}::app`,
        `${DATABASE_TYPE}$pgaas:index:Database::app`,
      ].sort(),
    );
    const outputs = up.outputs;
    expect([outputs.primary, outputs.nodes, outputs.databaseName]).toEqual([
      "n1",
      [claim.subnet.replace(/\.0\/24$/, ".2"), claim.subnet.replace(/\.0\/24$/, ".3")],
      "app",
    ]);
    expect([isWireSecret(outputs.appUri), isWireSecret(outputs.pairUri)]).toEqual([true, true]);
    const pairId = String(outputs.pairId);
    const registered = await controlPlane.fetch(`${controlPlane.url}/v1/pairs/${pairId}`, {
      headers: { authorization: `Bearer ${controlPlane.apiToken}` },
    });
    expect(registered.status).toBe(200);

    const appUri = String(unwrapSecrets(outputs.appUri));
    // The passwords the components' children produced stay sealed in the state, as in a TypeScript stack.
    const passwords = [new URL(appUri).password, new URL(String(unwrapSecrets(outputs.pairUri))).password];
    expect(passwords.map((password) => password.length > 0)).toEqual([true, true]);
    const stateText = await readFile(join(dir, "state.json"), "utf8");
    expect(passwords.filter((password) => stateText.includes(decodeURIComponent(password)))).toEqual([]);
    const rows = await withClient(appUri, String(outputs.caCertificate), async (client) => {
      await client.query("CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL)");
      await client.query("INSERT INTO orders VALUES (1, 'written through a remote Database')");
      return (await client.query("SELECT item, pg_is_in_recovery() AS ro FROM orders")).rows;
    });
    expect(rows).toEqual([{ item: "written through a remote Database", ro: false }]);

    const pids = await labPids(claim.prefix);
    const gone = await engine.destroy();
    destroyed = true;
    expect(gone.steps.filter((step) => step.op === "delete").length).toBe(9);
    expect(await engine.state()).toEqual([]);
    expect(await labPids(claim.prefix)).toEqual([]);
    const survivors: number[] = [];
    for (const pid of pids) if (await running(pid)) survivors.push(pid);
    expect(survivors).toEqual([]);
    const after = await controlPlane.fetch(`${controlPlane.url}/v1/pairs/${pairId}`, {
      headers: { authorization: `Bearer ${controlPlane.apiToken}` },
    });
    expect(after.status).toBe(404);
  } finally {
    if (engine && !destroyed) await engine.destroy().catch(() => {});
    await destroyLab(claim.stateDir).catch(() => {});
    await controlPlane.stop();
    await rm(dir, { recursive: true, force: true });
    await claim.release();
  }
}, 600_000);
