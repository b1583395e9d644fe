import type { PairBackups } from "@pgaas/api";
import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { BackupsPage } from "../src/features/backups/BackupsPage.js";
import { freezeClock } from "./support/clock.js";
import { accepted, failure, fakeApi, ok } from "./support/fake-api.js";
import { IDS, pair, pairBackups, user } from "./support/fixtures.js";

freezeClock();

const BACKUPS_PATH = `/v1/pairs/${IDS.pair}/backups`;
const LOAD = [
  { method: "GET", path: "/v1/pairs" },
  { method: "GET", path: BACKUPS_PATH },
];
const BACKUPS = pairBackups();
const REQUEST = {
  id: "83e1b294-a5b6-41c2-b3d4-9cadbecfd0e8",
  pairId: IDS.pair,
  nodeName: "node_a",
  backupType: "diff",
  state: "pending",
  requestedAt: "2026-11-29T22:00:00.000Z",
  finishedAt: null,
  message: null,
};

async function openPage(backups: PairBackups = BACKUPS, role: "admin" | "member" = "admin") {
  const api = fakeApi()
    .on("GET", "/v1/pairs", ok({ pairs: [pair()] }))
    .on("GET", BACKUPS_PATH, ok(backups));
  render(<BackupsPage user={user({ role })} />);
  await screen.findByRole("heading", { name: "shop-eu" });
  expect(api.requests).toEqual(LOAD);
  return { api, events: userEvent.setup() };
}

