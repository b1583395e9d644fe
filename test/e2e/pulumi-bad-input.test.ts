// Bad input to examples/local fails `up` in its preview's Check phase, before anything is created,
// with a message that names the config key and says how to fix it: a misspelt provider key, a missing
// API token, an unreachable control plane, a token the control plane rejects. Driven through the test
// engine (program under cmd/run, provider under cmd/run-plugin). Needs `npm run build`.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Secret } from "@pgaas/common";
import { freePort } from "@pgaas/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPulumiEngine, DeploymentError, type PulumiEngine } from "../../testing/pulumi-engine/index.js";
import { type ControlPlane, startControlPlane } from "./pulumi-control-plane.js";

const EXAMPLE = fileURLToPath(new URL("../../examples/local", import.meta.url));
// Never created: every case stops in the preview. A prefix of its own shows nothing leaked.
const PREFIX = "pgbad";

describe("bad input fails examples/local's up in the Check phase, naming the key", () => {
  let controlPlane: ControlPlane;
  let dir: string;
  let count = 0;

  const engineFor = (config: Record<string, string>, secrets: Record<string, string>): PulumiEngine => {
    count += 1;
    const engine = createPulumiEngine({
      projectDir: EXAMPLE,
      stack: "bad",
      stateFile: join(dir, `state-${count}.json`),
      passphrase: new Secret("bad input"),
      env: {
        PGAAS_CONTROL_PLANE_URL: "",
        PGAAS_API_TOKEN: "",
        PGAAS_CONTROL_PLANE_CA_FILE: controlPlane.caFile,
      },
    });
    engine.setConfig("pgaas-local:subnet", "10.231.89.0/24");
    engine.setConfig("pgaas-local:prefix", PREFIX);
    for (const [key, value] of Object.entries(config)) engine.setConfig(key, value);
    for (const [key, value] of Object.entries(secrets)) engine.setConfig(key, value, { secret: true });
    return engine;
  };

  /** The error `up` fails with; also checks that nothing was created. */
  const upFailure = async (engine: PulumiEngine): Promise<string> => {
    const failure = await engine.up().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DeploymentError);
    expect(await engine.state()).toEqual([]);
    const { stdout } = await promisify(execFile)("ip", ["netns", "list"]);
    expect(stdout.split("\n").filter((line) => line.startsWith(`${PREFIX}-`))).toEqual([]);
    return (failure as Error).message;
  };

  beforeAll(async () => {
    for (const built of ["bin/index.js", "../../provider/dist/plugin/main.js", "../../sdk/dist/index.js"]) {
      if (!existsSync(join(EXAMPLE, built)))
        throw new Error(`${built} is missing: run \`npm run build\` first`);
    }
    dir = await mkdtemp(join(tmpdir(), "pulumi-bad-input-"));
    controlPlane = await startControlPlane("127.0.0.1");
  }, 120_000);

  afterAll(async () => {
    await controlPlane?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("a misspelt provider key", async () => {
    const message = await upFailure(
      engineFor({ "pgaas:controlPlaneURL": controlPlane.url }, { "pgaas:apiToken": controlPlane.apiToken }),
    );
    expect(message).toContain(
      "pulumi:providers:pgaas resource 'default_0_1_0' has a problem: controlPlaneURL: pgaas:controlPlaneURL is not a pgaas setting; did you mean pgaas:controlPlaneUrl? `pulumi config rm pgaas:controlPlaneURL` and set pgaas:controlPlaneUrl instead",
    );
  }, 60_000);

  it("a missing API token", async () => {
    const message = await upFailure(engineFor({ "pgaas:controlPlaneUrl": controlPlane.url }, {}));
    expect(message).toContain(
      "pgaas:index:Registration resource 'demo-registration' has a problem: pgaas:apiToken: is not set: create an API token in the portal (Tokens) and `pulumi config set --secret pgaas:apiToken <token>` (or PGAAS_API_TOKEN)",
    );
  }, 60_000);

  it("an unreachable control plane", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const message = await upFailure(
      engineFor({ "pgaas:controlPlaneUrl": closed }, { "pgaas:apiToken": controlPlane.apiToken }),
    );
    expect(message).toMatch(
      new RegExp(
        `pgaas:index:Registration resource 'demo-registration' has a problem: pgaas:controlPlaneUrl: ${closed} is unreachable \\(connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+\\): start the control plane, or point \`pulumi config set pgaas:controlPlaneUrl <url>\` at it`,
      ),
    );
  }, 60_000);

  it("a token the control plane rejects", async () => {
    const message = await upFailure(
      engineFor({ "pgaas:controlPlaneUrl": controlPlane.url }, { "pgaas:apiToken": "not-a-real-token" }),
    );
    expect(message).toContain(
      `pgaas:index:Registration resource 'demo-registration' has a problem: pgaas:apiToken: is not accepted by the control plane at ${controlPlane.url}: create a new API token in the portal (Tokens) and \`pulumi config set --secret pgaas:apiToken <token>\``,
    );
  }, 60_000);
});
