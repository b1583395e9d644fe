// PostgreSQL parameters the control plane may change, with their type and range. Shared by the pair
// engine (which grants `ALTER SYSTEM ON PARAMETER` to pgaas_admin for PAIR_PARAMETERS) and the
// control plane (which validates requests against these specs before any SQL runs).

export type ParameterType = "integer" | "real" | "bool" | "enum";

export interface ParameterSpec {
  readonly name: string;
  readonly type: ParameterType;
  /** Inclusive bounds for integer/real, in PostgreSQL's base unit for the parameter. */
  readonly min?: number;
  readonly max?: number;
  /** PostgreSQL's base unit (pg_settings.unit), e.g. "ms", "kB", "8kB", "s", "MB". */
  readonly unit?: string;
  readonly values?: readonly string[];
  /** True when a change takes effect only after a server restart. */
  readonly restart: boolean;
  readonly description: string;
}

const DAY_MS = 86_400_000;
const FOUR_GB_KB = 4_194_304;

const timeoutMs = (name: string, description: string): ParameterSpec => ({
  name,
  type: "integer",
  min: 0,
  max: DAY_MS,
  unit: "ms",
  restart: false,
  description,
});

// Parameters both levels allow, defined once.
const WORK_MEM: ParameterSpec = {
  name: "work_mem",
  type: "integer",
  min: 64,
  max: FOUR_GB_KB,
  unit: "kB",
  restart: false,
  description: "Memory per sort/hash.",
};
const MAINTENANCE_WORK_MEM: ParameterSpec = {
  name: "maintenance_work_mem",
  type: "integer",
  min: 1024,
  max: FOUR_GB_KB,
  unit: "kB",
  restart: false,
  description: "Memory for VACUUM and CREATE INDEX.",
};
const RANDOM_PAGE_COST: ParameterSpec = {
  name: "random_page_cost",
  type: "real",
  min: 0,
  max: 1000,
  restart: false,
  description: "Planner cost of a random page.",
};

/** Set per database with `ALTER DATABASE … SET` (user-context parameters only). */
export const DATABASE_PARAMETERS: readonly ParameterSpec[] = [
  timeoutMs("statement_timeout", "Abort statements running longer than this (0 = off)."),
  timeoutMs("lock_timeout", "Abort waits for a lock longer than this (0 = off)."),
  timeoutMs("idle_in_transaction_session_timeout", "End sessions idle inside a transaction (0 = off)."),
  timeoutMs("idle_session_timeout", "End idle sessions (0 = off)."),
  WORK_MEM,
  MAINTENANCE_WORK_MEM,
  RANDOM_PAGE_COST,
  {
    name: "effective_io_concurrency",
    type: "integer",
    min: 0,
    max: 1000,
    restart: false,
    description: "Concurrent disk I/O the planner may assume.",
  },
  {
    name: "default_statistics_target",
    type: "integer",
    min: 1,
    max: 10000,
    restart: false,
    description: "Default statistics detail for ANALYZE.",
  },
  {
    name: "default_transaction_isolation",
    type: "enum",
    values: ["read uncommitted", "read committed", "repeatable read", "serializable"],
    restart: false,
    description: "Isolation level of new transactions.",
  },
  { name: "jit", type: "bool", restart: false, description: "Allow JIT compilation." },
];

/** Set on both nodes of a pair with `ALTER SYSTEM` (the engine grants exactly these to pgaas_admin). */
export const PAIR_PARAMETERS: readonly ParameterSpec[] = [
  {
    name: "max_connections",
    type: "integer",
    min: 10,
    max: 5000,
    restart: true,
    description: "Connection slots.",
  },
  {
    name: "shared_buffers",
    type: "integer",
    min: 2048,
    max: 134_217_728,
    unit: "8kB",
    restart: true,
    description: "Shared buffer cache.",
  },
  WORK_MEM,
  MAINTENANCE_WORK_MEM,
  {
    name: "effective_cache_size",
    type: "integer",
    min: 1,
    max: 2_147_483_647,
    unit: "8kB",
    restart: false,
    description: "Planner's assumption of the OS cache.",
  },
  RANDOM_PAGE_COST,
  {
    name: "max_wal_size",
    type: "integer",
    min: 32,
    max: 1_048_576,
    unit: "MB",
    restart: false,
    description: "WAL size that triggers a checkpoint.",
  },
  {
    name: "checkpoint_timeout",
    type: "integer",
    min: 30,
    max: 86_400,
    unit: "s",
    restart: false,
    description: "Time between checkpoints.",
  },
  {
    name: "log_min_duration_statement",
    type: "integer",
    min: -1,
    max: DAY_MS,
    unit: "ms",
    restart: false,
    description: "Log statements slower than this (-1 = off).",
  },
  timeoutMs("statement_timeout", "Server default statement timeout (0 = off)."),
  timeoutMs("idle_in_transaction_session_timeout", "Server default idle-in-transaction timeout (0 = off)."),
  { name: "log_connections", type: "bool", restart: false, description: "Log each connection." },
  { name: "log_disconnections", type: "bool", restart: false, description: "Log each disconnection." },
  { name: "track_io_timing", type: "bool", restart: false, description: "Time I/O calls for statistics." },
];

