import type { Pair, ParameterMap, ParameterSpecView } from "@pgaas/api";
import { type FormEvent, useState } from "react";
import { Button } from "../../components/Button.js";
import { EmptyState } from "../../components/EmptyState.js";
import { MutationError } from "../../components/MutationError.js";
import { Notice } from "../../components/Notice.js";
import { ParameterFields } from "../../components/ParameterField.js";
import { QueryView } from "../../components/QueryView.js";
import { detailFieldErrors } from "../../lib/error-messages.js";
import { displayValue, pairSettingsChanges } from "../../lib/parameters.js";
import { useMutation } from "../../lib/use-query.js";
import { savePairSettings, usePairSettingsData } from "./api.js";

function PairSettingsForm({
  pair,
  catalog,
  onSaved,
}: {
  pair: Pair;
  catalog: readonly ParameterSpecView[];
  onSaved: () => void;
}) {
  const [draft, setDraft] = useState<Record<string, string>>(() =>
    Object.fromEntries(catalog.map((spec) => [spec.name, displayValue(pair.settings[spec.name])])),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const mutation = useMutation((settings: ParameterMap) => savePairSettings(pair.id, settings));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = pairSettingsChanges(catalog, pair.settings, draft);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    if (Object.keys(checked.changes).length === 0) {
      setErrors({ _form: "Nothing changed." });
      return;
    }
    setErrors({});
    if (await mutation.run(checked.changes)) onSaved();
  };

  const shown = {
    ...(mutation.state.status === "error" ? detailFieldErrors(mutation.state.error, "settings") : {}),
    ...errors,
  };
  const result = mutation.state.status === "success" ? mutation.state.result : null;
  const restartNodes = result?.nodes.filter((node) => node.pendingRestart.length > 0) ?? [];
  return (
    <form onSubmit={submit} noValidate aria-label={`Settings of pair ${pair.name}`} className="card">
      <h2>Pair {pair.name}</h2>
      <p className="muted">Set with ALTER SYSTEM on both nodes, then reloaded.</p>
      <MutationError state={mutation.state} />
      {result ? (
        <Notice tone={result.pendingRestart ? "info" : "success"}>
          Saved on both nodes.{" "}
          {restartNodes.length === 0
            ? "Everything is in effect."
            : `Restart needed: ${restartNodes.map((node) => `${node.node} (${node.pendingRestart.join(", ")})`).join("; ")}.`}
        </Notice>
      ) : null}
      {shown._form ? <p className="field-error">{shown._form}</p> : null}
      <div className="settings-grid">
        <ParameterFields
          catalog={catalog}
          stored={pair.settings}
          draft={draft}
          errors={shown}
          appliesWhen="Applied by a reload."
          onChange={(name, value) => setDraft((current) => ({ ...current, [name]: value }))}
        />
      </div>
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={mutation.state.status === "running"}>
          Save pair settings
        </Button>
      </div>
    </form>
  );
}

/** Pair-level PostgreSQL parameters of every pair, from the catalogue's `pair` list. */
export function PairSettingsPanel() {
  const query = usePairSettingsData();
  return (
    <QueryView query={query} loadingLabel="Loading pair settings…">
      {({ pairs, catalog }) =>
        pairs.length === 0 ? (
          <EmptyState title="No pairs registered" />
        ) : (
          pairs.map((pair) => (
            <PairSettingsForm key={pair.id} pair={pair} catalog={catalog.pair} onSaved={query.reload} />
          ))
        )
      }
    </QueryView>
  );
}
