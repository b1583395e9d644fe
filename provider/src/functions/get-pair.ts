// pgaas:index:getPair — the control plane's view of one registered pair, for programs that did not
// create it (another stack, another team, another language): its endpoint, CA, primary and health.
// Looked up by id, or by name through the pair list; an unknown pair is an invoke failure that says
// which, never an empty result.
import { getPair, Id, listPairs, type Pair } from "@pgaas/api";
import { InputError } from "@pgaas/common";
import { PairName } from "@pgaas/common/wire";
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ProviderConfig } from "../plugin/provider-config.js";
import { controlPlaneFromConfig, unlessGone } from "../resources/control-plane.js";
import { schemaFailures, type WireProps } from "../resources/resource-handler.js";

export const GET_PAIR_TOKEN = "pgaas:index:getPair";

export const GetPairInputs = z
  .object({
    pairId: Id.optional(),
    name: PairName.optional(),
  })
  .strict()
  .refine((inputs) => (inputs.pairId === undefined) !== (inputs.name === undefined), {
    message: "give exactly one of pairId and name",
  });

/** What the function returns: plain values, the same names as PostgresPair's outputs where they meet. */
export function getPairOutputs(pair: Pair): WireProps {
  return {
    pairId: pair.id,
    name: pair.name,
    endpointHost: pair.endpoint.host,
    endpointPort: pair.endpoint.port,
    caCertificate: pair.caCertificate ?? "",
    primary: pair.primary ?? "",
    health: pair.health,
    syncState: pair.syncState,
    nodes: pair.nodes.map((node) => ({
      name: node.name,
      address: node.address,
      role: node.role,
      writable: node.writable,
      state: node.state,
    })),
    databaseCount: pair.databaseCount,
  };
}

export async function invokeGetPair(
  inputs: WireProps,
  config: ProviderConfig,
): Promise<pulumi.provider.InvokeResult> {
  const failures = schemaFailures(GetPairInputs, inputs);
  if (failures.length > 0) return { failures };
  const { pairId, name } = GetPairInputs.parse(inputs);
  const api = controlPlaneFromConfig(config, "getPair");
  const pair =
    pairId !== undefined
      ? (await unlessGone(api(getPair, { params: { id: pairId } })))?.pair
      : (await api(listPairs, {})).pairs.find((candidate) => candidate.name === name);
  if (pair === undefined) {
    // The code leads the message: only the message crosses the gRPC hop, and programs (a rolling
    // update's first `pulumi up`) tell "no such pair" from a failing control plane by it.
    throw new InputError(
      `pair_not_found: no pair ${pairId !== undefined ? `with id ${pairId}` : `named ${name}`} is registered with the control plane`,
      { code: "pair_not_found" },
    );
  }
  return { outputs: getPairOutputs(pair) };
}
