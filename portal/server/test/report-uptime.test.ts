// Pure: outages and uptime from rolled-up hours and raw outages.
import { describe, expect, it } from "vitest";
import { joinOutages, rolledOutages, uptimeRatio } from "../src/services/report-uptime.js";

describe("reports", () => {
  it("charges rolled-up hours with their missing seconds, joins touching outages, and derives uptime from them", () => {
    const hour = 3_600_000;
    const t0 = Date.parse("2026-11-01T10:00:00.000Z");
    // 10:00 fully up, 11:00 up 3240 s of 3600, 12:00 without any roll-up; the range starts at 10:30.
    const rolled = rolledOutages(
      new Map([
        [t0, 3600],
        [t0 + hour, 3240],
      ]),
      t0 + hour / 2,
      t0 + 3 * hour,
    );
    expect(rolled).toEqual([
      { from: "2026-11-01T11:00:00.000Z", to: "2026-11-01T12:00:00.000Z", downSeconds: 360 },
      { from: "2026-11-01T12:00:00.000Z", to: "2026-11-01T13:00:00.000Z", downSeconds: 3600 },
    ]);
    const raw = { from: "2026-11-01T13:00:00.000Z", to: "2026-11-01T13:00:30.000Z", downSeconds: 30 };
    const apart = { from: "2026-11-01T14:00:00.000Z", to: "2026-11-01T14:00:06.000Z", downSeconds: 6 };
    const joined = joinOutages([...rolled, raw, apart]);
    expect(joined).toEqual([
      { from: "2026-11-01T11:00:00.000Z", to: "2026-11-01T13:00:30.000Z", downSeconds: 3990 },
      apart,
    ]);
    expect([uptimeRatio(joined, 4 * 3600), uptimeRatio([], 60), uptimeRatio([], 0)]).toEqual([
      1 - 3996 / (4 * 3600),
      1,
      null,
    ]);
  });
});
