// getPair: a registered pair as the control plane sees it, for a program that did not create it (a
// team's application stack reading the database team's pair). Served by the provider's
// `pgaas:index:getPair` function, so it reads the control plane at every `pulumi up` and preview.
import { PGAAS_VERSION } from "@pgaas/common/wire";
import * as pulumi from "@pulumi/pulumi";

export const GET_PAIR_TOKEN = "pgaas:index:getPair";

/** Exactly one of them. */
export interface GetPairArgs {
  /** The control plane's id of the pair (`PostgresPair.pairId`). */
  pairId?: string;
  /** The pair's name. */
  name?: string;
}

export interface GetPairNode {
  readonly name: string;
  readonly address: string;
  /** "primary", "standby", "down" or "unknown": the role of its agent's last report. */
  readonly role: string;
  /** True on the current primary only, while it reports. */
  readonly writable: boolean;
  /** "reporting", "unreachable" or "superseded". */
  readonly state: string;
}

export interface GetPairResult {
  readonly pairId: string;
  readonly name: string;
  readonly endpointHost: string;
  readonly endpointPort: number;
  /** The pair CA (PEM) to verify the endpoint with (sslmode=verify-full); empty without one. */
  readonly caCertificate: string;
  /** The current primary's node name; empty when there is none. */
  readonly primary: string;
  /** "healthy", "degraded", "no_primary" or "unknown". */
  readonly health: string;
  readonly syncState: string;
  readonly nodes: readonly GetPairNode[];
  readonly databaseCount: number;
}

export function getPair(args: GetPairArgs, opts: pulumi.InvokeOptions = {}): Promise<GetPairResult> {
  return pulumi.runtime.invoke(GET_PAIR_TOKEN, { ...args }, { version: PGAAS_VERSION, ...opts });
}

/** The same as an Output: waits for inputs that are outputs (e.g. another resource's pairId). */
export function getPairOutput(
  args: { pairId?: pulumi.Input<string>; name?: pulumi.Input<string> },
  opts: pulumi.InvokeOutputOptions = {},
): pulumi.Output<GetPairResult> {
  return pulumi.runtime.invokeOutput<GetPairResult>(
    GET_PAIR_TOKEN,
    { ...args },
    { version: PGAAS_VERSION, ...opts },
  );
}

/** The control plane knows no pair by that name (a first `pulumi up`): the invoke's `pair_not_found`. */
export function isPairNotFound(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /\bpair_not_found: /.test(message);
}
