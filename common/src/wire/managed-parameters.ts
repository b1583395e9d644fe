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
  /**
   * The server's value when nobody set one: PostgreSQL 15's default, in the base unit. Absent where
   * pgaas sizes it from the VM's memory (shared_buffers, work_mem, …), so no single value is true.
   */
  readonly default?: ParameterValue;
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
  default: 0,
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
  default: 4,
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
    default: 1,
    restart: false,
    description: "Concurrent disk I/O the planner may assume.",
  },
  {
    name: "default_statistics_target",
    type: "integer",
    min: 1,
    max: 10000,
    default: 100,
    restart: false,
    description: "Default statistics detail for ANALYZE.",
  },
  {
    name: "default_transaction_isolation",
    type: "enum",
    values: ["read uncommitted", "read committed", "repeatable read", "serializable"],
    default: "read committed",
    restart: false,
    description: "Isolation level of new transactions.",
  },
  { name: "jit", type: "bool", default: true, restart: false, description: "Allow JIT compilation." },
];

/** Set on both nodes of a pair with `ALTER SYSTEM` (the engine grants exactly these to pgaas_admin). */
export const PAIR_PARAMETERS: readonly ParameterSpec[] = [
  {
    name: "max_connections",
    type: "integer",
    min: 10,
    max: 5000,
    default: 100,
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
    default: 1024,
    restart: false,
    description: "WAL size that triggers a checkpoint.",
  },
  {
    name: "checkpoint_timeout",
    type: "integer",
    min: 30,
    max: 86_400,
    unit: "s",
    default: 300,
    restart: false,
    description: "Time between checkpoints.",
  },
  {
    name: "log_min_duration_statement",
    type: "integer",
    min: -1,
    max: DAY_MS,
    unit: "ms",
    default: 1000,
    restart: false,
    description: "Log statements slower than this; the slow-query view shows them (-1 = off).",
  },
  timeoutMs("statement_timeout", "Server default statement timeout (0 = off)."),
  timeoutMs("idle_in_transaction_session_timeout", "Server default idle-in-transaction timeout (0 = off)."),
  {
    name: "log_connections",
    type: "bool",
    default: false,
    restart: false,
    description: "Log each connection.",
  },
  {
    name: "log_disconnections",
    type: "bool",
    default: false,
    restart: false,
    description: "Log each disconnection.",
  },
  {
    name: "track_io_timing",
    type: "bool",
    default: false,
    restart: false,
    description: "Time I/O calls for statistics.",
  },
];

/** A parameter value as the API takes it; rendered to PostgreSQL's text form by `parameterText`. */
export type ParameterValue = string | number | boolean;

// PostgreSQL's units (case-sensitive, as in postgresql.conf), largest first like its conversion tables:
// memory in bytes, time in milliseconds.
const MEMORY_UNITS: Readonly<Record<string, number>> = {
  TB: 1024 ** 4,
  GB: 1024 ** 3,
  MB: 1024 ** 2,
  kB: 1024,
  B: 1,
};
const TIME_UNITS: Readonly<Record<string, number>> = {
  d: 86_400_000,
  h: 3_600_000,
  min: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
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

/** C's rint(): to the nearest integer, halves to the even one, which is how PostgreSQL rounds. */
function rint(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

// A number as strtod reads it (sign, fraction, exponent), then an optional unit, spaces around both.
const QUANTITY = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z]*)\s*$/;

/**
 * `30s`, `64MB`, `1.5h` or a bare number, in the parameter's base unit, read with PostgreSQL's rules
 * (guc.c parse_int/parse_real): a fraction of a unit is rounded to the next smaller unit, an integer
 * parameter's value to the nearest whole base unit. A reason instead when the text is no quantity or
 * its unit does not fit.
 */
export function parseQuantity(
  spec: ParameterSpec,
  text: string,
): { ok: true; value: number } | { ok: false; reason: string } {
  const match = QUANTITY.exec(text);
  const base = spec.unit === undefined ? undefined : BASE_UNITS[spec.unit];
  if (match === null)
    return {
      ok: false,
      reason: `must be a number${base ? `, with a unit such as ${example(base.units)}` : ""}`,
    };
  const [, amount = "", unit = ""] = match;
  let value = Number(amount);
  if (unit !== "") {
    if (base === undefined) return { ok: false, reason: "takes no unit" };
    const factor = base.units[unit];
    if (factor === undefined)
      return {
        ok: false,
        reason: `unknown unit "${unit}": use ${Object.keys(base.units).reverse().join(", ")}`,
      };
    const units = Object.values(base.units);
    const smaller = units[units.indexOf(factor) + 1];
    const scaled = value * factor;
    value = (smaller === undefined ? scaled : rint(scaled / smaller) * smaller) / base.size;
  }
  return { ok: true, value: spec.type === "integer" ? rint(value) : value };
}

const example = (units: Readonly<Record<string, number>>) => (units === TIME_UNITS ? "30s" : "64MB");

/**
 * A value in the parameter's base unit as PostgreSQL's SHOW writes it: in the largest unit that
 * divides it evenly (`5000` ms → `5s`, 16384 × 8kB → `128MB`); zero and negatives bare.
 */
export function formatQuantity(spec: ParameterSpec, value: number): string {
  const base = spec.unit === undefined ? undefined : BASE_UNITS[spec.unit];
  if (base === undefined || value <= 0 || !Number.isInteger(value)) return String(value);
  for (const [unit, factor] of Object.entries(base.units)) {
    const perUnit = factor / base.size;
    if (perUnit <= 1 || value % perUnit === 0) return `${rint(value / perUnit)}${unit}`;
  }
  return String(value);
}

/**
 * Checks a value against its spec; returns the text PostgreSQL receives and the value to keep (a
 * quantity with a unit in the base unit: `30s` → 30000), or a reason it was refused.
 */
export function checkParameter(
  spec: ParameterSpec,
  value: ParameterValue,
): { ok: true; text: string; value: ParameterValue } | { ok: false; reason: string } {
  switch (spec.type) {
    case "bool":
      if (typeof value === "boolean") return { ok: true, text: value ? "on" : "off", value };
      return { ok: false, reason: "must be true or false" };
    case "enum":
      if (typeof value === "string" && spec.values?.includes(value)) return { ok: true, text: value, value };
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
      return { ok: true, text: String(value), value };
    }
    default: {
      const unknownType: never = spec.type;
      return { ok: false, reason: `unknown parameter type ${String(unknownType)}` };
    }
  }
}
