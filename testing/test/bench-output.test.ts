// The benchmark output: a padded Markdown table and one RESULT line, exactly as docs/benchmarks.md takes them.
import { afterEach, describe, expect, it, vi } from "vitest";
import { printResult, printTable } from "../src/bench-output.js";

function captured(print: () => void): string {
  let text = "";
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    text += String(chunk);
    return true;
  });
  try {
    print();
  } finally {
    spy.mockRestore();
  }
  return text;
}

afterEach(() => vi.restoreAllMocks());

describe("bench output", () => {
  it("pads every column to its widest cell, header included", () => {
    expect(
      captured(() =>
        printTable(
          ["path", "p99 ms"],
          [
            ["direct", "12.5"],
            ["pooled via PgBouncer", "3"],
          ],
        ),
      ),
    ).toBe(
      [
        "| path                 | p99 ms |",
        "| -------------------- | ------ |",
        "| direct               | 12.5   |",
        "| pooled via PgBouncer | 3      |",
        "",
      ].join("\n"),
    );
  });

  it("prints the RESULT fields in the given order", () => {
    expect(captured(() => printResult({ outage_s: 1.25, resize_total_s: 40, rows_lost: 0, note: "x" }))).toBe(
      "RESULT outage_s=1.25 resize_total_s=40 rows_lost=0 note=x\n",
    );
  });
});
