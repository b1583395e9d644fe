// Values on the provider's gRPC wire: secrets arrive wrapped in a signature object and must leave the
// same way; during preview unknown values arrive as a sentinel string. These helpers are the one place
// that knows both encodings (Pulumi's property-value wire format).

export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface WireSecret {
  readonly [SECRET_SIG_KEY]: typeof SECRET_SIG;
  readonly value: unknown;
}

export function isWireSecret(value: unknown): value is WireSecret {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG
  );
}

/** Wraps a value so the engine stores and shows it as a secret. */
export function wireSecret(value: unknown): WireSecret {
  return { [SECRET_SIG_KEY]: SECRET_SIG, value };
}

/** A deep copy with every secret wrapper replaced by its value. */
export function unwrapSecrets(value: unknown): unknown {
  if (isWireSecret(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, unwrapSecrets(inner)]));
  }
  return value;
}

/**
 * A deep copy without undefined: protobuf's Struct cannot carry it (the server would fail the call with
 * "Unexpected struct type"), so absent properties are left out and undefined array items become null.
 */
export function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : withoutUndefined(item)));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, inner]) => inner !== undefined)
        .map(([key, inner]) => [key, withoutUndefined(inner)]),
    );
  }
  return value;
}

/** True when the value or anything inside it is unknown (preview before dependencies exist). */
export function containsUnknowns(value: unknown): boolean {
  if (value === UNKNOWN_VALUE) return true;
  if (isWireSecret(value)) return containsUnknowns(value.value);
  if (Array.isArray(value)) return value.some(containsUnknowns);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsUnknowns);
  return false;
}

/** Structural equality of two wire values, ignoring secret wrappers. */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(unwrapSecrets(a)) === canonical(unwrapSecrets(b));
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([, inner]) => inner !== undefined && inner !== null)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}
