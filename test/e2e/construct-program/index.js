// PostgresPair and Database consumed as a program in another language consumes them: not through
// @pgaas/sdk's classes but as remote components registered by their schema tokens, which the pgaas
// plugin builds (Construct). Outputs are named by the schema. Config (pgaas-construct:…): subnet,
// prefix, pairName, stateDir, agentControlPlaneUrl, agentControlPlaneCa; `cloud: none` leaves out the
// pair's cloud block (a bad input the plugin must reject).
import { PGAAS_VERSION } from "@pgaas/common/wire";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const subnet = config.require("subnet");

/** A remote component: inputs as given, outputs named (a generated SDK does the same). */
function remote(type, name, inputs, outputs, opts = {}) {
  const names = Object.fromEntries(outputs.map((output) => [output, undefined]));
  // The plugin version a generated SDK pins: the components' children use the same default provider.
  return new pulumi.ComponentResource(
    type,
    name,
    { ...inputs, ...names },
    { version: PGAAS_VERSION, ...opts },
    true,
  );
}

const pair = remote(
  "pgaas:components:PostgresPair",
  config.require("pairName"),
  {
    clientCidrs: [subnet],
    agentControlPlaneUrl: config.get("agentControlPlaneUrl"),
    agentControlPlaneCa: config.get("agentControlPlaneCa"),
    settings: { work_mem: "4MB" },
    ...(config.get("cloud") === "none"
      ? {}
      : { local: { subnet, prefix: config.require("prefix"), stateDir: config.get("stateDir") } }),
  },
  ["endpointHost", "endpointPort", "nodeAddresses", "primary", "pairId", "caCertificate", "connectionUri"],
);

const app = remote("pgaas:components:Database", "app", { pairId: pair.pairId, deletionProtection: false }, [
  "databaseName",
  "owner",
  "connectionUri",
]);

export const endpoint = pulumi.interpolate`${pair.endpointHost}:${pair.endpointPort}`;
export const nodes = pair.nodeAddresses;
export const primary = pair.primary;
export const pairId = pair.pairId;
export const caCertificate = pair.caCertificate;
export const pairUri = pair.connectionUri;
export const databaseName = app.databaseName;
export const appUri = app.connectionUri;
