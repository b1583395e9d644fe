// A probe sends one hostile input and judges the answer: clean (refused or harmless, as intended),
// failure (wrong but no gain for the attacker, e.g. a 500), escalation (the attacker got something:
// a write, a read, a connection it must not have). Plaintext acceptance is counted apart, until TLS.
export type Outcome = "clean" | "failure" | "escalation";

export interface Verdict {
  readonly outcome: Outcome;
  /** Why, for anything not clean. */
  readonly detail?: string;
  /** This probe saw an unencrypted API request or database connection accepted. */
  readonly plaintext?: boolean;
}

export interface Probe {
  readonly group: string;
  readonly name: string;
  run(): Promise<Verdict>;
}

export interface ProbeResult extends Verdict {
  readonly group: string;
  readonly name: string;
}

export const clean = (plaintext = false): Verdict => ({
  outcome: "clean",
  ...(plaintext ? { plaintext } : {}),
});
export const failure = (detail: string): Verdict => ({ outcome: "failure", detail });
export const escalation = (detail: string): Verdict => ({ outcome: "escalation", detail });

/** Runs probes one after another (bounded: each request has its own timeout); a throw is a failure. */
export async function runProbes(probes: readonly Probe[]): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const probe of probes) {
    const verdict = await probe
      .run()
      .catch(
        (error: unknown): Verdict =>
          failure(`probe threw: ${error instanceof Error ? error.message : String(error)}`),
      );
    results.push({ group: probe.group, name: probe.name, ...verdict });
  }
  return results;
}

export interface Summary {
  readonly probes: number;
  readonly clean: number;
  readonly failures: number;
  readonly escalations: number;
  readonly plaintextAccepted: number;
}

export function summarize(results: readonly ProbeResult[]): Summary {
  return {
    probes: results.length,
    clean: results.filter((r) => r.outcome === "clean").length,
    failures: results.filter((r) => r.outcome === "failure").length,
    escalations: results.filter((r) => r.outcome === "escalation").length,
    plaintextAccepted: results.filter((r) => r.plaintext === true).length,
  };
}

/** The table (one row per group), the non-clean probes, and the RESULT line. */
export function renderReport(results: readonly ProbeResult[]): string {
  const groups = [...new Set(results.map((r) => r.group))];
  const rows = groups.map((group) => {
    const s = summarize(results.filter((r) => r.group === group));
    return [group, String(s.probes), String(s.clean), String(s.failures), String(s.escalations)];
  });
  const header = ["probe group", "count", "clean", "failures", "escalations"];
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ");
  const total = summarize(results);
  const lines = [
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    line(widths.map((w) => "-".repeat(w))),
    line([
      "total",
      String(total.probes),
      String(total.clean),
      String(total.failures),
      String(total.escalations),
    ]),
    "",
  ];
  for (const r of results.filter((r) => r.outcome !== "clean")) {
    lines.push(`${r.outcome.toUpperCase()} ${r.group} / ${r.name}: ${r.detail ?? ""}`);
  }
  lines.push(
    `RESULT probes=${total.probes} clean=${total.clean} escalations=${total.escalations} plaintext_accepted=${total.plaintextAccepted}`,
  );
  return `${lines.join("\n")}\n`;
}
