// What every benchmark prints: a Markdown table (pasted into docs/benchmarks.md) and, last, one
// machine-readable RESULT line.

/** A Markdown table on stdout, columns padded to their widest cell. */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  process.stdout.write(`${line(header)}\n${line(widths.map((width) => "-".repeat(width)))}\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
}

/** The one machine-readable line a benchmark prints last: `RESULT key=value …` in the given order. */
export function printResult(fields: Readonly<Record<string, number | string>>): void {
  const pairs = Object.entries(fields).map(([key, value]) => `${key}=${value}`);
  process.stdout.write(`RESULT ${pairs.join(" ")}\n`);
}
