// The plugin as users install it: `npm run package:plugin`'s archive, unpacked the way
// `pulumi plugin install resource pgaas <version> --server <url>` unpacks it (into
// `resource-pgaas-v<version>/`, away from the checkout and any node_modules), then started the way the
// engine starts a Node.js provider (`@pulumi/pulumi/cmd/run-plugin <plugin dir>`) and asked over gRPC.
// Needs the agent artefact (`npm run build`) first.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { AGENT_ARTEFACT_NAME, AGENT_ARTEFACT_PATH } from "@pgaas/agent/launch";
import { PGAAS_VERSION } from "@pgaas/common/wire";
import { CONTROL_PLANE_ARTEFACT_NAME, CONTROL_PLANE_ARTEFACT_PATH } from "@pgaas/portal/artefact";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packagePlugin, pluginArchiveName } from "../../../provider/package-plugin.js";
import { wireSecret } from "../../../provider/src/plugin/wire-values.js";
import type { Props } from "../grpc-call.js";
import { NO_PROGRAM, type Registration, startMonitorServer } from "../monitor-server.js";
import { type ProviderPlugin, startProviderPlugin } from "../provider-plugin.js";
import { resourceUrn } from "../resource-graph.js";

const run = promisify(execFile);
const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const URN = `urn:pulumi:dev::pgaas-local::pulumi:providers:pgaas::default_${PGAAS_VERSION.replaceAll(".", "_")}`;

