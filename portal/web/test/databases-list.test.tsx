import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { DatabasesPage } from "../src/features/databases/DatabasesPage.js";
import { fakeApi, ok } from "./support/fake-api.js";
import { database } from "./support/fixtures.js";

const invoices = database({
  id: "e8c9da4b-5c6d-4e7f-9081-92a3b4c5d6e7",
  name: "invoices",
  owner: "billing",
  pairName: "shop-us",
});
const archive = database({
  id: "f9daeb5c-6d7e-4f80-a192-a3b4c5d6e7f8",
  name: "archive",
  state: "deleted",
  deletedAt: "2026-11-28T10:00:00.000Z",
});

async function openList() {
  const api = fakeApi().on("GET", "/v1/databases", ok({ databases: [database(), invoices] }));
  render(<DatabasesPage />);
  await screen.findByRole("table", { name: "Databases" });
  return { api, events: userEvent.setup() };
}

const names = () => screen.getAllByRole("rowheader").map((cell) => cell.textContent);

describe("databases list", () => {
  it("filters by name, owner or pair as one types", async () => {
    const { api, events } = await openList();
    expect(names()).toEqual(["orders", "invoices"]);
    await events.type(screen.getByLabelText("Search"), "BILL");
    expect(names()).toEqual(["invoices"]);
    await events.clear(screen.getByLabelText("Search"));
    await events.type(screen.getByLabelText("Search"), "shop-eu");
    expect(names()).toEqual(["orders"]);
    await events.type(screen.getByLabelText("Search"), "x");
    expect(screen.getByText("No database matches “shop-eux”")).toBeVisible();
    expect(api.requests).toEqual([{ method: "GET", path: "/v1/databases" }]);
  });

  it("asks for deleted databases when they are to be shown", async () => {
    const { api, events } = await openList();
    api.on("GET", "/v1/databases?includeDeleted=true", ok({ databases: [database(), invoices, archive] }));
    await events.click(screen.getByRole("checkbox", { name: "Show deleted" }));
    expect(await screen.findByText("archive")).toBeVisible();
    expect(names()).toEqual(["orders", "invoices", "archive"]);
    expect(api.requests).toEqual([
      { method: "GET", path: "/v1/databases" },
      { method: "GET", path: "/v1/databases?includeDeleted=true" },
    ]);
  });

  it("confirms a deletion it was sent here from", async () => {
    window.history.replaceState(null, "", "/databases?deleted=archive");
    await openList();
    expect(screen.getByRole("status")).toHaveTextContent(/^Database archive was deleted\.$/);
  });

  it("says until when the deleted database can be restored", async () => {
    window.history.replaceState(
      null,
      "",
      "/databases?deleted=archive&restorableUntil=2026-12-13T01%3A00%3A00.000Z",
    );
    await openList();
    expect(screen.getByRole("status")).toHaveTextContent(
      "Database archive was deleted. It can be restored until 2026-12-13 01:00:00 UTC.",
    );
  });
});
