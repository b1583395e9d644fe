// The OpenAPI 3.1 document, generated from the route specs' zod schemas.

import { ErrorBody, openApiPath, type RouteSpec } from "@pgaas/api";
import { z } from "zod";

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
  }) as JsonSchema;
  return rest;
}

const ERROR_STATUSES: Record<string, string> = {
  "400": "Invalid input",
  "401": "Not signed in or invalid token",
  "403": "Not allowed",
  "404": "Not found",
  "409": "Conflict",
  "413": "Request body too large",
  "429": "Rate limited",
  "503": "Unavailable (e.g. no_primary)",
};

function parameters(route: RouteSpec): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [
    ["path", route.params],
    ["query", route.query],
  ] as const) {
    if (schema === undefined) continue;
    const object = jsonSchema(schema, "input") as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    for (const [name, property] of Object.entries(object.properties ?? {})) {
      out.push({
        name,
        in: where,
        required: where === "path" || (object.required ?? []).includes(name),
        schema: property,
      });
    }
  }
  return out;
}

function operation(route: RouteSpec): JsonSchema {
  const success: JsonSchema = { description: route.summary };
  // A route may answer only in an alternate type (a CSV download) and have no JSON body.
  const content: JsonSchema =
    route.response === undefined
      ? {}
      : { "application/json": { schema: jsonSchema(route.response, "output") } };
  for (const type of route.alternateContent ?? []) content[type] = { schema: { type: "string" } };
  if (Object.keys(content).length > 0) success.content = content;
  const errors = Object.fromEntries(
    Object.entries(ERROR_STATUSES).map(([status, description]) => [
      status,
      {
        description,
        content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorBody" } } },
      },
    ]),
  );
  return {
    operationId: route.id,
    summary: route.summary,
    tags: [route.tag],
    ...(route.auth === "public"
      ? { security: [] }
      : route.auth === "agent"
        ? { security: [{ bearer: [] }] }
        : {}),
    parameters: parameters(route),
    ...(route.body === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            content: { "application/json": { schema: jsonSchema(route.body, "input") } },
          },
        }),
    responses: { [String(route.status)]: success, ...errors },
  };
}

export function openApiDocument(routes: readonly RouteSpec[], version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operation(route) };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "pgaas control plane",
      version,
      description:
        "Lookup registry and database management for PostgreSQL pairs. Errors: {error:{code,message,details?},requestId}.",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }, { session: [] }],
    paths,
    components: {
      schemas: { ErrorBody: jsonSchema(ErrorBody, "output") },
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "API token (pgaas_api_…) or agent token (pgaas_agent_…)",
        },
        session: { type: "apiKey", in: "cookie", name: "pgaas_session" },
      },
    },
  };
}
