// pgaas:index:Database — a database and its owner role, through the control-plane API (no network
// path to the database needed). Renaming or moving replaces; settings and the connection limit
// update in place; deletion honours `deletionProtection`; the owner password leaves only as a secret.
import {
  CreateDatabaseRequest,
  createDatabase,
  type DatabaseResponse,
  deleteDatabase,
  getDatabase,
  updateDatabase,
} from "@pgaas/api";
import { DATABASE_PARAMETERS } from "@pgaas/common/wire";
import { z } from "zod";
import { containsUnknowns, sameValue, unwrapSecrets, wireSecret } from "../plugin/wire-values.js";
import { controlPlaneFromConfig, unlessGone } from "./control-plane.js";
import { parseInputs, type ResourceHandler, schemaFailures, type WireProps } from "./resource-handler.js";

export const DATABASE_TOKEN = "pgaas:index:Database";

export const DatabaseInputs = z.object({
  pairId: CreateDatabaseRequest.shape.pairId,
  name: CreateDatabaseRequest.shape.name,
  owner: CreateDatabaseRequest.shape.owner,
  settings: z.record(z.string().max(63), z.string().max(200)).default({}),
  connectionLimit: z.number().int().min(-1).max(10_000).default(-1),
  deletionProtection: z.boolean().default(true),
});
export type DatabaseInputs = z.infer<typeof DatabaseInputs>;

/** Inputs whose change creates a new database (the old one is dropped). */
const DATABASE_REPLACE_KEYS = ["pairId", "name", "owner"] as const;
/** Inputs changed in place. */
const DATABASE_UPDATE_KEYS = ["settings", "connectionLimit", "deletionProtection"] as const;

type Database = z.infer<typeof DatabaseResponse>["database"];

/** The settings PATCH that turns `from` into `to`: changed values, and null for removed keys (RESET). */
export function settingsPatch(
  from: Readonly<Record<string, string>>,
  to: Readonly<Record<string, string>>,
): Record<string, string | number | boolean | null> {
  const patch: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(to))
    if (from[key] !== value) patch[key] = apiSettingValue(key, value);
  for (const key of Object.keys(from)) if (!(key in to)) patch[key] = null;
  return patch;
}

/**
 * A setting as the API takes it: Pulumi's schema carries strings, the control plane wants numbers for
 * integer/real parameters and booleans for bool ones (its parameter catalogue says which).
 */
export function apiSettingValue(name: string, value: string): string | number | boolean {
  const type = DATABASE_PARAMETERS.find((parameter) => parameter.name === name)?.type;
  if ((type === "integer" || type === "real") && value.trim() !== "" && Number.isFinite(Number(value)))
    return Number(value);
  if (type === "bool" && /^(on|true|yes|1)$/i.test(value)) return true;
  if (type === "bool" && /^(off|false|no|0)$/i.test(value)) return false;
  return value;
}

function apiSettings(settings: Readonly<Record<string, string>>): Record<string, string | number | boolean> {
  return Object.fromEntries(
    Object.entries(settings).map(([key, value]) => [key, apiSettingValue(key, value)]),
  );
}

function stringSettings(settings: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(Object.entries(settings).map(([key, value]) => [key, String(value)]));
}

/** Settings as the control plane will echo them ("on" → "true"), so a diff after read is empty. */
function canonicalSettings(settings: unknown): unknown {
  if (typeof settings !== "object" || settings === null || Array.isArray(settings)) return settings ?? {};
  return Object.fromEntries(
    Object.entries(settings).map(([key, value]) => [
      key,
      typeof value === "string" ? String(apiSettingValue(key, value)) : value,
    ]),
  );
}

/** Wire state of a database: inputs as given plus what the control plane reports. */
function stateOf(
  database: Database,
  inputs: DatabaseInputs,
  secrets: { ownerPassword: unknown; connectionUri: unknown },
): WireProps {
  return {
    pairId: database.pairId,
    name: database.name,
    owner: database.owner,
    settings: stringSettings(database.settings),
    connectionLimit: database.connectionLimit,
    deletionProtection: inputs.deletionProtection,
    ownerPassword: secrets.ownerPassword,
    connectionUri: secrets.connectionUri,
  };
}

/** Old state's inputs as they would read back from a GET (for diffs and imports). */
function effectiveOwner(props: WireProps): unknown {
  return props.owner ?? props.name;
}

