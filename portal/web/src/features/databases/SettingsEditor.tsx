import type { ParameterMap, ParameterSpecView } from "@pgaas/api";
import { ConnectionLimit, type Database } from "@pgaas/api";
import { type FormEvent, useState } from "react";
import { Button } from "../../components/Button.js";
import { TextField } from "../../components/fields.js";
import { MutationError } from "../../components/MutationError.js";
import { Notice } from "../../components/Notice.js";
import { ParameterFields } from "../../components/ParameterField.js";
import { detailFieldErrors, serverFieldErrors } from "../../lib/error-messages.js";
import { useFieldErrors } from "../../lib/form.js";
import { displayValue, settingsChanges } from "../../lib/parameters.js";
import { useMutation } from "../../lib/use-query.js";
import { update } from "./api.js";

/** Per-database parameters from the catalogue plus the connection limit; saves only what changed. */
export function SettingsEditor({
  database,
  catalog,
  pairSettings,
  onSaved,
}: {
  database: Database;
  catalog: readonly ParameterSpecView[];
  /** The pair's own settings: a database that sets nothing runs with them. */
  pairSettings: ParameterMap;
  onSaved: () => void;
}) {
  const initial = () =>
    Object.fromEntries(catalog.map((spec) => [spec.name, displayValue(database.settings[spec.name], spec)]));
  const [draft, setDraft] = useState<Record<string, string>>(initial);
  const [limit, setLimit] = useState(String(database.connectionLimit));
  const { errors, formRef, show } = useFieldErrors();
  // The server names each refused parameter (details.settings) and a refused limit: shown on its
  // field, focus moved there.
  const mutation = useMutation(async (body: Parameters<typeof update>[1]) => {
    try {
      return await update(database.id, body);
    } catch (error) {
      const refused = {
        ...detailFieldErrors(error, "settings"),
        ...serverFieldErrors(error, ["connectionLimit"]),
      };
      if (Object.keys(refused).length > 0) show(refused);
      throw error;
    }
  });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const settings = settingsChanges(catalog, database.settings, draft);
    const limitChanged = limit.trim() !== String(database.connectionLimit);
    const parsedLimit = ConnectionLimit.safeParse(limit.trim() === "" ? undefined : Number(limit.trim()));
    const fieldErrors: Record<string, string> = settings.ok ? {} : { ...settings.errors };
    if (limitChanged && !parsedLimit.success) {
      fieldErrors.connectionLimit = parsedLimit.error.issues[0]?.message ?? "Not valid.";
    }
    show(fieldErrors);
    if (!settings.ok || Object.keys(fieldErrors).length > 0) return;
    const body = {
      ...(Object.keys(settings.changes).length > 0 ? { settings: settings.changes } : {}),
      ...(limitChanged && parsedLimit.success ? { connectionLimit: parsedLimit.data } : {}),
    };
    if (Object.keys(body).length === 0) {
      show({ _form: "Nothing changed." });
      return;
    }
    if (await mutation.run(body)) onSaved();
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Database settings" ref={formRef}>
      <MutationError state={mutation.state} fields={["connectionLimit"]} />
      {mutation.state.status === "success" ? (
        <Notice>Settings saved and applied with ALTER DATABASE. New sessions use them.</Notice>
      ) : null}
      {errors._form ? <p className="field-error">{errors._form}</p> : null}
      <div className="settings-grid">
        <ParameterFields
          catalog={catalog}
          stored={database.settings}
          inherited={pairSettings}
          draft={draft}
          errors={errors}
          appliesWhen="Applies to new sessions."
          onChange={(name, value) => setDraft((current) => ({ ...current, [name]: value }))}
        />
        <TextField
          label="Connection limit"
          name="connectionLimit"
          inputMode="numeric"
          value={limit}
          onChange={(event) => setLimit(event.target.value)}
          hint="-1 for no limit."
          error={errors.connectionLimit}
        />
      </div>
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={mutation.state.status === "running"}>
          Save settings
        </Button>
      </div>
    </form>
  );
}
