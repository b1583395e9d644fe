// "Look at the pair as of …" on the Backups page (admins): the time is read as UTC and sent, the page
// shows the look running on the standby, then the databases at T with owner, size and rows; a
// database with a record links to its restore form prefilled with T, and the whole pair's Pulumi
// program is there; a refusal and a failed look are shown in words; members do not see it.
import type { PointInTimeLook } from "@pgaas/api";
import { act, fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { BackupsPage } from "../src/features/backups/BackupsPage.js";
import { DatabaseDetailPage } from "../src/features/databases/DatabaseDetailPage.js";
import { freezeClock } from "./support/clock.js";
import { databasePageApi } from "./support/database-page.js";
import { accepted, failure, fakeApi, ok } from "./support/fake-api.js";
import { connection, database, IDS, pair, pairBackups, user } from "./support/fixtures.js";

freezeClock();

const LOOK_PATH = `/v1/pairs/${IDS.pair}/point-in-time`;
const RECORDS_PATH = `/v1/databases?pairId=${IDS.pair}&includeDeleted=true`;
const T = "2026-11-29T21:30:15Z";
const DELETED_ID = "83e1b294-a5b6-41c2-b3d4-9cadbecfd0e8";
const BACKUPS = pairBackups();
const RUNNING: PointInTimeLook = {
  id: IDS.request,
  pairId: IDS.pair,
  nodeName: "node_b",
  onStandby: true,
  time: T,
  backup: null,
  state: "running",
  requestedAt: "2026-11-29T22:00:00.000Z",
  finishedAt: null,
  databases: null,
  databaseCount: null,
  durationMs: null,
  reason: null,
};
const DONE: PointInTimeLook = {
  ...RUNNING,
  state: "done",
  finishedAt: "2026-11-29T22:00:41.000Z",
  databases: [
    { name: "orders", owner: "orders", sizeBytes: 7_725_568, rowEstimate: 1500 },
    { name: "archive", owner: "archive_owner", sizeBytes: 8_388_608, rowEstimate: 42 },
    { name: "postgres", owner: "postgres", sizeBytes: 7_569_408, rowEstimate: 0 },
  ],
  databaseCount: 3,
  durationMs: 38_500,
};

async function openPage(role: "admin" | "member" = "admin") {
  const api = fakeApi()
    .on("GET", "/v1/pairs", ok({ pairs: [pair()] }))
    .on("GET", `/v1/pairs/${IDS.pair}/backups`, ok(BACKUPS));
  render(<BackupsPage user={user({ role })} />);
  await screen.findByRole("heading", { name: "shop-eu" });
  return { api, events: userEvent.setup() };
}

async function startLook(api: ReturnType<typeof fakeApi>, events: ReturnType<typeof userEvent.setup>) {
  await events.click(screen.getByText("Look at the pair as of …"));
  fireEvent.change(screen.getByLabelText("Point in time (UTC)", { selector: "[name=look-time]" }), {
    target: { value: "2026-11-29T21:30:15" },
  });
  const posting = api.hold("POST", LOOK_PATH);
  await events.click(screen.getByRole("button", { name: "Look at the pair" }));
  return posting;
}

describe("look at the pair as of a point in time", () => {
  it("sends the time as UTC, shows the look running on the standby, then the databases at T", async () => {
    const { api, events } = await openPage();
    api.on("GET", `${LOOK_PATH}/${IDS.request}`, ok({ look: RUNNING }));
    const posting = await startLook(api, events);
    await posting.release(accepted({ look: RUNNING }));
    expect(api.writes).toEqual([{ method: "POST", path: LOOK_PATH, body: { time: T } }]);
    expect(
      screen.getByText(/Restoring shop-eu as of .* into a scratch instance on the standby node_b/),
    ).toBeVisible();

    api.on("GET", `${LOOK_PATH}/${IDS.request}`, ok({ look: DONE })).on(
      "GET",
      RECORDS_PATH,
      ok({
        databases: [
          database(),
          database({ id: DELETED_ID, name: "archive", owner: "archive_owner", state: "deleted" }),
        ],
      }),
    );
    await act(() => vi.advanceTimersByTimeAsync(3000));
    const table = await screen.findByRole("table", { name: /Databases of shop-eu as of/ });
    const rows = within(table)
      .getAllByRole("row")
      .slice(1)
      .map((row) => [...row.querySelectorAll("th, td")].map((cell) => cell.textContent));
    expect(rows.map((cells) => cells.slice(0, 2).concat(cells.slice(3)))).toEqual([
      ["orders", "orders", "1,500", expect.stringMatching(/^Restore orders as of /)],
      ["archive", "archive_owner", "42", expect.stringMatching(/^Restore archive as of /)],
      ["postgres", "postgres", "0", "not managed by the portal"],
    ]);
    const restoreAt = `?restoreAt=${encodeURIComponent(T)}`;
    expect(within(table).getByRole("link", { name: /^Restore orders as of/ })).toHaveAttribute(
      "href",
      `/databases/${IDS.database}${restoreAt}`,
    );
    expect(within(table).getByRole("link", { name: /^Restore archive as of/ })).toHaveAttribute(
      "href",
      `/databases/${DELETED_ID}${restoreAt}`,
    );
    const snippet = document.querySelector('[data-snippet="look-restore-pair"]')?.textContent ?? "";
    expect(snippet).toContain(`time: "${T}"`);
    // Finished: no more polling.
    const asked = api.requests.filter((request) => request.path === `${LOOK_PATH}/${IDS.request}`).length;
    await act(() => vi.advanceTimersByTimeAsync(9000));
    expect(api.requests.filter((request) => request.path === `${LOOK_PATH}/${IDS.request}`)).toHaveLength(
      asked,
    );
  });

  it("shows a refusal in words, and a failed look with its reason and where it ran", async () => {
    const { api, events } = await openPage();
    const refused = await startLook(api, events);
    await refused.release(
      failure(409, "look_in_progress", "a look at this pair as of a point in time is already running"),
    );
    expect(screen.getByRole("alert")).toHaveTextContent(
      "A look at this pair as of a point in time is already running; wait for it to finish.",
    );

    const reason = "restore_time_before_oldest_backup: restorable from 2026-11-29T21:00:12.500Z";
    const failed: PointInTimeLook = {
      ...RUNNING,
      nodeName: "node_a",
      onStandby: false,
      state: "failed",
      finishedAt: "2026-11-29T22:00:05.000Z",
      reason,
    };
    api.on("GET", `${LOOK_PATH}/${IDS.request}`, ok({ look: failed }));
    const again = api.hold("POST", LOOK_PATH);
    await events.click(screen.getByRole("button", { name: "Look at the pair" }));
    await again.release(accepted({ look: { ...RUNNING, nodeName: "node_a", onStandby: false } }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent(/The look at shop-eu as of .* failed on node_a/);
    expect(alert).toHaveTextContent(reason);
  });

  it("is not offered to members", async () => {
    await openPage("member");
    expect(screen.queryByText("Look at the pair as of …")).toBeNull();
  });

  it("opens a database's restore form prefilled with T from the look's link", async () => {
    window.history.pushState(null, "", `/databases/${IDS.database}?restoreAt=${encodeURIComponent(T)}`);
    try {
      databasePageApi({ database: database(), pair: pair(), connection: connection() });
      render(<DatabaseDetailPage id={IDS.database} user={user()} />);
      await screen.findByRole("heading", { name: "orders", level: 1 });
      expect(screen.getByLabelText("Point in time (UTC)")).toHaveValue("2026-11-29T21:30:15");
    } finally {
      window.history.pushState(null, "", "/");
    }
  });
});