export function diffDatabase(
  olds: WireProps,
  news: WireProps,
): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const checked = DatabaseInputs.safeParse(unwrapSecrets(news));
  const next: WireProps = checked.success
    ? { ...checked.data, owner: checked.data.owner ?? checked.data.name }
    : { ...news, owner: effectiveOwner(news) };
  const previous: WireProps = {
    ...olds,
    owner: effectiveOwner(olds),
    settings: olds.settings ?? {},
    connectionLimit: olds.connectionLimit ?? -1,
  };
  const differs = (key: string) => containsUnknowns(next[key]) || !sameValue(previous[key], next[key]);
  const replaces = DATABASE_REPLACE_KEYS.filter(differs);
  const updates = DATABASE_UPDATE_KEYS.filter(differs);
  return {
    changes: replaces.length + updates.length > 0,
    replaces: [...replaces],
    // Same name on the same pair cannot exist twice: drop the old one first.
    deleteBeforeReplace: replaces.length > 0 && !replaces.includes("name") && !replaces.includes("pairId"),
  };
}

export const databaseHandler: ResourceHandler = {
  token: DATABASE_TOKEN,
  usesControlPlane: true,

  async check(_olds, news) {
    const failures = schemaFailures(DatabaseInputs, news);
    const inputs = {
      ...news,
      settings: canonicalSettings(news.settings),
      connectionLimit: news.connectionLimit ?? -1,
      deletionProtection: news.deletionProtection ?? true,
    };
    return { inputs, failures };
  },

  async diff(_id, olds, news) {
    return diffDatabase(olds, news);
  },

  async create(props, ctx) {
    const inputs = parseInputs(DatabaseInputs, props);
    const api = controlPlaneFromConfig(ctx.config, `Database ${inputs.name}`);
    const created = await api(createDatabase, {
      body: {
        pairId: inputs.pairId,
        name: inputs.name,
        owner: inputs.owner,
        settings: apiSettings(inputs.settings),
        connectionLimit: inputs.connectionLimit,
      },
    });
    ctx.log.info("database created", { database: created.database.name, id: created.database.id });
    return {
      id: created.database.id,
      outs: stateOf(created.database, inputs, {
        ownerPassword: wireSecret(created.credentials.password),
        connectionUri: wireSecret(created.connectionUri),
      }),
    };
  },

  async read(id, props, ctx) {
    const api = controlPlaneFromConfig(ctx.config, `Database ${String(props.name ?? id)}`);
    const found = await unlessGone(api(getDatabase, { params: { id } }));
    if (found === undefined || found.database.state === "deleted") return {};
    const { database } = found;
    const deletionProtection =
      typeof props.deletionProtection === "boolean" ? props.deletionProtection : true;
    const state = stateOf(
      database,
      { ...DatabaseInputs.parse({ pairId: database.pairId, name: database.name }), deletionProtection },
      {
        ownerPassword: props.ownerPassword,
        connectionUri: props.connectionUri,
      },
    );
    const inputs: WireProps = {
      pairId: state.pairId,
      name: state.name,
      owner: state.owner,
      settings: state.settings,
      connectionLimit: state.connectionLimit,
      deletionProtection,
    };
    return { id, props: state, inputs };
  },

  async update(id, olds, news, ctx) {
    const inputs = parseInputs(DatabaseInputs, news);
    const api = controlPlaneFromConfig(ctx.config, `Database ${inputs.name}`);
    const oldSettings = stringSettings(
      (unwrapSecrets(olds.settings) as Record<string, unknown> | undefined) ?? {},
    );
    const patch = settingsPatch(oldSettings, inputs.settings);
    const body: { settings?: Record<string, string | number | boolean | null>; connectionLimit?: number } =
      {};
    if (Object.keys(patch).length > 0) body.settings = patch;
    if (olds.connectionLimit !== inputs.connectionLimit) body.connectionLimit = inputs.connectionLimit;
    const { database } =
      Object.keys(body).length > 0
        ? await api(updateDatabase, { params: { id }, body })
        : await api(getDatabase, { params: { id } });
    ctx.log.info("database updated", { database: database.name, id, changed: Object.keys(body) });
    return {
      outs: stateOf(database, inputs, {
        ownerPassword: olds.ownerPassword,
        connectionUri: olds.connectionUri,
      }),
    };
  },

  async delete(id, props, ctx) {
    const name = String(props.name ?? id);
    if (props.deletionProtection !== false) {
      throw new Error(
        `Database ${name} has deletionProtection enabled: set deletionProtection: false and run \`pulumi up\` before deleting or replacing it`,
      );
    }
    const api = controlPlaneFromConfig(ctx.config, `Database ${name}`);
    await unlessGone(api(deleteDatabase, { params: { id }, body: { confirm: name } }));
    ctx.log.info("database deleted", { database: name, id });
  },
};
