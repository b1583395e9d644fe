import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ReportsPage } from "../src/features/reports/ReportsPage.js";
import { freezeClock } from "./support/clock.js";
import { fakeApi, ok } from "./support/fake-api.js";
import { database, emptyReport, IDS, pair } from "./support/fixtures.js";

freezeClock();

const TO = "2026-11-29T22:00:00.000Z";
const range = (from: string) => `from=${encodeURIComponent(from)}&to=${encodeURIComponent(TO)}`;
const HOUR_AGO = "2026-11-29T21:00:00.000Z";
const WEEK_AGO = "2026-11-22T22:00:00.000Z";

describe("reports", () => {
  it("reports on the first database, then on what and how far back the user picks", async () => {
    const api = fakeApi()
      .on("GET", "/v1/databases", ok({ databases: [database()] }))
      .on("GET", "/v1/pairs", ok({ pairs: [pair()] }))
      .on(
        "GET",
        `/v1/reports/databases/${IDS.database}?${range(HOUR_AGO)}`,
        ok(emptyReport("database", IDS.database, "orders", HOUR_AGO, TO)),
      )
      .on(
        "GET",
        `/v1/reports/pairs/${IDS.pair}?${range(HOUR_AGO)}`,
        ok(emptyReport("pair", IDS.pair, "shop-eu", HOUR_AGO, TO)),
      )
      .on(
        "GET",
        `/v1/reports/pairs/${IDS.pair}?${range(WEEK_AGO)}`,
        ok(emptyReport("pair", IDS.pair, "shop-eu", WEEK_AGO, TO)),
      );
    render(<ReportsPage />);
    expect(await screen.findByRole("heading", { name: "Database orders" })).toBeVisible();
    expect(screen.getByRole("link", { name: "Download CSV" })).toHaveAttribute(
      "href",
      `/v1/reports/databases/${IDS.database}?${range(HOUR_AGO)}&format=csv`,
    );

    const events = userEvent.setup();
    await events.selectOptions(screen.getByLabelText("Report on"), "pair shop-eu");
    expect(await screen.findByRole("heading", { name: "Pair shop-eu" })).toBeVisible();
    await events.selectOptions(screen.getByLabelText("Time range"), "Last 7 days");
    expect(
      await screen.findByText("2026-11-22 22:00:00 UTC – 2026-11-29 22:00:00 UTC", { exact: false }),
    ).toBeVisible();
    expect(screen.getByRole("link", { name: "Printable page" })).toHaveAttribute(
      "href",
      `/v1/reports/pairs/${IDS.pair}?${range(WEEK_AGO)}&format=html`,
    );
    expect(api.requests).toEqual([
      { method: "GET", path: "/v1/databases" },
      { method: "GET", path: "/v1/pairs" },
      { method: "GET", path: `/v1/reports/databases/${IDS.database}?${range(HOUR_AGO)}` },
      { method: "GET", path: `/v1/reports/pairs/${IDS.pair}?${range(HOUR_AGO)}` },
      { method: "GET", path: `/v1/reports/pairs/${IDS.pair}?${range(WEEK_AGO)}` },
    ]);
  });

  it("counts points the same way in the header and on the charts, with dated axes", async () => {
    const at = (minute: number) => `2026-11-29T21:5${minute}:00.000Z`;
    const point = (minute: number, sizeBytes: number | null) => ({
      at: at(minute),
      sizeBytes,
      connections: 2,
      commitsPerSecond: 1,
      rollbacksPerSecond: 0,
      cacheHitRatio: 1,
      deadlocks: 0,
      tempBytes: 0,
      lagBytes: null,
      lagSeconds: null,
    });
    fakeApi()
      .on("GET", "/v1/databases", ok({ databases: [database()] }))
      .on("GET", "/v1/pairs", ok({ pairs: [] }))
      .on(
        "GET",
        `/v1/reports/databases/${IDS.database}?${range(HOUR_AGO)}`,
        ok({
          ...emptyReport("database", IDS.database, "orders", HOUR_AGO, TO),
          points: [point(0, 8192), point(1, null), point(2, 16_384)],
          summary: {
            ...emptyReport("database", IDS.database, "orders", HOUR_AGO, TO).summary,
            uptimeRatio: 1 - 56 / 3600,
            outages: [{ from: "2026-11-29T21:52:04.000Z", to: "2026-11-29T21:53:00.000Z", downSeconds: 56 }],
          },
        }),
      );
    const { container } = render(<ReportsPage />);
    expect(await screen.findByText(/3 points of /)).toBeVisible();
    // Uptime and the outage it misses, from the same figures.
    expect(screen.getByRole("row", { name: /^Uptime/ }).textContent).toBe("Uptime98.44 %");
    expect(
      [...screen.getByRole("table", { name: "Outages" }).querySelectorAll("tbody tr")].map(
        (row) => row.textContent,
      ),
    ).toEqual(["2026-11-29 21:52:04 UTC2026-11-29 21:53:00 UTC56.0 s"]);
    const caption = (chart: string) =>
      container.querySelector(`figure[data-chart="${chart}"] .chart-summary`)?.textContent;
    expect([caption("Size"), caption("Connections")]).toEqual([
      "2 of 3 points, latest 16.0 KiB",
      "3 points, latest 2",
    ]);
    const axis = [...container.querySelectorAll('figure[data-chart="Size"] text')].map(
      (label) => label.textContent,
    );
    // Round ticks: every five minutes, each with its date.
    expect(axis.filter((label) => label?.includes(":"))).toEqual([
      "11-29 21:50:00",
      "11-29 21:55:00",
      "11-29 22:00:00",
    ]);
    // The line does not pretend: the missing minute and the silent end are marked.
    const gaps = [...container.querySelectorAll('figure[data-chart="Size"] .chart-gap title')].map(
      (title) => title.textContent,
    );
    expect(gaps).toEqual([
      "No data 2026-11-29 21:51:00 UTC – 2026-11-29 21:52:00 UTC",
      "No data 2026-11-29 21:53:00 UTC – 2026-11-29 22:00:00 UTC",
    ]);
    // Size has a value on either side of the gap and is never drawn across it: two dots, no line.
    // Connections has all three: one line through them.
    const marks = (chart: string) => ({
      lines: [...container.querySelectorAll(`figure[data-chart="${chart}"] svg path`)].map((path) =>
        path.getAttribute("d")?.replace(/[\d.,]+/g, ""),
      ),
      dots: container.querySelectorAll(`figure[data-chart="${chart}"] svg circle`).length,
    });
    expect([marks("Size"), marks("Connections")]).toEqual([
      { lines: [], dots: 2 },
      { lines: ["MLL"], dots: 0 },
    ]);
    // A tooltip gives the time and value under the pointer (jsdom lays nothing out: x 0 is the first point).
    const hover = container.querySelector('figure[data-chart="Size"] .chart-hover') as Element;
    fireEvent.pointerMove(hover, { clientX: 0 });
    expect(screen.getByRole("tooltip").textContent).toBe("2026-11-29 21:50:00 UTCsize: 8.00 KiB");
    fireEvent.pointerLeave(hover);
    expect(screen.queryByRole("tooltip")).toBeNull();
  });
});
