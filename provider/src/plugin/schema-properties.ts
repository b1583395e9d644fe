// Builders of Pulumi package-schema properties, shared by the resources' and the components' schema.

export type Property = Record<string, unknown>;

export const str = (description: string, extra: Property = {}): Property => ({
  type: "string",
  description,
  ...extra,
});
export const int = (description: string, extra: Property = {}): Property => ({
  type: "integer",
  description,
  ...extra,
});
export const bool = (description: string, extra: Property = {}): Property => ({
  type: "boolean",
  description,
  ...extra,
});
export const secret = (description: string): Property => str(description, { secret: true });
export const ref = (type: string, description: string): Property => ({
  $ref: `#/types/pgaas:index:${type}`,
  description,
});
export const arrayOf = (items: Property, description: string): Property => ({
  type: "array",
  items,
  description,
});
export const stringMap = (description: string): Property => ({
  type: "object",
  additionalProperties: { type: "string" },
  description,
});
