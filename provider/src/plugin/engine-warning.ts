// A warning the user must read goes to the Pulumi engine, which prints it under the resource in
// `pulumi up`/`destroy`; the provider's structured stderr log is only in the engine's verbose logs.
import * as pulumi from "@pulumi/pulumi";

export function warnThroughEngine(urn: string, message: string): Promise<void> {
  // pulumi.log reads nothing from the resource but its URN.
  const owner = { urn: { promise: () => Promise.resolve(urn) } } as unknown as pulumi.Resource;
  return pulumi.log.warn(message, owner);
}
