// URNs and the order resources are created and deleted in.
import type { ResourceState } from "./state-file.js";

export const STACK_TYPE = "pulumi:pulumi:Stack";
export const PROVIDER_TYPE_PREFIX = "pulumi:providers:";

/** The type chain of a URN (`urn:pulumi:stack::project::parent$type::name` → `parent$type`). */
function qualifiedType(urn: string): string {
  return urn.split("::")[2] ?? "";
}

/** The engine's URN: the parent's type chain (except the stack's) joined with `$`, then the name. */
export function resourceUrn(
  stack: string,
  project: string,
  type: string,
  name: string,
  parent: string,
): string {
  const parentType = parent === "" ? "" : qualifiedType(parent);
  const chain = parentType === "" || parentType === STACK_TYPE ? type : `${parentType}$${type}`;
  return `urn:pulumi:${stack}::${project}::${chain}::${name}`;
}

/** The URN part of a provider reference (`<urn>::<id>`). */
export function providerUrnOf(reference: string): string {
  return reference.slice(0, reference.lastIndexOf("::"));
}

/** The package of a type or function token (`pgaas:index:Database` → `pgaas`). */
export function packageOf(token: string): string {
  return token.startsWith(PROVIDER_TYPE_PREFIX)
    ? token.slice(PROVIDER_TYPE_PREFIX.length)
    : (token.split(":")[0] ?? "");
}

function prerequisites(resource: ResourceState): string[] {
  return [
    ...resource.dependencies,
    ...(resource.parent ? [resource.parent] : []),
    ...(resource.provider ? [providerUrnOf(resource.provider)] : []),
  ];
}

/** Resources ordered so that each comes after everything it depends on, its parent and its provider. */
export function creationOrder(resources: readonly ResourceState[]): ResourceState[] {
  const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
  const visited = new Set<string>();
  const order: ResourceState[] = [];
  const visit = (resource: ResourceState) => {
    if (visited.has(resource.urn)) return;
    visited.add(resource.urn);
    for (const urn of prerequisites(resource)) {
      const before = byUrn.get(urn);
      if (before) visit(before);
    }
    order.push(resource);
  };
  for (const resource of resources) visit(resource);
  return order;
}

/** Dependents first: the reverse of the creation order. */
export function deletionOrder(resources: readonly ResourceState[]): ResourceState[] {
  return creationOrder(resources).reverse();
}
