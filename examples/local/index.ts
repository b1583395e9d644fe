// A pair on this machine: the local driver makes three network-namespace hosts (n1, n2 and the witness
// w) on a private /24; the control plane runs on the host side (.1). Needs root on Linux.
import { Database, getPairOutput, PostgresPair } from "@pgaas/sdk";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const subnet = config.get("subnet") ?? "10.231.60.0/24";
const hostSide = subnet.replace(/\.0\/24$/, ".1");

// The pair's name also names its files on the hosts; namespace hosts share one filesystem, so two
// stacks on one machine need two names.
const pair = new PostgresPair(config.get("pairName") ?? "demo", {
  clientCidrs: [subnet],
  // `npm start` serves the control plane over HTTPS with a local CA: the agents pin that CA.
  agentControlPlaneUrl: config.get("agentControlPlaneUrl") ?? `https://${hostSide}:8080`,
  agentControlPlaneCa: config.get("agentControlPlaneCa"),
  settings: { work_mem: config.get("workMem") ?? "4MB" },
  local: { subnet, prefix: config.get("prefix") ?? "pgl", stateDir: config.get("stateDir") },
});

const app = new Database(
  "app",
  {
    pairId: pair.pairId,
    settings: { statement_timeout: "15000" },
    deletionProtection: config.getBoolean("deletionProtection") ?? false,
  },
  { dependsOn: [pair] },
);

export const endpoint = pulumi.interpolate`${pair.endpointHost}:${pair.endpointPort}`;
export const nodes = pair.nodeAddresses;
export const primary = pair.primary;
export const pairId = pair.pairId;
export const appUri = app.connectionUri;
/** The pair CA: clients verify the endpoint with it (appUri asks for sslmode=verify-full). */
export const caCertificate = pair.caCertificate;
/**
 * The pair as the central lookup API sees it: what another stack (another team, another language)
 * reads with getPair, by id or by name, without owning the pair.
 */
export const lookup = getPairOutput({ pairId: pair.pairId });
