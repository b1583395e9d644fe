// The hand-written TypeScript SDK against the schema other languages' SDKs are generated from: the
// components' argument interfaces (parsed from sdk/src with the TypeScript compiler) must name the same
// inputs as the schema, with the same required-ness and types, and register the same outputs.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CONTROL_PLANE_TYPE, DATABASE_TYPE, POSTGRES_PAIR_TYPE } from "@pgaas/sdk";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { CONTROL_PLANE_TOKEN, DATABASE_TOKEN, POSTGRES_PAIR_TOKEN } from "../../src/plugin/components.js";
import { providerSchema } from "../../src/plugin/schema.js";

type Json = Record<string, unknown>;

const SDK_FILES = [
  "postgres-pair-args.ts",
  "native/types.ts",
  "database.ts",
  "postgres-pair.ts",
  "control-plane-args.ts",
  "control-plane.ts",
];
const sources = SDK_FILES.map((file) => {
  const path = fileURLToPath(new URL(`../../../sdk/src/${file}`, import.meta.url));
  return ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
});

/** SDK interface → the schema object type it stands for. */
const SCHEMA_TYPE_OF: Readonly<Record<string, string>> = {
  OpenStackPairArgs: "OpenStackPairArgs",
  GcpPairArgs: "GcpPairArgs",
  LocalPairArgs: "LocalPairArgs",
  DataVolumeGuardArgs: "DataVolumeGuardArgs",
  SshBastionInput: "SshBastion",
  PairBackupInput: "PairSpecBackup",
  PairControlPlaneInput: "PairControlPlane",
  PairRestoreFromInput: "PairSpecRestoreFrom",
  OpenStackControlPlaneArgs: "OpenStackControlPlaneArgs",
  GcpControlPlaneArgs: "GcpControlPlaneArgs",
  WitnessPortRange: "WitnessPortRange",
  ControlPlaneTlsInput: "ControlPlaneTls",
};

const schema = providerSchema();
const schemaTypes = schema.types as Record<string, Json>;

interface Shape {
  /** Property → its type in the comparison's words (string, number, array<…>, enum(…), ref(…), …). */
  readonly types: Record<string, string>;
  readonly required: string[];
}

function interfaceNamed(name: string): ts.InterfaceDeclaration {
  for (const source of sources) {
    for (const statement of source.statements) {
      if (ts.isInterfaceDeclaration(statement) && statement.name.text === name) return statement;
    }
  }
  throw new Error(`sdk/src has no interface ${name}`);
}

function sdkKind(node: ts.TypeNode): string {
  if (ts.isTypeReferenceNode(node)) {
    const name = node.typeName.getText();
    const args = node.typeArguments ?? [];
    if (name === "pulumi.Input" && args[0]) return sdkKind(args[0]);
    if (name === "Record" && args[1]) return `map<${sdkKind(args[1])}>`;
    return `ref(${SCHEMA_TYPE_OF[name] ?? name})`;
  }
  if (node.kind === ts.SyntaxKind.StringKeyword) return "string";
  if (node.kind === ts.SyntaxKind.NumberKeyword) return "number";
  if (node.kind === ts.SyntaxKind.BooleanKeyword) return "boolean";
  if (ts.isArrayTypeNode(node)) return `array<${sdkKind(node.elementType)}>`;
  if (ts.isTupleTypeNode(node)) {
    const kinds = new Set(node.elements.map((element) => sdkKind(element as ts.TypeNode)));
    return kinds.size === 1 ? `array<${[...kinds][0]}>` : "tuple of mixed types";
  }
  if (ts.isTypeLiteralNode(node)) return "object";
  if (ts.isParenthesizedTypeNode(node)) return sdkKind(node.type);
  if (ts.isUnionTypeNode(node)) {
    const literals = node.types.filter(
      (member) => ts.isLiteralTypeNode(member) && ts.isStringLiteral(member.literal),
    );
    if (literals.length === node.types.length) {
      const values = literals.map(
        (member) => ((member as ts.LiteralTypeNode).literal as ts.StringLiteral).text,
      );
      return `enum(${values.sort().join("|")})`;
    }
    if (node.types.every(ts.isTypeLiteralNode)) return "union";
  }
  return `unsupported ${node.getText()}`;
}

function sdkShape(name: string): Shape {
  const types: Record<string, string> = {};
  const required: string[] = [];
  for (const member of interfaceNamed(name).members) {
    if (!ts.isPropertySignature(member) || member.type === undefined) continue;
    const property = member.name.getText();
    types[property] = sdkKind(member.type);
    if (member.questionToken === undefined) required.push(property);
  }
  return { types, required: required.sort() };
}

