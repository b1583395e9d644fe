// One catalogue parameter as a labelled form control: a select for on/off and enums, a text box
// for numbers, with its description, allowed range and current value as the hint. Where nothing is set,
// the hint and the "Server default" choice say what that default is.
import type { ParameterMap, ParameterSpecView } from "@pgaas/api";
import { describeDefault, describeRange, displayValue } from "../lib/parameters.js";
import { SelectField, TextField } from "./fields.js";

/** The value "" means "not set here": the server default. */
function ParameterField({
  spec,
  value,
  stored,
  serverDefault,
  error,
  onChange,
  appliesWhen,
}: {
  spec: ParameterSpecView;
  /** The value in force when this level sets none, in words (`0`, `30s, set for the pair`). */
  serverDefault: string;
  /** When a change of a parameter that needs no restart takes effect. */
  appliesWhen: string;
  value: string;
  stored: string;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  const hint = (
    <>
      {spec.description} Allowed: {describeRange(spec)}.{" "}
      {stored === "" ? `Currently the server default (${serverDefault}).` : `Currently ${stored}.`}
      {spec.restart ? " Takes effect after a restart." : ` ${appliesWhen}`}
    </>
  );
  if (spec.type === "bool" || spec.type === "enum") {
    const choices = spec.type === "bool" ? ["on", "off"] : (spec.values ?? []);
    return (
      <SelectField
        label={spec.name}
        name={spec.name}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        options={[
          { value: "", label: `Server default (${serverDefault})` },
          ...choices.map((choice) => ({ value: choice, label: choice })),
        ]}
        hint={hint}
        error={error}
      />
    );
  }
  return (
    <TextField
      label={spec.unit ? `${spec.name} (${spec.unit})` : spec.name}
      name={spec.name}
      inputMode={spec.type === "integer" ? "numeric" : "decimal"}
      placeholder="server default"
      value={value}
      onChange={(event) => onChange(event.target.value)}
      hint={hint}
      error={error}
      autoComplete="off"
    />
  );
}

/** One field per catalogue parameter; `draft` holds the typed text, `stored` the saved values. */
export function ParameterFields({
  catalog,
  stored,
  inherited = {},
  draft,
  errors,
  appliesWhen,
  onChange,
}: {
  catalog: readonly ParameterSpecView[];
  stored: ParameterMap;
  /** Values set a level up (the pair's, for a database's fields): they are this level's default. */
  inherited?: ParameterMap;
  draft: Readonly<Record<string, string>>;
  errors: Readonly<Record<string, string | undefined>>;
  appliesWhen: string;
  onChange: (name: string, value: string) => void;
}) {
  return catalog.map((spec) => (
    <ParameterField
      key={spec.name}
      appliesWhen={appliesWhen}
      spec={spec}
      value={draft[spec.name] ?? ""}
      stored={displayValue(stored[spec.name], spec)}
      serverDefault={describeDefault(spec, inherited[spec.name])}
      error={errors[spec.name]}
      onChange={(value) => onChange(spec.name, value)}
    />
  ));
}
