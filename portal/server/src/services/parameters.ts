// Validates requested parameter values against a whitelist; every refusal is named in one error.
import { InputError } from "@pgaas/common";
import { checkParameter, type ParameterSpec, type ParameterValue } from "@pgaas/common/wire";

/**
 * Returns [parameter, text for PostgreSQL, value to keep] sorted by name, or throws an InputError
 * naming each bad parameter. The kept value is normalised (`30s` → 30000), so what is stored and shown
 * later is one number in the base unit, whatever unit the caller wrote.
 */
export function validateParameters(
  specs: readonly ParameterSpec[],
  requested: Readonly<Record<string, ParameterValue>>,
): [string, string, ParameterValue][] {
  const problems: Record<string, string> = {};
  const accepted: [string, string, ParameterValue][] = [];
  for (const [name, value] of Object.entries(requested).sort(([a], [b]) => a.localeCompare(b))) {
    const spec = specs.find((candidate) => candidate.name === name);
    if (spec === undefined) {
      problems[name] = "not a parameter you may change";
      continue;
    }
    const checked = checkParameter(spec, value);
    if (checked.ok) accepted.push([name, checked.text, checked.value]);
    else problems[name] = checked.reason;
  }
  if (Object.keys(problems).length > 0) {
    throw new InputError("invalid settings", { code: "invalid_settings", details: { settings: problems } });
  }
  return accepted;
}

/** The kept values of `validateParameters`' answer, as the settings map to store. */
export function keptValues(
  accepted: readonly [string, string, ParameterValue][],
): Record<string, ParameterValue> {
  return Object.fromEntries(accepted.map(([name, , value]) => [name, value]));
}
