// Until when a deleted database stays restorable: the retention.full-th scheduled full backup after
// the deletion, from the schedule and retention the pair's agents report.
import { describe, expect, it } from "vitest";
import {
  deletionRestorableText,
  deletionRestorableUntil,
  nextDueMinutes,
  parseCron,
} from "../src/wire/index.js";

const WEEKLY = { full: "0 1 * * 0", differential: "0 1 * * 1-6" };

describe("nextDueMinutes", () => {
  it("names the next runs strictly after the instant, in order", () => {
    const sunday = parseCron("0 1 * * 0");
    // Monday 2026-12-07 06:30 UTC: the next Sundays at 01:00 are the 13th, the 20th and the 27th.
    expect(nextDueMinutes(sunday, new Date("2026-12-07T06:30:00Z"), 3).map((d) => d.toISOString())).toEqual([
      "2026-12-13T01:00:00.000Z",
      "2026-12-20T01:00:00.000Z",
      "2026-12-27T01:00:00.000Z",
    ]);
    // Exactly at a run: that run is not after it.
    expect(nextDueMinutes(sunday, new Date("2026-12-13T01:00:00Z"), 1)[0]?.toISOString()).toBe(
      "2026-12-20T01:00:00.000Z",
    );
  });

  it("stops at its horizon for a schedule that names no reachable minute", () => {
    expect(nextDueMinutes(parseCron("0 0 31 2 *"), new Date("2026-12-07T00:00:00Z"), 1)).toEqual([]);
  });
});

describe("deletionRestorableUntil", () => {
  it("is the retention.full-th scheduled full backup after the deletion", () => {
    const deletedAt = new Date("2026-12-07T06:30:00Z");
    expect(
      deletionRestorableUntil(deletedAt, {
        schedule: WEEKLY,
        retention: { full: 2, differential: 6 },
      })?.toISOString(),
    ).toBe("2026-12-20T01:00:00.000Z");
    expect(
      deletionRestorableUntil(deletedAt, {
        schedule: { ...WEEKLY, full: "30 2 * * *" },
        retention: { full: 1, differential: 6 },
      })?.toISOString(),
    ).toBe("2026-12-08T02:30:00.000Z");
  });

  it("is unknown without a reported schedule and retention, and the words say why", () => {
    const deletedAt = new Date("2026-12-07T06:30:00Z");
    expect(deletionRestorableUntil(deletedAt, { schedule: WEEKLY })).toBeNull();
    expect(deletionRestorableUntil(deletedAt, null)).toBeNull();
    expect(deletionRestorableText(null, null)).toBe("not restorable: the pair reports no backups");
    expect(deletionRestorableText(null, { schedule: WEEKLY })).toBe(
      "restorable while the repository keeps a backup from before the deletion (the pair's agents report no schedule and retention)",
    );
    const never = { schedule: { ...WEEKLY, full: "0 0 31 2 *" }, retention: { full: 2, differential: 6 } };
    expect(deletionRestorableUntil(deletedAt, never)).toBeNull();
    expect(deletionRestorableText(null, never)).toBe(
      "restorable while the repository keeps a backup from before the deletion (the full backup schedule 0 0 31 2 * names too few runs in the next 800 days to say until when)",
    );
    const reported = { schedule: WEEKLY, retention: { full: 2, differential: 6 } };
    expect(deletionRestorableText(deletionRestorableUntil(deletedAt, reported), reported)).toBe(
      "restorable until 2026-12-20T01:00:00.000Z: retention keeps 2 full backups, so the 2 scheduled full backups after the deletion (0 1 * * 0, UTC) expire the last backup from before it; a full backup taken by hand brings this forward",
    );
  });
});
