import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { SlowQueries } from "../src/features/databases/SlowQueries.js";
import { failure, fakeApi, ok } from "./support/fake-api.js";
import { IDS, NO_SLOW_QUERIES } from "./support/fixtures.js";

const PATH = `/v1/databases/${IDS.database}/slow-queries?limit=50`;

describe("slow queries", () => {
  it("lists the last day's slow statements newest first, with the normalised text only", async () => {
    fakeApi().on(
      "GET",
      PATH,
      ok({
        ...NO_SLOW_QUERIES,
        slowQueries: [
          {
            at: "2026-11-29T21:55:00.000Z",
            durationMs: 1206.3,
            user: "orders_b",
            node: "n1",
            queryId: "4886029646263231914",
            query: "SELECT pg_sleep($1), $2",
          },
          {
            at: "2026-11-29T20:00:00.000Z",
            durationMs: 65_000,
            user: "orders_ro_abc123",
            node: "n2",
            queryId: "-12",
            query: null,
          },
        ],
      }),
    );
    render(<SlowQueries databaseId={IDS.database} />);
    const table = await screen.findByRole("table", { name: "Slow statements" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((row) => [...row.querySelectorAll("th, td")].map((cell) => cell.textContent))).toEqual([
      ["SELECT pg_sleep($1), $2", "2026-11-29 21:55:00 UTC", "1.2 s", "orders_b", "n1"],
      [
        "(text no longer kept by pg_stat_statements)",
        "2026-11-29 20:00:00 UTC",
        "1 min 05 s",
        "orders_ro_abc123",
        "n2",
      ],
    ]);
    expect(screen.getByText(/The last 24 hours, newest first/)).toBeVisible();
  });

  it("says when nothing was slow, and shows a refusal", async () => {
    fakeApi().on("GET", PATH, ok(NO_SLOW_QUERIES));
    const { unmount } = render(<SlowQueries databaseId={IDS.database} />);
    expect(await screen.findByText("No slow statements")).toBeVisible();
    unmount();
    fakeApi().on("GET", PATH, failure(404, "database_not_found", "database not found"));
    render(<SlowQueries databaseId={IDS.database} />);
    expect(await screen.findByRole("alert")).toBeVisible();
  });
});
