// One catalogue parameter as a labelled form control: a select for on/off and enums, a text box
// for numbers, with its description, allowed range and current value as the hint.
import type { ParameterSpecView } from "@api/settings.js";
import { describeRange } from "../lib/parameters.js";
import { SelectField, TextField } from "./fields.js";

/** The value "" means "not set here": the server default. */
export function ParameterField({
  spec,
  value,
  stored,
  error,
  onChange,
  appliesWhen,
}: {
  spec: ParameterSpecView;
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
      {stored === "" ? "Currently the server default." : `Currently ${stored}.`}
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
          { value: "", label: "Server default" },
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
