// Restore on a database page: the form sends the new name and the point in time read as UTC, the new
// owner's password is shown once, a refusal names the restorable range; a deleted database restores
// to its deletion by default; a restored database shows its progress and why it failed.
import type { Database } from "@pgaas/api";
import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { DatabaseDetailPage } from "../src/features/databases/DatabaseDetailPage.js";
import { freezeClock } from "./support/clock.js";
import { DATABASE_PATH, databasePageApi } from "./support/database-page.js";
import { accepted, failure } from "./support/fake-api.js";
import { connection, database, IDS, pair, user } from "./support/fixtures.js";

freezeClock();

const RESTORE_PATH = `${DATABASE_PATH}/restore`;
const RESTORED_ID = "7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
const DELETED_AT = "2026-11-29T21:40:00.000Z";

async function openPage(shown: Database) {
  const api = databasePageApi({ database: shown, pair: pair(), connection: connection() });
  render(<DatabaseDetailPage id={IDS.database} user={user()} />);
  await screen.findByRole("heading", { name: shown.name, level: 1 });
  return { api, events: userEvent.setup() };
}

const restoreButton = () => screen.getByRole("button", { name: "Restore into a new database" });

describe("restore to a point in time", () => {
  it("sends the new name and the time as UTC, and shows the new owner's password once", async () => {
    const { api, events } = await openPage(database());
    expect(screen.getByRole("heading", { name: "Restore to a point in time" })).toBeVisible();
    fireEvent.change(screen.getByLabelText("Point in time (UTC)"), {
      target: { value: "2026-11-29T21:30:15" },
    });
    await events.type(screen.getByLabelText("New database name"), "orders_before");
    const restoring = api.hold("POST", RESTORE_PATH);
    await events.click(restoreButton());
    await restoring.release(
      accepted({
        database: database({
          id: RESTORED_ID,
          name: "orders_before",
          owner: "orders_before",
          state: "restoring",
          restoredFrom: IDS.database,
          restoreTarget: "2026-11-29T21:30:15.000Z",
        }),
        credentials: { username: "orders_before", password: "Wc4u8NyS3nXq7tLe" },
        connectionUri: "postgresql://orders_before:Wc4u8NyS3nXq7tLe@10.231.4.10:5432/orders_before",
        pooledConnectionUri: null,
        caCertificate: null,
      }),
    );
    expect(api.writes).toEqual([
      {
        method: "POST",
        path: RESTORE_PATH,
        body: { newName: "orders_before", time: "2026-11-29T21:30:15Z" },
      },
    ]);
    const secrets = Object.fromEntries(
      [...document.querySelectorAll("[data-secret]")].map((element) => [
        element.getAttribute("data-secret"),
        element.textContent,
      ]),
    );
    expect(secrets).toEqual({
      "connection-uri": "postgresql://orders_before:Wc4u8NyS3nXq7tLe@10.231.4.10:5432/orders_before",
      username: "orders_before",
      password: "Wc4u8NyS3nXq7tLe",
    });
    expect(screen.getByRole("link", { name: "Follow orders_before" })).toHaveAttribute(
      "href",
      `/databases/${RESTORED_ID}`,
    );
  });

  it("shows a refusal with the restorable range the server named", async () => {
    const { api, events } = await openPage(database());
    api.on(
      "POST",
      RESTORE_PATH,
      failure(
        400,
        "restore_time_before_oldest_backup",
        "2026-11-28T10:00:00.000Z is before the oldest backup: restorable from 2026-11-29T20:00:04.000Z to 2026-11-29T21:59:00.000Z",
        { restorableFrom: "2026-11-29T20:00:04.000Z", restorableTo: "2026-11-29T21:59:00.000Z" },
      ),
    );
    fireEvent.change(screen.getByLabelText("Point in time (UTC)"), { target: { value: "2026-11-28T10:00" } });
    await events.type(screen.getByLabelText("New database name"), "orders_old");
    await events.click(restoreButton());
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "That time is older than the pair's oldest backup. Choose a time in the restorable range." +
        "Server said: 2026-11-28T10:00:00.000Z is before the oldest backup: restorable from 2026-11-29T20:00:04.000Z to 2026-11-29T21:59:00.000ZRequest id: req-7f3a",
    );
    expect(api.writes.map((write) => write.body)).toEqual([
      { newName: "orders_old", time: "2026-11-28T10:00:00Z" },
    ]);
  });

  it("checks the new name before sending anything", async () => {
    const { api, events } = await openPage(database());
    await events.type(screen.getByLabelText("New database name"), "Orders Old");
    await events.click(restoreButton());
    expect(screen.getByLabelText("New database name")).toHaveAccessibleDescription(
      "Lower-case letters, digits and _, starting with a letter (at most 63). Upper case is not allowed: use a–z. Spaces are not allowed.",
    );
    expect(api.writes).toEqual([]);
  });
});

describe("restore a deleted database", () => {
  it("offers Restore, to just before the deletion by default", async () => {
    const { api, events } = await openPage(database({ state: "deleted", deletedAt: DELETED_AT }));
    expect(screen.getByRole("heading", { name: "Restore", level: 2 })).toBeVisible();
    expect(screen.getByLabelText("Point in time (UTC)")).toHaveAccessibleDescription(
      "Blank: just before it was deleted (2026-11-29 21:40:00 UTC).",
    );
    expect(screen.queryByRole("button", { name: "Delete database" })).toBeNull();
    api.on(
      "POST",
      RESTORE_PATH,
      failure(409, "deletion_outside_retention", "the deletion is no longer restorable"),
    );
    await events.type(screen.getByLabelText("New database name"), "orders_back");
    await events.click(restoreButton());
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "The backups that reached back to this deletion have expired: it can no longer be restored.",
    );
    expect(api.writes).toEqual([{ method: "POST", path: RESTORE_PATH, body: { newName: "orders_back" } }]);
  });
});

describe("a restored database", () => {
  it("shows the progress while restoring, without settings or a restore of its own", async () => {
    await openPage(
      database({ name: "orders_before", state: "restoring", restoreTarget: "2026-11-29T21:30:15.000Z" }),
    );
    expect(screen.getByText("Restoring as of 2026-11-29 21:30:15 UTC…")).toBeVisible();
    expect(screen.queryByRole("form", { name: "Database settings" })).toBeNull();
    expect(screen.queryByRole("form", { name: "Restore database" })).toBeNull();
  });

  it("says why the restore failed", async () => {
    await openPage(
      database({ name: "orders_before", state: "restore_failed", error: "restore_failed: recovery stopped" }),
    );
    expect(screen.getByRole("alert")).toHaveTextContent(
      "The restore to the latest state failed; nothing of it was kept.restore_failed: recovery stopped",
    );
  });
});