function schemaKind(property: Json): string {
  if (typeof property.$ref === "string") {
    const token = property.$ref.replace("#/types/", "");
    const type = schemaTypes[token];
    if (type === undefined) return `dangling ${token}`;
    if (Array.isArray(type.enum)) {
      const values = (type.enum as { value: string }[]).map((item) => item.value);
      return `enum(${values.sort().join("|")})`;
    }
    const name = token.replace("pgaas:index:", "");
    return Object.values(SCHEMA_TYPE_OF).includes(name) ? `ref(${name})` : "object";
  }
  if (Array.isArray(property.oneOf)) return "union";
  switch (property.type) {
    case "string":
      return "string";
    case "integer":
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    case "array":
      return `array<${schemaKind(property.items as Json)}>`;
    case "object":
      return property.additionalProperties
        ? `map<${schemaKind(property.additionalProperties as Json)}>`
        : "object";
    default:
      return `unsupported ${JSON.stringify(property)}`;
  }
}

function schemaShape(properties: Record<string, Json>, required: readonly string[]): Shape {
  return {
    types: Object.fromEntries(
      Object.entries(properties).map(([name, property]) => [name, schemaKind(property)]),
    ),
    required: [...required].sort(),
  };
}

/** The keys of the object literal a function of sdk/src returns (the outputs a component registers). */
function returnedKeys(functionName: string): string[] {
  for (const source of sources) {
    for (const statement of source.statements) {
      if (!ts.isFunctionDeclaration(statement) || statement.name?.text !== functionName) continue;
      const returned = statement.body?.statements.find(ts.isReturnStatement)?.expression;
      if (returned === undefined || !ts.isObjectLiteralExpression(returned)) break;
      return returned.properties.map((property) => property.name?.getText() ?? "").sort();
    }
  }
  throw new Error(`sdk/src has no function ${functionName} returning an object literal`);
}

describe("the TypeScript SDK's components match the schema", () => {
  const resources = schema.resources as Record<
    string,
    { inputProperties: Record<string, Json>; requiredInputs: string[]; properties: Record<string, Json> }
  >;

  it("uses the schema's tokens", () => {
    expect([POSTGRES_PAIR_TYPE, DATABASE_TYPE, CONTROL_PLANE_TYPE]).toEqual([
      POSTGRES_PAIR_TOKEN,
      DATABASE_TOKEN,
      CONTROL_PLANE_TOKEN,
    ]);
  });

  it.each([
    ["PostgresPairArgs", POSTGRES_PAIR_TOKEN],
    ["DatabaseArgs", DATABASE_TOKEN],
    ["ControlPlaneArgs", CONTROL_PLANE_TOKEN],
  ])("%s: the inputs of %s", (sdkInterface, token) => {
    const component = resources[token];
    if (component === undefined) throw new Error(`the schema has no ${token}`);
    expect(sdkShape(sdkInterface)).toEqual(schemaShape(component.inputProperties, component.requiredInputs));
  });

  it.each(Object.entries(SCHEMA_TYPE_OF))("%s: the object type %s", (sdkInterface, schemaType) => {
    const type = schemaTypes[`pgaas:index:${schemaType}`];
    if (type === undefined) throw new Error(`the schema has no type ${schemaType}`);
    expect(sdkShape(sdkInterface)).toEqual(
      schemaShape(type.properties as Record<string, Json>, (type.required as string[] | undefined) ?? []),
    );
  });

  it.each([
    ["postgresPairOutputs", POSTGRES_PAIR_TOKEN],
    ["databaseOutputs", DATABASE_TOKEN],
    ["controlPlaneOutputs", CONTROL_PLANE_TOKEN],
  ])("%s: the outputs of %s", (functionName, token) => {
    expect(returnedKeys(functionName)).toEqual(Object.keys(resources[token]?.properties ?? {}).sort());
  });

  it("sees a drift: a renamed input fails the comparison", () => {
    const component = resources[POSTGRES_PAIR_TOKEN];
    if (component === undefined) throw new Error("no PostgresPair");
    const { clientCidrs, ...rest } = component.inputProperties;
    const drifted = schemaShape({ ...rest, clientCidr: clientCidrs as Json }, ["clientCidr"]);
    expect(sdkShape("PostgresPairArgs")).not.toEqual(drifted);
  });
});
