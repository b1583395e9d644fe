// Turns what a user typed for one parameter into the value the API takes, checked with the same
// `checkParameter` the server applies, so most mistakes never leave the page.
import type { ParameterMap, ParameterSpecView } from "@pgaas/api";
import { checkParameter, formatQuantity } from "@pgaas/common/wire";

export type ParameterValue = ParameterMap[string];

/**
 * Text typed in the form → the value `checkParameter` reads: a number stays text, so it is read with
 * PostgreSQL's rules (units such as `30s` or `64MB`, rounding) and sent in the base unit.
 */
function typedValue(spec: ParameterSpecView, text: string): ParameterValue {
  switch (spec.type) {
    case "integer":
    case "real":
      return text;
    case "bool":
      return text === "on" ? true : text === "off" ? false : text;
    case "enum":
      return text;
    default: {
      const unreachable: never = spec.type;
      return unreachable;
    }
  }
}

/**
 * How a stored value shows in the form: booleans as on/off; with its spec, a quantity as PostgreSQL's
 * SHOW writes it (`30s`, `4MB`); everything else as text.
 */
export function displayValue(value: ParameterValue | undefined, spec?: ParameterSpecView): string {
  if (value === undefined) return "";
  if (typeof value === "boolean") return value ? "on" : "off";
  if (typeof value === "number" && spec !== undefined) return formatQuantity(spec, value);
  return String(value);
}

/**
 * What "the server default" is for a parameter not set here: the value set a level up (the pair's,
 * for a database), else PostgreSQL's own default; pgaas sizes memory parameters from the VM.
 */
export function describeDefault(spec: ParameterSpecView, inherited: ParameterValue | undefined): string {
  if (inherited !== undefined) return `${displayValue(inherited, spec)}, set for the pair`;
  if (spec.default !== undefined) return displayValue(spec.default, spec);
  return "sized from the server's memory";
}

export function parseParameterInput(
  spec: ParameterSpecView,
  raw: string,
): { ok: true; value: ParameterValue } | { ok: false; error: string } {
  const text = raw.trim();
  if (text === "") return { ok: false, error: "enter a value or reset to the default" };
  const checked = checkParameter(spec, typedValue(spec, text));
  return checked.ok ? { ok: true, value: checked.value } : { ok: false, error: checked.reason };
}

/** The range line shown under a parameter: "1 – 2147483647 kB", "on/off", "one of a, b". */
export function describeRange(spec: ParameterSpecView): string {
  switch (spec.type) {
    case "bool":
      return "on or off";
    case "enum":
      return `one of ${(spec.values ?? []).join(", ")}`;
    default: {
      const unit = spec.unit ? ` ${spec.unit}` : "";
      if (spec.min !== undefined && spec.max !== undefined) return `${spec.min} – ${spec.max}${unit}`;
      if (spec.min !== undefined) return `at least ${spec.min}${unit}`;
      if (spec.max !== undefined) return `at most ${spec.max}${unit}`;
      return spec.type === "integer" ? `a whole number${unit}` : `a number${unit}`;
    }
  }
}

/**
 * The `settings` part of a PATCH: parameters whose draft differs from the stored value, null for
 * those cleared back to the default. Returns field errors instead when a draft value is invalid.
 */
export function settingsChanges(
  catalog: readonly ParameterSpecView[],
  current: ParameterMap,
  draft: Readonly<Record<string, string>>,
):
  | { ok: true; changes: Record<string, ParameterValue | null> }
  | { ok: false; errors: Record<string, string> } {
  const changes: Record<string, ParameterValue | null> = {};
  const errors: Record<string, string> = {};
  for (const spec of catalog) {
    const before = displayValue(current[spec.name]);
    const after = (draft[spec.name] ?? before).trim();
    if (after === before) continue;
    if (after === "") {
      changes[spec.name] = null;
      continue;
    }
    const parsed = parseParameterInput(spec, after);
    // `5s` typed over a stored 5000 (ms) is no change.
    if (parsed.ok && parsed.value !== current[spec.name]) changes[spec.name] = parsed.value;
    else if (!parsed.ok) errors[spec.name] = parsed.error;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, changes };
}

/**
 * The changed pair-level values, or field errors: a pair parameter cannot be cleared back to the
 * default here (ALTER SYSTEM RESET is not offered by the API), only set.
 */
export function pairSettingsChanges(
  catalog: readonly ParameterSpecView[],
  current: ParameterMap,
  draft: Readonly<Record<string, string>>,
): { ok: true; changes: ParameterMap } | { ok: false; errors: Record<string, string> } {
  const checked = settingsChanges(catalog, current, draft);
  if (!checked.ok) return checked;
  const errors: Record<string, string> = {};
  const changes: ParameterMap = {};
  for (const [name, value] of Object.entries(checked.changes)) {
    if (value === null) errors[name] = "cannot be cleared here; enter the value you want";
    else changes[name] = value;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, changes };
}
