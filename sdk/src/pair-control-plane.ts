// A pair's `controlPlane` arg stands for four others: resolved once, here, so validation, the cloud
// hosts and the agents' spec all read the same plain args.
import type { PostgresPairArgs } from "./postgres-pair-args.js";

/** The args with the `controlPlane`'s values in the four args it stands for; each one given still wins. */
export function withControlPlane(args: PostgresPairArgs): PostgresPairArgs {
  const controlPlane = args.controlPlane;
  if (controlPlane === undefined) return args;
  return {
    ...args,
    controlPlaneAddress: args.controlPlaneAddress ?? controlPlane.witnessAddress,
    witnessSshHostKeySha256: args.witnessSshHostKeySha256 ?? controlPlane.witnessSshHostKeySha256,
    agentControlPlaneUrl: args.agentControlPlaneUrl ?? controlPlane.url,
    agentControlPlaneCa: args.agentControlPlaneCa ?? controlPlane.caCertificate,
  };
}