describe("the packaged plugin, unpacked as `pulumi plugin install` does", () => {
  let dir: string;
  let archive: Awaited<ReturnType<typeof packagePlugin>>;
  let pluginDir: string;
  let plugin: ProviderPlugin;
  let stopEngine: () => Promise<void>;
  let engineAddress: string;
  /** What the plugin registers while it constructs a component, and the outputs it records. */
  const registered: Registration[] = [];
  const recorded = new Map<string, Props>();

  beforeAll(async () => {
    if (!existsSync(AGENT_ARTEFACT_PATH))
      throw new Error(`${AGENT_ARTEFACT_PATH} is missing: run \`npm run build\``);
    dir = await mkdtemp(join(tmpdir(), "pgaas-plugin-install-"));
    archive = await packagePlugin({ outfile: join(dir, "server", pluginArchiveName()) });
    pluginDir = join(dir, "plugins", `resource-pgaas-v${PGAAS_VERSION}`);
    await mkdir(pluginDir, { recursive: true });
    await run("tar", ["-xzf", archive.outfile, "-C", pluginDir]);
    const engine = await startMonitorServer({
      ...NO_PROGRAM,
      registerResource: async (registration) => {
        registered.push(registration);
        const urn = resourceUrn(
          "dev",
          "pgaas-local",
          registration.type,
          registration.name,
          registration.parent,
        );
        return { urn, id: "", outputs: {} };
      },
      registerResourceOutputs: (urn, outputs) => {
        recorded.set(urn, outputs);
      },
      log: () => undefined,
    });
    stopEngine = engine.stop;
    engineAddress = engine.address;
    plugin = await startProviderPlugin({
      directory: pluginDir,
      // The program's directory: where the language host finds run-plugin (the user's @pulumi/pulumi).
      cwd: REPO,
      engineAddress: engine.address,
      env: { PGAAS_CONTROL_PLANE_URL: "", PGAAS_API_TOKEN: "" },
    });
  }, 120_000);

  afterAll(async () => {
    await plugin?.stop();
    await stopEngine?.();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("is named and laid out as the plugin installer expects", async () => {
    expect(basename(archive.outfile)).toBe(pluginArchiveName());
    expect(pluginArchiveName("1.2.3", "x64")).toBe("pulumi-resource-pgaas-v1.2.3-linux-amd64.tar.gz");
    expect(pluginArchiveName("1.2.3", "arm64")).toBe("pulumi-resource-pgaas-v1.2.3-linux-arm64.tar.gz");
    expect(() => pluginArchiveName("1.2.3", "ia32")).toThrow("no Pulumi plugin architecture for Node's ia32");
    const { stdout } = await run("tar", ["-tzf", archive.outfile]);
    expect(stdout.trim().split("\n")).toEqual([
      "PulumiPlugin.yaml",
      "package.json",
      "bin/",
      "bin/plugin.js",
      "bin/pulumi-resource-pgaas.cjs",
      "dist/",
      `dist/${AGENT_ARTEFACT_NAME}.tar.gz`,
      `dist/${CONTROL_PLANE_ARTEFACT_NAME}.tar.gz`,
    ]);
    expect(await readFile(join(pluginDir, "PulumiPlugin.yaml"), "utf8")).toBe("runtime: nodejs\n");
    const manifest = JSON.parse(await readFile(join(pluginDir, "package.json"), "utf8"));
    expect(manifest).toMatchObject({
      name: "pulumi-resource-pgaas",
      version: PGAAS_VERSION,
      main: "bin/pulumi-resource-pgaas.cjs",
    });
  });

  it("carries the agent and control-plane artefacts hosts run, byte for byte", async () => {
    const packed = await readFile(join(pluginDir, "dist", `${AGENT_ARTEFACT_NAME}.tar.gz`));
    expect(packed.equals(await readFile(AGENT_ARTEFACT_PATH))).toBe(true);
    const controlPlane = await readFile(join(pluginDir, "dist", `${CONTROL_PLANE_ARTEFACT_NAME}.tar.gz`));
    expect(controlPlane.equals(await readFile(CONTROL_PLANE_ARTEFACT_PATH))).toBe(true);
  });

  it("starts through run-plugin with no node_modules in reach and answers as the checkout's plugin", async () => {
    expect(existsSync(join(pluginDir, "node_modules"))).toBe(false);
    expect(await plugin.getPluginInfo()).toBe(PGAAS_VERSION);
    const schema = JSON.parse(await plugin.getSchema());
    expect(schema).toEqual(JSON.parse(await readFile(join(REPO, "provider", "schema.json"), "utf8")));
    const good = await plugin.checkConfig(
      URN,
      {},
      { controlPlaneUrl: "https://127.0.0.1:8443", apiToken: wireSecret("token"), version: PGAAS_VERSION },
    );
    expect(good.failures).toEqual([]);
    const bad = await plugin.checkConfig(URN, {}, { controlPlaneURL: "https://x", version: PGAAS_VERSION });
    expect(bad.failures.map((failure) => failure.property)).toEqual(["controlPlaneURL"]);
  });

  it("finds its own control-plane artefact: ControlPlaneHost's Check records its sha256", async () => {
    const checked = await plugin.check(
      `urn:pulumi:dev::pgaas-local::pgaas:index:ControlPlaneHost::cp`,
      {},
      {
        host: {
          name: "control-plane",
          host: "10.0.0.5",
          privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n",
        },
        listenAddress: "10.0.0.5",
        adminEmail: "admin@example.com",
      },
    );
    expect(checked.failures).toEqual([]);
    const packaged = await readFile(join(pluginDir, "dist", `${CONTROL_PLANE_ARTEFACT_NAME}.tar.gz`));
    expect(checked.inputs.artefactSha256).toBe(createHash("sha256").update(packaged).digest("hex"));
  });

  it("constructs a component with the SDK the bundle carries (a dry run)", async () => {
    const built = await plugin.construct({
      project: "pgaas-local",
      stack: "dev",
      organization: "organization",
      config: {},
      secretKeys: [],
      dryRun: true,
      parallel: 4,
      monitorEndpoint: engineAddress,
      type: "pgaas:components:Database",
      name: "app",
      parent: "",
      inputs: { pairId: "p1", deletionProtection: false },
      inputDependencies: {},
      dependencies: [],
    });
    const component = "urn:pulumi:dev::pgaas-local::pgaas:components:Database::app";
    expect(built.urn).toBe(component);
    expect(registered.map((r) => [r.type, r.name, r.custom, r.parent])).toEqual([
      ["pgaas:components:Database", "app", false, ""],
      ["pgaas:index:Database", "app", true, component],
    ]);
    expect(registered[1]?.inputs).toMatchObject({ pairId: "p1", name: "app", deletionProtection: false });
    expect(Object.keys(built.state).sort()).toEqual([
      "connectionUri",
      "databaseName",
      "owner",
      "ownerPassword",
    ]);
    expect(Object.keys(recorded.get(component) ?? {}).sort()).toEqual(Object.keys(built.state).sort());
  });

  it("is reproducible: packing again gives the same bytes", async () => {
    const again = await packagePlugin({ outfile: join(dir, "again", pluginArchiveName()) });
    expect(again.sha256).toBe(archive.sha256);
  });
});