/** A parameter value as the API takes it; rendered to PostgreSQL's text form by `parameterText`. */
export type ParameterValue = string | number | boolean;

// PostgreSQL's units (case-sensitive, as in postgresql.conf): memory in bytes, time in milliseconds.
const MEMORY_UNITS: Readonly<Record<string, number>> = {
  B: 1,
  kB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
};
const TIME_UNITS: Readonly<Record<string, number>> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
const BASE_UNITS: Readonly<
  Record<string, { readonly units: Readonly<Record<string, number>>; readonly size: number }>
> = {
  B: { units: MEMORY_UNITS, size: 1 },
  kB: { units: MEMORY_UNITS, size: 1024 },
  "8kB": { units: MEMORY_UNITS, size: 8192 },
  MB: { units: MEMORY_UNITS, size: 1024 ** 2 },
  ms: { units: TIME_UNITS, size: 1 },
  s: { units: TIME_UNITS, size: 1000 },
  min: { units: TIME_UNITS, size: 60_000 },
};

/**
 * `30s`, `64MB`, `1.5h` or a bare number, in the parameter's base unit, rounded like PostgreSQL rounds
 * (to the nearest base unit). A reason instead when the text is no quantity or its unit does not fit.
 */
export function parseQuantity(
  spec: ParameterSpec,
  text: string,
): { ok: true; value: number } | { ok: false; reason: string } {
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(text);
  const base = spec.unit === undefined ? undefined : BASE_UNITS[spec.unit];
  if (match === null)
    return {
      ok: false,
      reason: `must be a number${base ? `, with a unit such as ${example(base.units)}` : ""}`,
    };
  const [, amount = "", unit = ""] = match;
  if (unit === "") return { ok: true, value: Number(amount) };
  if (base === undefined) return { ok: false, reason: "takes no unit" };
  const factor = base.units[unit];
  if (factor === undefined)
    return { ok: false, reason: `unknown unit "${unit}": use ${Object.keys(base.units).join(", ")}` };
  const value = (Number(amount) * factor) / base.size;
  return { ok: true, value: spec.type === "integer" ? Math.round(value) : value };
}

const example = (units: Readonly<Record<string, number>>) => (units === TIME_UNITS ? "30s" : "64MB");

/** Checks a value against its spec; returns the text PostgreSQL receives or a reason it was refused. */
export function checkParameter(
  spec: ParameterSpec,
  value: ParameterValue,
): { ok: true; text: string } | { ok: false; reason: string } {
  switch (spec.type) {
    case "bool":
      if (typeof value === "boolean") return { ok: true, text: value ? "on" : "off" };
      return { ok: false, reason: "must be true or false" };
    case "enum":
      if (typeof value === "string" && spec.values?.includes(value)) return { ok: true, text: value };
      return { ok: false, reason: `must be one of: ${(spec.values ?? []).join(", ")}` };
    case "integer":
    case "real": {
      if (typeof value === "string") {
        const parsed = parseQuantity(spec, value);
        if (!parsed.ok) return parsed;
        return checkParameter(spec, parsed.value);
      }
      const isNumber = typeof value === "number" && Number.isFinite(value);
      if (!isNumber || (spec.type === "integer" && !Number.isInteger(value))) {
        return { ok: false, reason: spec.type === "integer" ? "must be an integer" : "must be a number" };
      }
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
        return {
          ok: false,
          reason: `must be between ${spec.min} and ${spec.max}${spec.unit ? ` (${spec.unit})` : ""}`,
        };
      }
      return { ok: true, text: String(value) };
    }
    default: {
      const unknownType: never = spec.type;
      return { ok: false, reason: `unknown parameter type ${String(unknownType)}` };
    }
  }
}
