// Pulumi schema types from a zod schema, so the provider's schema describes the pair spec with the
// engine's own validation (one source: a changed spec changes the schema, and the snapshot test says so).
// Objects become named object types, string enums named enum types; unions (whose members Pulumi's
// schema cannot name) become Any, described. Each property's description states its constraints.
import { z } from "zod";

type Json = Record<string, unknown>;
export type SchemaProperty = Record<string, unknown>;

const PACKAGE = "pgaas:index";

function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== "")
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join("");
}

/** `nodes` → `Node`: the element type of an array property is named in the singular. */
function singular(name: string): string {
  return name.endsWith("s") ? name.slice(0, -1) : `${name}Item`;
}

function constraints(js: Json): string[] {
  const said: string[] = [];
  if (js.minimum !== undefined && js.maximum !== undefined) said.push(`${js.minimum}–${js.maximum}`);
  else if (js.minimum !== undefined) said.push(`at least ${js.minimum}`);
  else if (js.maximum !== undefined) said.push(`at most ${js.maximum}`);
  if (typeof js.format === "string")
    said.push(js.format === "cidrv4" ? "an IPv4 CIDR" : `an ${js.format} address`);
  else if (typeof js.pattern === "string") said.push(`matching ${js.pattern}`);
  if (typeof js.maxLength === "number") said.push(`at most ${js.maxLength} characters`);
  if (js.default !== undefined && (typeof js.default !== "object" || js.default === null))
    said.push(`default ${JSON.stringify(js.default)}`);
  return said;
}

/** The text with what the schema constrains appended: "Port: 1–65535, default 5432." */
function describe(js: Json, text: string): string {
  const said = constraints(js);
  return said.length === 0 ? text : `${text.replace(/\.$/, "")}: ${said.join(", ")}.`;
}

/** The property every member fixes to its own constant (a discriminated union's tag), if there is one. */
function discriminatorOf(members: readonly Json[]): string | undefined {
  const first = members[0]?.properties as Record<string, Json> | undefined;
  if (first === undefined) return undefined;
  return Object.keys(first).find((key) =>
    members.every(
      (member) =>
        ((member.properties as Record<string, Json> | undefined)?.[key] as Json | undefined)?.const !==
        undefined,
    ),
  );
}

/** Named types for `schema`, its root named `rootName`; answers the types and a reference to the root. */
export function pulumiTypesFromZod(
  schema: z.ZodType,
  rootName: string,
  rootDescription: string,
): { readonly root: SchemaProperty; readonly types: Readonly<Record<string, Json>> } {
  const types: Record<string, Json> = {};

  const define = (name: string, type: Json): SchemaProperty => {
    const token = `${PACKAGE}:${name}`;
    if (types[token] !== undefined && JSON.stringify(types[token]) !== JSON.stringify(type))
      throw new Error(`two different schema types would be named ${token}`);
    types[token] = type;
    return { $ref: `#/types/${token}` };
  };

  const convert = (js: Json, name: string, fallback: string): SchemaProperty => {
    // The spec's own `.describe()` text where it has one, else the property's name.
    const description = typeof js.description === "string" ? js.description : fallback;
    const members = (js.oneOf ?? js.anyOf) as Json[] | undefined;
    const tag = members === undefined ? undefined : discriminatorOf(members);
    if (members !== undefined && tag !== undefined) {
      // A tagged union (e.g. the backup repository's `kind`): one object type per member.
      const mapping: Record<string, string> = {};
      const refs = members.map((member) => {
        const value = String(((member.properties as Record<string, Json>)[tag] as Json).const);
        const ref = convert(member, `${name}${pascal(value)}`, `${description} (${tag} ${value})`);
        mapping[value] = String(ref.$ref);
        return { $ref: ref.$ref };
      });
      return { oneOf: refs, discriminator: { propertyName: tag, mapping }, description };
    }
    if (members !== undefined) {
      return {
        $ref: "pulumi.json#/Any",
        description: `${description} (one of several shapes; see the docs).`,
      };
    }
    if (Array.isArray(js.enum) && js.type === "string") {
      const values = js.enum as string[];
      const ref = define(name, {
        type: "string",
        description,
        enum: values.map((value) => ({ value, name: pascal(value) })),
      });
      return { ...ref, description: describe(js, `${description}; one of ${values.join(", ")}`) };
    }
    if (js.const !== undefined) {
      return {
        type: js.type === "number" ? "integer" : js.type,
        description: `${description.replace(/\.$/, "")}: always ${js.const}.`,
      };
    }
    if (js.type === "object" && js.properties !== undefined) {
      const properties = js.properties as Record<string, Json>;
      return {
        ...define(name, {
          type: "object",
          description,
          properties: Object.fromEntries(
            Object.entries(properties).map(([key, value]) => [
              key,
              convert(value, `${name}${pascal(key)}`, key),
            ]),
          ),
          required: (js.required as string[] | undefined) ?? [],
        }),
        description,
      };
    }
    if (js.type === "object") {
      const values = (js.additionalProperties as Json | undefined) ?? {};
      return { type: "object", additionalProperties: convert(values, `${name}Value`, "value"), description };
    }
    if (js.type === "array") {
      const tuple = js.prefixItems as Json[] | undefined;
      const element = tuple?.[0] ?? (js.items as Json);
      if (tuple?.some((item) => JSON.stringify(item) !== JSON.stringify(element)))
        throw new Error(`${name}: a tuple of different element types has no Pulumi schema type`);
      const count = tuple === undefined ? "" : ` (exactly ${tuple.length})`;
      return {
        type: "array",
        items: convert(element, singular(name), "element"),
        description: `${description}${count}`,
      };
    }
    if (js.type === "string" || js.type === "integer" || js.type === "number" || js.type === "boolean") {
      return {
        type: js.type,
        description: describe(js, description),
        ...(js.default !== undefined && typeof js.default !== "object" ? { default: js.default } : {}),
      };
    }
    return { $ref: "pulumi.json#/Any", description };
  };

  const root = convert(
    z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json,
    rootName,
    rootDescription,
  );
  return { root, types };
}
