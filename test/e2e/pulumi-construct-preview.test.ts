// PostgresPair and Database as remote components, previewed: construct-program registers them by their
// schema tokens (as a Python, Go or YAML program does), the test engine sends each to the pgaas plugin's
// Construct in a dry run, and the children the plugin registers come back under the components. A
// real control plane answers the preview's Checks; no host is created. Needs `npm run build`.
// (pulumi.runtime.setMocks unit tests cannot cover this: mocks never reach a provider's Construct.)
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Secret } from "@pgaas/common";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPulumiEngine, DeploymentError, type PulumiEngine } from "../../testing/pulumi-engine/index.js";
import { type ControlPlane, startControlPlane } from "./pulumi-control-plane.js";

const run = promisify(execFile);
const PROGRAM = fileURLToPath(new URL("./construct-program", import.meta.url));
const BUILT = ["../../../provider/dist/plugin/main.js", "../../../sdk/dist/index.js"];
// Never created (preview only); a prefix of its own shows nothing leaked.
const PREFIX = "pcnpv";
const PAIR = "preview-pair";
const urn = (qualifiedType: string, name: string) =>
  `urn:pulumi:preview::pgaas-construct::${qualifiedType}::${name}`;
const PAIR_TYPE = "pgaas:components:PostgresPair";
const DATABASE_TYPE = "pgaas:components:Database";

describe("PostgresPair and Database as remote components: preview through Construct", () => {
  let controlPlane: ControlPlane;
  let dir: string;
  let count = 0;

  const engineFor = (config: Record<string, string>): PulumiEngine => {
    count += 1;
    const engine = createPulumiEngine({
      projectDir: PROGRAM,
      stack: "preview",
      stateFile: join(dir, `state-${count}.json`),
      passphrase: new Secret("construct preview"),
      env: {
        PGAAS_CONTROL_PLANE_URL: "",
        PGAAS_API_TOKEN: "",
        PGAAS_CONTROL_PLANE_CA_FILE: controlPlane.caFile,
      },
    });
    engine.setConfig("pgaas:controlPlaneUrl", controlPlane.url);
    engine.setConfig("pgaas:apiToken", controlPlane.apiToken, { secret: true });
    engine.setConfig("pgaas-construct:subnet", "10.231.240.0/24");
    engine.setConfig("pgaas-construct:prefix", PREFIX);
    engine.setConfig("pgaas-construct:pairName", PAIR);
    engine.setConfig("pgaas-construct:stateDir", join(dir, "lab"));
    for (const [key, value] of Object.entries(config)) engine.setConfig(key, value);
    return engine;
  };

  const labNamespaces = async () =>
    (await run("ip", ["netns", "list"])).stdout.split("\n").filter((line) => line.startsWith(`${PREFIX}-`));

  beforeAll(async () => {
    for (const built of BUILT) {
      if (!existsSync(join(PROGRAM, built)))
        throw new Error(`${built} is missing: run \`npm run build\` first`);
    }
    dir = await mkdtemp(join(tmpdir(), "pulumi-construct-preview-"));
    controlPlane = await startControlPlane("127.0.0.1");
  });

  afterAll(async () => {
    await controlPlane?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("plans the components and, under them, the children the plugin's Construct registered", async () => {
    const engine = engineFor({});
    const result = await engine.preview();
    expect(result.steps.map((step) => [step.op, step.urn]).sort()).toEqual(
      [
        ["create", urn("pulumi:pulumi:Stack", "pgaas-construct-preview")],
        ["create", urn("pulumi:providers:pgaas", "default_0_1_0")],
        ["create", urn(PAIR_TYPE, PAIR)],
        ["create", urn(`${PAIR_TYPE}$pgaas:index:LocalHosts`, `${PAIR}-hosts`)],
        ["create", urn(`${PAIR_TYPE}$pgaas:index:PairConfiguration`, `${PAIR}-configuration`)],
        ["create", urn(`${PAIR_TYPE}$pgaas:index:PairSecrets`, `${PAIR}-secrets`)],
        ["create", urn(`${PAIR_TYPE}$pgaas:index:Registration`, `${PAIR}-registration`)],
        ["create", urn(DATABASE_TYPE, "app")],
        ["create", urn(`${DATABASE_TYPE}$pgaas:index:Database`, "app")],
      ].sort(),
    );
    expect(existsSync(join(dir, `state-${count}.json`))).toBe(false);
    expect(await labNamespaces()).toEqual([]);
  }, 120_000);

  it("a pair without a cloud block fails the preview with the SDK's own validation", async () => {
    const engine = engineFor({ "pgaas-construct:cloud": "none" });
    const failure = await engine.preview().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DeploymentError);
    expect((failure as DeploymentError).message).toContain(
      `invalid PostgresPair ${PAIR}: openstack/gcp/local: exactly one of openstack, gcp, local must be set (got none)`,
    );
    expect((failure as DeploymentError).steps.map((step) => step.urn)).not.toContain(
      urn(`${PAIR_TYPE}$pgaas:index:LocalHosts`, `${PAIR}-hosts`),
    );
  }, 120_000);
});