describe("backups page", () => {
  it("shows the restorable range, the RPO and every backup newest first", async () => {
    await openPage();
    const facts = screen.getByRole("region", { name: "shop-eu" });
    expect(within(facts).getByText("Latest restorable time").nextSibling).toHaveTextContent(
      "2026-11-29 21:59:40 UTC",
    );
    expect(within(facts).getByText("Restorable from").nextSibling).toHaveTextContent(
      "2026-11-29 21:00:12 UTC",
    );
    expect(within(facts).getByText("RPO (archive lag)").nextSibling).toHaveTextContent("1 min 35 s");
    expect(facts.querySelector(".muted")).toHaveTextContent("reported by node_a 15 s ago");
    const rows = within(screen.getByRole("table", { name: "Backups" })).getAllByRole("row");
    expect(rows.map((row) => row.textContent)).toEqual([
      "BackupTypeFinishedTookDatabase sizeStoredWAL range",
      "20261129-210000F_20261129-213000Ddiff2026-11-29 21:30:03 UTC3.0 s51.0 MiB1.00 MiB000000030000000000000014 … 000000030000000000000014",
      "20261129-210000Ffull2026-11-29 21:00:12 UTC12.5 s50.0 MiB6.00 MiB000000030000000000000010 … 000000030000000000000010",
    ]);
  });

  it("takes a backup of the chosen type and shows the request", async () => {
    const { api, events } = await openPage();
    api.on("POST", BACKUPS_PATH, accepted({ request: REQUEST }));
    await events.selectOptions(screen.getByLabelText("Backup type"), "diff");
    api.on("GET", BACKUPS_PATH, ok({ ...BACKUPS, requests: [REQUEST] }));
    await events.click(screen.getByRole("button", { name: "Take backup now" }));
    expect(await screen.findByText(/diff on node_a, requested 2026-11-29 22:00:00 UTC/)).toBeVisible();
    expect(api.writes).toEqual([{ method: "POST", path: BACKUPS_PATH, body: { type: "diff" } }]);
  });

  it("says why a backup cannot start", async () => {
    const { api, events } = await openPage();
    api.on(
      "POST",
      BACKUPS_PATH,
      failure(409, "backup_in_progress", "a backup of this pair is already running"),
    );
    await events.click(screen.getByRole("button", { name: "Take backup now" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "A backup of this pair is already running; wait for it to finish.",
    );
  });

  it("offers no backup button to members, and explains a pair without an inventory", async () => {
    await openPage(
      { inventory: null, reportedAt: null, reportedBy: null, requests: [], lastVerification: null },
      "member",
    );
    expect(screen.getByText("No backup inventory reported")).toBeVisible();
    expect(screen.queryByRole("button", { name: "Take backup now" })).toBeNull();
  });

  it("reloads every 15 seconds", async () => {
    const { api } = await openPage();
    await act(() => vi.advanceTimersByTimeAsync(15_000));
    expect(api.requests).toEqual([...LOAD, ...LOAD]);
  });
});

describe("last verified restore", () => {
  const VERIFY_PATH = `${BACKUPS_PATH}/verify`;
  const PASSED = {
    at: "2026-11-29T04:31:12.000Z",
    ok: true,
    backup: "20261129-210000F",
    durationMs: 42_500,
    message: "restore check on node_b: backup 20261129-210000F restored, 3 databases answered",
  };

  it("shows when, which backup and how long the last check took", async () => {
    await openPage({ ...BACKUPS, lastVerification: PASSED });
    const region = screen.getByRole("region", { name: "shop-eu" });
    expect(within(region).getByRole("heading", { name: "Last verified restore" })).toBeVisible();
    expect(region.querySelector("[data-verified]")).toHaveTextContent(
      "restored 2026-11-29 04:31:12 UTC, backup 20261129-210000F, took 42.5 s",
    );
  });

  it("shows a failed check with its reason", async () => {
    await openPage({
      ...BACKUPS,
      lastVerification: {
        at: "2026-11-29T04:30:40.000Z",
        ok: false,
        backup: null,
        durationMs: 900,
        message: "restore check on node_b failed: no_backup: the pair shop-eu has no backup to verify",
      },
    });
    expect(document.querySelector('[data-verified="failed"]')).toHaveTextContent(
      "failed 2026-11-29 04:30:40 UTC, took 900 ms: restore check on node_b failed: no_backup: the pair shop-eu has no backup to verify",
    );
  });

  it("says when no check ran yet", async () => {
    await openPage();
    expect(screen.getByText("No restore check has run yet.")).toBeVisible();
  });

  it("lets an admin verify now and names the node that runs it", async () => {
    const { api, events } = await openPage();
    api.on(
      "POST",
      VERIFY_PATH,
      accepted({
        request: {
          id: REQUEST.id,
          pairId: IDS.pair,
          nodeName: "node_b",
          state: "pending",
          requestedAt: "2026-11-29T22:00:00.000Z",
          finishedAt: null,
          message: null,
        },
      }),
    );
    await events.click(screen.getByRole("button", { name: "Verify now" }));
    expect(await screen.findByText("Restore check requested on node_b.")).toBeVisible();
    expect(api.writes).toEqual([{ method: "POST", path: VERIFY_PATH, body: undefined }]);
  });

  it("says why a check cannot start", async () => {
    const { api, events } = await openPage();
    api.on(
      "POST",
      VERIFY_PATH,
      failure(409, "restore_check_in_progress", "a restore check is already running"),
    );
    await events.click(screen.getByRole("button", { name: "Verify now" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "A restore check of this pair is already running; wait for it to finish.",
    );
  });

  it("offers members no Verify now button", async () => {
    await openPage(BACKUPS, "member");
    expect(screen.queryByRole("button", { name: "Verify now" })).toBeNull();
    expect(screen.getByRole("heading", { name: "Last verified restore" })).toBeVisible();
  });
});

describe("restore the pair into a new pair", () => {
  it("gives an admin the Pulumi program for the latest restorable time", async () => {
    const { events } = await openPage();
    await events.click(screen.getByText("Restore the pair into a new pair"));
    expect(screen.getByLabelText("Point in time (ISO 8601 with zone)")).toHaveValue(
      "2026-11-29T21:59:40.000Z",
    );
    const code = document.querySelector('[data-snippet="restore-pair"]');
    expect(code?.textContent).toContain('    time: "2026-11-29T21:59:40.000Z",');
    expect(code?.textContent).toContain('    stanza: "shop-eu",');
    expect(screen.getByText(/The control plane cannot create VMs/)).toBeVisible();
  });

  it("names the range for a time the backups do not reach, and shows no program", async () => {
    const { events } = await openPage();
    await events.click(screen.getByText("Restore the pair into a new pair"));
    const field = screen.getByLabelText("Point in time (ISO 8601 with zone)");
    await events.clear(field);
    await events.type(field, "2026-11-29T20:00:00Z");
    expect(
      screen.getByText(
        "Outside what the backups reach: 2026-11-29T21:00:12.500Z to 2026-11-29T21:59:40.000Z.",
      ),
    ).toBeVisible();
    expect(document.querySelector('[data-snippet="restore-pair"]')).toBeNull();
  });

  it("refuses a time the engine's restoreFrom.time refuses (no seconds), and shows no program", async () => {
    const { events } = await openPage();
    await events.click(screen.getByText("Restore the pair into a new pair"));
    const field = screen.getByLabelText("Point in time (ISO 8601 with zone)");
    await events.clear(field);
    await events.type(field, "2026-11-29T21:30Z");
    expect(screen.getByText("An ISO 8601 time with its zone, e.g. 2026-12-07T06:15:00Z.")).toBeVisible();
    expect(document.querySelector('[data-snippet="restore-pair"]')).toBeNull();
  });

  it("is not offered to members", async () => {
    await openPage(BACKUPS, "member");
    expect(screen.queryByText("Restore the pair into a new pair")).toBeNull();
  });
});
