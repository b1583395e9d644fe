import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { AuditLog } from "../src/features/admin/AuditLog.js";
import { fakeApi, ok } from "./support/fake-api.js";
import { auditEntry, IDS } from "./support/fixtures.js";

const page = (from: number, count: number) => Array.from({ length: count }, (_, i) => auditEntry(from + i));
const cursorAfter = (index: number) =>
  `${auditEntry(index).at.replace(".000Z", ".000000Z")}_${auditEntry(index).id}`;
const FIRST = "/v1/audit?limit=50";

async function openLog(entries = page(0, 50), nextCursor: string | null = cursorAfter(49)) {
  const api = fakeApi().on("GET", FIRST, ok({ entries, nextCursor }));
  render(<AuditLog />);
  await screen.findByRole("table", { name: "Audit log" });
  return { api, events: userEvent.setup() };
}

const dataRows = () => screen.getAllByRole("row").slice(1);
const filters = () => within(screen.getByRole("form", { name: "Audit filters" }));

describe("audit log", () => {
  it("shows names and readable actions, why a failure failed, and keeps a deleted user's id", async () => {
    const gone = "7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
    await openLog(
      [
        auditEntry(0),
        auditEntry(1, {
          action: "deleteUser",
          targetType: "users",
          targetId: gone,
          targetName: "deleted user",
          details: { email: "max@example.com" },
        }),
        auditEntry(2, {
          actorId: gone,
          actor: "token:max@example.com/ci",
          actorName: "deleted user",
          action: "updateDatabase",
          outcome: "failed",
          failure: { code: "invalid_settings", message: "work_mem is out of range" },
          requestId: null,
        }),
        auditEntry(3, {
          actorId: null,
          actor: "anonymous",
          actorName: "anonymous",
          action: "login",
          targetType: "auth",
          targetId: null,
          targetName: null,
          outcome: "failed",
          failure: { code: "invalid_credentials", message: "wrong email or password" },
        }),
        auditEntry(4, { action: "takeBackup", targetType: "backups", targetName: null }),
      ],
      null,
    );
    expect(screen.getByRole("columnheader", { name: "When (UTC)" })).toBeVisible();
    expect(dataRows().map((row) => row.textContent)).toEqual([
      "2026-11-29 21:00:00 UTCada@example.comCreate databaseordersdatabasessucceededreq-0",
      `2026-11-29 20:59:00 UTCada@example.comDelete userdeleted user ${gone}userssucceededreq-1`,
      `2026-11-29 20:58:00 UTCdeleted user ${gone}with an API tokenChange databaseordersdatabasesfailedwork_mem is out of range invalid_settings—`,
      "2026-11-29 20:57:00 UTCanonymousSign inauthfailedwrong email or password invalid_credentialsreq-3",
      `2026-11-29 20:56:00 UTCada@example.comTake backupbackups ${IDS.database}succeededreq-4`,
    ]);
    expect(screen.getByRole("button", { name: "Older" })).toBeDisabled();
    expect(screen.getByText("Page 1")).toBeVisible();
  });

  it("filters by action label, actor, outcome and target, starting again from the newest page", async () => {
    const { api, events } = await openLog();
    api
      .on("GET", "/v1/audit?action=deleteDatabase&limit=50", ok({ entries: page(7, 2), nextCursor: null }))
      .on(
        "GET",
        "/v1/audit?actor=ada&action=deleteDatabase&limit=50",
        ok({ entries: page(7, 1), nextCursor: null }),
      )
      .on(
        "GET",
        "/v1/audit?actor=ada&action=deleteDatabase&outcome=failed&limit=50",
        ok({ entries: [], nextCursor: null }),
      )
      .on(
        "GET",
        "/v1/audit?actor=ada&action=deleteDatabase&outcome=failed&target=orders&limit=50",
        ok({ entries: [], nextCursor: null }),
      );
    await events.click(screen.getByRole("button", { name: "Older" }));
    expect(filters().getByRole("option", { name: "Delete database" })).toBeInTheDocument();
    await events.selectOptions(filters().getByLabelText("Action"), "Delete database");
    await screen.findByText("req-8");
    expect(dataRows()).toHaveLength(2);
    await events.click(filters().getByLabelText("Actor"));
    await events.paste("ada");
    await screen.findByText("Page 1");
    await events.selectOptions(filters().getByLabelText("Outcome"), "failed");
    expect(await screen.findByText("No audit entries")).toBeVisible();
    await events.click(filters().getByLabelText("Target"));
    await events.paste("orders");
    expect(api.requests.map((request) => request.path)).toEqual([
      FIRST,
      `/v1/audit?limit=50&cursor=${encodeURIComponent(cursorAfter(49))}`,
      "/v1/audit?action=deleteDatabase&limit=50",
      "/v1/audit?actor=ada&action=deleteDatabase&limit=50",
      "/v1/audit?actor=ada&action=deleteDatabase&outcome=failed&limit=50",
      "/v1/audit?actor=ada&action=deleteDatabase&outcome=failed&target=orders&limit=50",
    ]);
  });

  it("reads the time range as UTC and says when it is reversed", async () => {
    const { api, events } = await openLog();
    const from = "/v1/audit?from=2026-11-29T20%3A00%3A00.000Z&limit=50";
    const range = "/v1/audit?from=2026-11-29T20%3A00%3A00.000Z&to=2026-11-29T21%3A00%3A00.000Z&limit=50";
    api.on("GET", from, ok({ entries: page(1, 3), nextCursor: null }));
    api.on("GET", range, ok({ entries: page(1, 2), nextCursor: null }));
    await events.type(filters().getByLabelText("From (UTC)"), "2026-11-29T20:00");
    await screen.findByText("req-3");
    await events.type(filters().getByLabelText("To (UTC)"), "2026-11-29T19:00");
    expect(filters().getByLabelText("To (UTC)")).toHaveAccessibleDescription("after From");
    await events.clear(filters().getByLabelText("To (UTC)"));
    await events.type(filters().getByLabelText("To (UTC)"), "2026-11-29T21:00");
    await screen.findByText("Page 1");
    expect(filters().getByLabelText("To (UTC)")).not.toHaveAccessibleDescription();
    expect(api.requests.map((request) => request.path)).toEqual([FIRST, from, range]);
  });

  it("pages older and newer by the server's cursor", async () => {
    const { api, events } = await openLog();
    const second = `/v1/audit?limit=50&cursor=${encodeURIComponent(cursorAfter(49))}`;
    const third = `/v1/audit?limit=50&cursor=${encodeURIComponent(cursorAfter(99))}`;
    api
      .on("GET", second, ok({ entries: page(50, 50), nextCursor: cursorAfter(99) }))
      .on("GET", third, ok({ entries: page(100, 3), nextCursor: null }));
    expect(screen.getByRole("button", { name: "Newer" })).toBeDisabled();
    await events.click(screen.getByRole("button", { name: "Older" }));
    await screen.findByText("req-50");
    await events.click(screen.getByRole("button", { name: "Older" }));
    await screen.findByText("req-102");
    expect(screen.getByText("Page 3")).toBeVisible();
    expect(dataRows()).toHaveLength(3);
    expect(screen.getByRole("button", { name: "Older" })).toBeDisabled();

    await events.click(screen.getByRole("button", { name: "Newer" }));
    await screen.findByText("Page 2");
    await events.click(screen.getByRole("button", { name: "Newest" }));
    await screen.findByText("Page 1");
    expect(api.requests.map((request) => request.path)).toEqual([FIRST, second, third, second, FIRST]);
  });

  it("exports the filtered log as CSV through the API", async () => {
    const { api, events } = await openLog();
    api.on("GET", "/v1/audit?action=deleteUser&limit=50", ok({ entries: page(3, 1), nextCursor: null }));
    const link = () => filters().getByRole("link", { name: "Export CSV" });
    expect(link()).toHaveAttribute("href", "/v1/audit/export");
    await events.selectOptions(filters().getByLabelText("Action"), "deleteUser");
    await screen.findByText("req-3");
    expect(link()).toHaveAttribute("href", "/v1/audit/export?action=deleteUser");
    expect(link()).toHaveAttribute("download");
  });
});
