// Cloud NAT for a GCP subnetwork: first boot installs packages from Debian's mirrors, and a VM without a
// public address reaches them only through NAT. A subnetwork has one NAT: a user who already runs one
// (or whose control plane made one) names its router and gets none here.
import * as compute from "@pulumi/gcp/compute/index.js";
import type * as pulumi from "@pulumi/pulumi";

export interface GcpNatPlace {
  readonly project?: pulumi.Input<string>;
  readonly region: string;
  readonly network: pulumi.Input<string>;
  readonly subnetwork: pulumi.Input<string>;
  /** An existing router whose NAT serves the subnetwork: then no NAT is created. */
  readonly natRouter?: pulumi.Input<string>;
}

export function gcpNat(
  name: string,
  place: GcpNatPlace,
  opts: pulumi.CustomResourceOptions,
): compute.RouterNat | undefined {
  if (place.natRouter !== undefined) return undefined;
  const { project, region } = place;
  return new compute.RouterNat(
    `${name}-nat`,
    {
      project,
      region,
      name: `${name}-nat`,
      router: new compute.Router(
        `${name}-router`,
        { project, region, name: `${name}-router`, network: place.network },
        opts,
      ).name,
      natIpAllocateOption: "AUTO_ONLY",
      sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
      subnetworks: [{ name: place.subnetwork, sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
      logConfig: { enable: true, filter: "ERRORS_ONLY" },
    },
    opts,
  );
}
