// The soak's output: a markdown table per fault kind and the final RESULT line.
import type { SoakResult } from "./run-soak.js";

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const stats = (values: readonly number[]) =>
  values.length === 0
    ? "–"
    : `${Math.min(...values).toFixed(1)} / ${median(values).toFixed(1)} / ${Math.max(...values).toFixed(1)}`;

export function soakTable(result: SoakResult): string {
  const kinds = [...new Set(result.faults.map((f) => f.kind))];
  const rows = kinds.map((kind) => {
    const of = result.faults.filter((f) => f.kind === kind);
    const healed = of.flatMap((f) => (f.healS === null ? [] : [f.healS]));
    return `| ${kind} | ${of.length} | ${stats(of.map((f) => f.outageS))} | ${stats(healed)} |`;
  });
  return [
    "| fault | count | write outage min / median / max (s) | back to healthy min / median / max (s) |",
    "|---|---|---|---|",
    ...rows,
  ].join("\n");
}

export function soakResultLine(result: SoakResult): string {
  const healed = result.faults.flatMap((f) => (f.healS === null ? [] : [f.healS]));
  return [
    "RESULT",
    `faults=${result.faults.length}`,
    `lost=${result.lost.length}`,
    `dual=${result.dual.length}`,
    `unhealed=${result.unhealed}`,
    `outage_median_s=${median(result.faults.map((f) => f.outageS)).toFixed(1)}`,
    `heal_median_s=${median(healed).toFixed(1)}`,
    `seed=${result.seed}`,
  ].join(" ");
}
