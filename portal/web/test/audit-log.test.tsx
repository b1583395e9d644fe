import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { AuditLog } from "../src/features/admin/AuditLog.js";
import { fakeApi, ok } from "./support/fake-api.js";
import { auditEntry } from "./support/fixtures.js";

const page = (from: number, count: number) => Array.from({ length: count }, (_, i) => auditEntry(from + i));
const OLDEST_ON_FIRST_PAGE = "2026-11-29T19:21:00.000Z";

async function openLog(entries = page(0, 100)) {
  const api = fakeApi().on("GET", "/v1/audit?limit=100", ok({ entries }));
  render(<AuditLog />);
  await screen.findByRole("table", { name: "Audit log" });
  return { api, events: userEvent.setup() };
}

const dataRows = () => screen.getAllByRole("row").slice(1);

describe("audit log", () => {
  it("shows the newest 100 entries with actor, action, target and outcome", async () => {
    const { api } = await openLog([
      auditEntry(0),
      auditEntry(1, {
        action: "login",
        targetType: "session",
        targetId: null,
        outcome: "failed",
        requestId: null,
      }),
    ]);
    expect(dataRows().map((row) => row.textContent)).toEqual([
      "2026-11-29 21:00:00 UTCuser:ada@example.comcreateDatabasedatabase 50be8f61-d273-4e9f-80a1-6f7a8b9cadb5succeededreq-0",
      "2026-11-29 20:59:00 UTCuser:ada@example.comloginsessionfailed—",
    ]);
    expect(screen.queryByRole("button", { name: "Older entries" })).toBeNull();
    expect(api.requests).toEqual([{ method: "GET", path: "/v1/audit?limit=100" }]);
  });

  it("filters by action", async () => {
    const { api, events } = await openLog();
    api.on(
      "GET",
      "/v1/audit?limit=100&action=deleteDatabase",
      ok({ entries: [auditEntry(7, { action: "deleteDatabase" })] }),
    );
    await events.click(screen.getByLabelText("Action"));
    await events.paste("deleteDatabase");
    await screen.findByText("deleteDatabase");
    expect(dataRows()).toHaveLength(1);
    expect(api.requests).toEqual([
      { method: "GET", path: "/v1/audit?limit=100" },
      { method: "GET", path: "/v1/audit?limit=100&action=deleteDatabase" },
    ]);
  });

  it("says so when nothing matches", async () => {
    const { api, events } = await openLog();
    api.on("GET", "/v1/audit?limit=100&action=x", ok({ entries: [] }));
    await events.type(screen.getByLabelText("Action"), "x");
    expect(await screen.findByText("No audit entries")).toBeVisible();
  });

  it("pages to older entries and back to the newest", async () => {
    const { api, events } = await openLog();
    const olderPath = `/v1/audit?limit=100&before=${encodeURIComponent(OLDEST_ON_FIRST_PAGE)}`;
    api.on("GET", olderPath, ok({ entries: page(100, 3) }));
    await events.click(screen.getByRole("button", { name: "Older entries" }));
    await screen.findByText("req-100");
    expect(dataRows()).toHaveLength(3);
    expect(screen.queryByRole("button", { name: "Older entries" })).toBeNull();

    await events.click(screen.getByRole("button", { name: "Newest entries" }));
    await screen.findByText("req-0");
    expect(screen.queryByRole("button", { name: "Newest entries" })).toBeNull();
    expect(api.requests).toEqual([
      { method: "GET", path: "/v1/audit?limit=100" },
      { method: "GET", path: olderPath },
      { method: "GET", path: "/v1/audit?limit=100" },
    ]);
  });

  it("starts again from the newest entries when the filter changes", async () => {
    const { api, events } = await openLog();
    const olderPath = `/v1/audit?limit=100&before=${encodeURIComponent(OLDEST_ON_FIRST_PAGE)}`;
    api
      .on("GET", olderPath, ok({ entries: page(100, 100) }))
      .on("GET", "/v1/audit?limit=100&action=login", ok({ entries: [auditEntry(3, { action: "login" })] }));
    await events.click(screen.getByRole("button", { name: "Older entries" }));
    await screen.findByText("req-100");
    await events.click(screen.getByLabelText("Action"));
    await events.paste("login");
    await screen.findByText("login");
    expect(within(dataRows()[0] as HTMLElement).getByText("req-3")).toBeVisible();
    expect(api.requests.at(-1)).toEqual({ method: "GET", path: "/v1/audit?limit=100&action=login" });
  });
});
