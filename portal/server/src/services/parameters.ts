// Validates requested parameter values against a whitelist; every refusal is named in one error.
import { InputError } from "@pgaas/common";
import { checkParameter, type ParameterSpec, type ParameterValue } from "@pgaas/common/wire";

/** Returns [parameter, text] pairs sorted by name, or throws an InputError naming each bad parameter. */
export function validateParameters(
  specs: readonly ParameterSpec[],
  requested: Readonly<Record<string, ParameterValue>>,
): [string, string][] {
  const problems: Record<string, string> = {};
  const accepted: [string, string][] = [];
  for (const [name, value] of Object.entries(requested).sort(([a], [b]) => a.localeCompare(b))) {
    const spec = specs.find((candidate) => candidate.name === name);
    if (spec === undefined) {
      problems[name] = "not a parameter you may change";
      continue;
    }
    const checked = checkParameter(spec, value);
    if (checked.ok) accepted.push([name, checked.text]);
    else problems[name] = checked.reason;
  }
  if (Object.keys(problems).length > 0) {
    throw new InputError("invalid settings", { code: "invalid_settings", details: { settings: problems } });
  }
  return accepted;
}
