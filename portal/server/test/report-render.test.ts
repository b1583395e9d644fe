// Pure: the printed report (HTML with its charts) and the CSV's file name.
import { describe, expect, it } from "vitest";
import { reportCsvFilename, reportHtml } from "../src/services/report-render.js";

describe("reports", () => {
  it("prints a designed report: formatted figures, round dated ticks, gaps marked, outages listed", () => {
    const point = (at: string, sizeBytes: number | null) => ({
      at,
      sizeBytes,
      connections: 3,
      commitsPerSecond: 1.5,
      rollbacksPerSecond: 0,
      cacheHitRatio: 0.995,
      deadlocks: 0,
      tempBytes: 0,
      lagBytes: null,
      lagSeconds: null,
    });
    const html = reportHtml({
      subject: { kind: "database", id: "00000000-0000-4000-8000-000000000000", name: "shop<1>" },
      from: "2026-11-29T10:00:00.000Z",
      to: "2026-11-29T11:00:00.000Z",
      bucketSeconds: 60,
      // Size at 10:00 and 10:01, then nothing until 10:30 (the agent was silent).
      points: [
        point("2026-11-29T10:00:00.000Z", 8192),
        point("2026-11-29T10:01:00.000Z", 7_549_747),
        point("2026-11-29T10:30:00.000Z", null),
      ],
      summary: {
        sizeGrowthBytes: 7_541_555,
        maxConnections: 3,
        commitsPerSecond: 1.5,
        rollbacksPerSecond: 0,
        cacheHitRatio: 0.995,
        deadlocks: 0,
        tempBytes: 0,
        maxLagBytes: null,
        maxLagSeconds: null,
        uptimeRatio: 1 - 3 / 3600,
        outages: [{ from: "2026-11-29T10:20:00.000Z", to: "2026-11-29T10:20:03.000Z", downSeconds: 3 }],
        failovers: 1,
        degradedPeriods: [{ from: "2026-11-29T10:00:30.000Z", to: "2026-11-29T10:01:30.000Z" }],
      },
    });
    const fragments = [
      "<h1>Database shop&lt;1&gt;</h1>",
      '<p class="meta">2026-11-29 10:00 UTC – 2026-11-29 11:00 UTC · 3 points, one per 1 min · all times UTC</p>',
      // 99.9166… % rounded down, never up to 100 %.
      '<tr><th scope="row">Uptime</th><td>99.91 %</td></tr>',
      '<tr><th scope="row">Outages</th><td>1, 3 s down</td></tr>',
      '<tr><th scope="row">Degraded periods</th><td>1, 1 min in total</td></tr>',
      '<tr><th scope="row">Size growth</th><td>7.2 MiB</td></tr>',
      "<tr><td>2026-11-29 10:20:00 UTC</td><td>2026-11-29 10:20:03 UTC</td><td>3 s</td></tr>",
      "<tr><td>2026-11-29 10:00:30 UTC</td><td>2026-11-29 10:01:30 UTC</td><td>1 min</td></tr>",
      "<tr><td>2026-11-29 10:01 UTC</td><td>7.2 MiB</td><td>3</td><td>1.50</td><td>0.00</td><td>99.50 %</td><td>0</td><td>0 B</td></tr>",
      // Round binary ticks (0, 2, 4, 6, 8 MiB) and round, dated time ticks every 15 minutes.
      '<text x="64" y="142.0" dy="3" text-anchor="end">0 B</text>',
      '<text x="64" y="44.5" dy="3" text-anchor="end">6 MiB</text>',
      '<text x="70.0" y="164" text-anchor="middle">11-29 10:00</text>',
      '<text x="337.0" y="164" text-anchor="middle">11-29 10:30</text>',
      // The line covers 10:00–10:02 and stops; the rest of the hour is marked as without data.
      '<path d="M70.0,141.9L78.9,25.0"/>',
      '<rect class="gap" x="87.8" y="12" width="516.2" height="130"><title>No data 2026-11-29 10:02 UTC – 2026-11-29 11:00 UTC</title></rect>',
      ">no data</text>",
    ];
    expect(fragments.filter((fragment) => !html.includes(fragment))).toEqual([]);
    // A database has no replication of its own: that is the pair report's.
    expect(html).not.toMatch(/sizeBytes|uptimeRatio|T10:00:00|100\.00 %|[Rr]eplication/);
  });

  it("names the CSV after the subject and the range", () => {
    expect(
      reportCsvFilename({
        subject: { kind: "database", id: "00000000-0000-4000-8000-000000000000", name: "orders" },
        from: "2026-12-01T00:00:00.000Z",
        to: "2026-12-06T03:45:10.000Z",
        bucketSeconds: 3600,
        points: [],
        summary: {} as never,
      }),
    ).toBe("orders-20261201T0000Z-20261206T0345Z.csv");
  });
});
