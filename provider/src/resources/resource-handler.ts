// One handler per resource type; the provider dispatches gRPC calls to it by the URN's type token.
// Handlers receive wire values (secrets wrapped, unknowns as sentinels) and return wire values.
import type { Logger } from "@pgaas/common";
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { ProviderConfig } from "../plugin/provider-config.js";
import { containsUnknowns, sameValue, UNKNOWN_VALUE, unwrapSecrets } from "../plugin/wire-values.js";

export type WireProps = Record<string, unknown>;

export interface ResourceContext {
  readonly config: ProviderConfig;
  readonly log: Logger;
  /** Shown to the user by the Pulumi engine under this resource (and logged). */
  readonly warn: (message: string, fields?: Record<string, unknown>) => Promise<void>;
}

export interface ResourceHandler {
  /** e.g. "pgaas:index:Database" */
  readonly token: string;
  /** The resource lives in the control plane: Check first makes sure the provider can reach it. */
  readonly usesControlPlane?: boolean;
  check(olds: WireProps, news: WireProps): Promise<pulumi.provider.CheckResult>;
  diff(id: string, olds: WireProps, news: WireProps): Promise<pulumi.provider.DiffResult>;
  create(inputs: WireProps, ctx: ResourceContext): Promise<pulumi.provider.CreateResult>;
  read(id: string, props: WireProps, ctx: ResourceContext): Promise<pulumi.provider.ReadResult>;
  update(
    id: string,
    olds: WireProps,
    news: WireProps,
    ctx: ResourceContext,
  ): Promise<pulumi.provider.UpdateResult>;
  delete(id: string, props: WireProps, ctx: ResourceContext): Promise<void>;
}

/**
 * Validates wire inputs with a zod schema. Problems under values still unknown (preview) are not
 * failures yet: they are checked again once the values are known.
 */
export function schemaFailures(schema: z.ZodType, news: WireProps): pulumi.provider.CheckFailure[] {
  const plain = unwrapSecrets(news);
  const result = schema.safeParse(plain);
  if (result.success) return [];
  // One failure per property, its reasons joined: the CLI shows one line per property.
  const reasons = new Map<string, string[]>();
  for (const issue of result.error.issues) {
    if (pathTouchesUnknown(plain, issue.path)) continue;
    const property = issue.path.join(".") || "(inputs)";
    reasons.set(property, [...(reasons.get(property) ?? []), issue.message]);
  }
  return [...reasons].map(([property, messages]) => ({ property, reason: messages.join("; ") }));
}

function pathTouchesUnknown(value: unknown, path: readonly PropertyKey[]): boolean {
  let current: unknown = value;
  for (const key of path) {
    if (current === UNKNOWN_VALUE) return true;
    if (typeof current !== "object" || current === null) return false;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return containsUnknowns(current);
}

/** Parses wire inputs that Check accepted (secrets unwrapped). */
export function parseInputs<S extends z.ZodType>(schema: S, props: WireProps): z.infer<S> {
  return schema.parse(unwrapSecrets(props));
}

/** Property names whose wire values differ (secret wrappers ignored), in the given order. */
export function changedKeys(keys: readonly string[], olds: WireProps, news: WireProps): string[] {
  return keys.filter((key) => !sameValue(olds[key], news[key]));
}
