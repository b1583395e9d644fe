// The real pgaas provider started the way the Pulumi engine starts it: `@pulumi/pulumi/cmd/run-plugin
// provider/` (which require()s the package's main, a CommonJS entry that loads the built plugin), the
// port read from stdout, then GetSchema and CheckConfig over gRPC. Needs `npm run build` first.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wireSecret } from "../../../provider/src/plugin/wire-values.js";
import { type LogEntry, NO_PROGRAM, startMonitorServer } from "../monitor-server.js";
import { type ProviderPlugin, startProviderPlugin } from "../provider-plugin.js";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const PROVIDER_DIR = fileURLToPath(new URL("../../../provider", import.meta.url));
const BUILT_PLUGIN = fileURLToPath(new URL("../../../provider/dist/plugin/main.js", import.meta.url));
const URN = "urn:pulumi:dev::pgaas-local::pulumi:providers:pgaas::default_0_1_0";

describe("the pgaas plugin through cmd/run-plugin", () => {
  let plugin: ProviderPlugin;
  let stopEngine: () => Promise<void>;
  const logs: LogEntry[] = [];

  beforeAll(async () => {
    if (!existsSync(BUILT_PLUGIN)) throw new Error(`${BUILT_PLUGIN} is missing: run \`npm run build\` first`);
    const engine = await startMonitorServer({ ...NO_PROGRAM, log: (entry) => logs.push(entry) });
    stopEngine = engine.stop;
    plugin = await startProviderPlugin({
      directory: PROVIDER_DIR,
      cwd: REPO,
      engineAddress: engine.address,
      env: { PGAAS_CONTROL_PLANE_URL: "", PGAAS_API_TOKEN: "" },
    });
  }, 60_000);

  afterAll(async () => {
    await plugin?.stop();
    await stopEngine?.();
  });

  it("answers GetPluginInfo and GetSchema with the committed schema", async () => {
    expect(await plugin.getPluginInfo()).toBe("0.1.0");
    const schema = JSON.parse(await plugin.getSchema());
    expect(schema).toEqual(JSON.parse(await readFile(`${PROVIDER_DIR}/schema.json`, "utf8")));
  });

  it("CheckConfig accepts the provider's keys with the engine's version input", async () => {
    const result = await plugin.checkConfig(
      URN,
      {},
      { controlPlaneUrl: "http://127.0.0.1:8080", apiToken: wireSecret("token"), version: "0.1.0" },
    );
    expect(result.failures).toEqual([]);
  });

  it("CheckConfig names a bad URL by its key", async () => {
    const result = await plugin.checkConfig(URN, {}, { controlPlaneUrl: "ftp://x", version: "0.1.0" });
    expect(result.failures).toEqual([
      { property: "controlPlaneUrl", reason: "must be an http(s) URL, e.g. https://pgaas.example.org" },
    ]);
  });
});
