import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { QueryInsights } from "../src/features/databases/QueryInsights.js";
import { failure, fakeApi, ok } from "./support/fake-api.js";
import { IDS, NO_STATEMENTS } from "./support/fixtures.js";

const PATH = `/v1/databases/${IDS.database}/insights`;
const statement = (query: string, calls: number, totalTimeMs: number) => ({
  queryId: String(calls),
  query,
  role: "orders",
  calls,
  totalTimeMs,
  meanTimeMs: totalTimeMs / calls,
  maxTimeMs: totalTimeMs,
  rows: calls * 2,
  cacheHitRatio: 0.995,
});
const SINCE = "2026-11-29T21:00:00.000Z";

describe("query insights", () => {
  it("lists the top statements by total time, and asks again by calls when chosen", async () => {
    const api = fakeApi()
      .on(
        "GET",
        `${PATH}?orderBy=total_time&limit=20`,
        ok({
          since: SINCE,
          orderBy: "total_time",
          statements: [
            statement("SELECT * FROM orders WHERE id = $1", 1200, 2400),
            statement("COMMIT", 5, 1),
          ],
        }),
      )
      .on(
        "GET",
        `${PATH}?orderBy=calls&limit=20`,
        ok({ since: SINCE, orderBy: "calls", statements: [statement("COMMIT", 5000, 40)] }),
      );
    render(<QueryInsights databaseId={IDS.database} />);
    const table = await screen.findByRole("table", { name: "Top statements" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((row) => [...row.querySelectorAll("th, td")].map((cell) => cell.textContent))).toEqual([
      ["SELECT * FROM orders WHERE id = $1", "orders", "1,200", "2.4 s", "2 ms", "2.4 s", "2,400", "99.5 %"],
      ["COMMIT", "orders", "5", "1 ms", "0 ms", "1 ms", "10", "99.5 %"],
    ]);
    expect(screen.getByText(/Counted since 2026-11-29 21:00:00 UTC/)).toBeVisible();
    await userEvent.setup().selectOptions(screen.getByLabelText("Top statements by"), "calls");
    expect(await screen.findByText("5,000")).toBeVisible();
    expect(api.requests.map((request) => request.path)).toEqual([
      `${PATH}?orderBy=total_time&limit=20`,
      `${PATH}?orderBy=calls&limit=20`,
    ]);
  });

  it("says when nothing is recorded yet, and shows a refusal", async () => {
    fakeApi().on("GET", `${PATH}?orderBy=total_time&limit=20`, ok(NO_STATEMENTS));
    const { unmount } = render(<QueryInsights databaseId={IDS.database} />);
    expect(await screen.findByText("No statements recorded yet")).toBeVisible();
    unmount();
    fakeApi().on(
      "GET",
      `${PATH}?orderBy=total_time&limit=20`,
      failure(503, "no_primary", "the pair has no writable primary right now"),
    );
    render(<QueryInsights databaseId={IDS.database} />);
    expect(await screen.findByRole("alert")).toHaveTextContent("no writable primary");
  });
});
