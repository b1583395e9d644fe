// The parameter catalogue and pair-level settings (ALTER SYSTEM on both nodes).
import { z } from "zod";
import { IdParams, ParameterMap, ParameterValue } from "./common.js";
import { defineRoute } from "./route.js";

export const ParameterSpecView = z.object({
  name: z.string(),
  type: z.enum(["integer", "real", "bool", "enum"]),
  min: z.number().optional(),
  max: z.number().optional(),
  unit: z.string().optional(),
  values: z.array(z.string()).optional(),
  /** PostgreSQL's default in the base unit; absent where pgaas sizes it from the VM's memory. */
  default: ParameterValue.optional(),
  restart: z.boolean(),
  description: z.string(),
});
export type ParameterSpecView = z.infer<typeof ParameterSpecView>;
export const ParameterCatalog = z.object({
  database: z.array(ParameterSpecView),
  pair: z.array(ParameterSpecView),
});
export type ParameterCatalog = z.infer<typeof ParameterCatalog>;

export const UpdatePairSettingsRequest = z.object({ settings: ParameterMap });
export type UpdatePairSettingsRequest = z.infer<typeof UpdatePairSettingsRequest>;
export const NodeSettingsResult = z.object({
  node: z.string(),
  /** Parameters PostgreSQL says need a restart on this node (pg_settings.pending_restart). */
  pendingRestart: z.array(z.string()),
});
export const PairSettingsResponse = z.object({
  settings: ParameterMap,
  nodes: z.array(NodeSettingsResult),
  pendingRestart: z.boolean(),
});
export type PairSettingsResponse = z.infer<typeof PairSettingsResponse>;

export const parameterCatalog = defineRoute({
  id: "parameterCatalog",
  method: "get",
  path: "/v1/settings/parameters",
  summary: "Parameters that may be changed per database and per pair, with type and range",
  tag: "settings",
  auth: "user",
  status: 200,
  response: ParameterCatalog,
});

export const updatePairSettings = defineRoute({
  id: "updatePairSettings",
  method: "put",
  path: "/v1/pairs/:id/settings",
  summary: "Set pair-level parameters on both nodes (ALTER SYSTEM, reload); reports pending restarts",
  tag: "settings",
  auth: "admin",
  params: IdParams,
  body: UpdatePairSettingsRequest,
  status: 200,
  response: PairSettingsResponse,
});
