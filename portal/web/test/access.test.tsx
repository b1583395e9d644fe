import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AccessPage } from "../src/features/access/AccessPage.js";
import { formatDateTime } from "../src/lib/format.js";
import { freezeClock } from "./support/clock.js";
import { created, failure, fakeApi, ok } from "./support/fake-api.js";
import { accessRequest, database, IDS, user } from "./support/fixtures.js";

freezeClock();

// The portal's one time zone is UTC: in a browser set to Berlin, the expiry picker still reads UTC.
const zone = process.env.TZ;
beforeAll(() => {
  process.env.TZ = "Europe/Berlin";
});
afterAll(() => {
  if (zone === undefined) Reflect.deleteProperty(process.env, "TZ");
  else process.env.TZ = zone;
});

const REQUEST_PATH = `/v1/access-requests/${IDS.request}`;
const admin = user();
const member = user({ id: IDS.member, email: "max@example.com", role: "member" });
const approved = accessRequest({
  state: "approved",
  roleName: "orders_ro_max",
  decidedBy: IDS.admin,
  decidedAt: "2026-11-29T20:30:00.000Z",
  credentialsAvailable: true,
});

async function openPage(viewer = admin, requests = [accessRequest()], databases = [database()]) {
  const api = fakeApi()
    .on("GET", "/v1/databases", ok({ databases }))
    .on("GET", "/v1/access-requests", ok({ accessRequests: requests }));
  render(<AccessPage user={viewer} />);
  if (requests.length > 0) await screen.findByRole("table", { name: "Access requests" });
  else await screen.findByText("No access requests yet");
  expect(api.requests).toEqual([
    { method: "GET", path: "/v1/databases" },
    { method: "GET", path: "/v1/access-requests" },
  ]);
  return { api, events: userEvent.setup() };
}

const requestForm = () => screen.getByRole("form", { name: "Request access" });
const row = () => screen.getByRole("row", { name: /^orders / });

describe("request access", () => {
  it("needs a reason before it sends anything", async () => {
    const { api, events } = await openPage(member, []);
    await events.click(within(requestForm()).getByRole("button", { name: "Request access" }));
    expect(within(requestForm()).getByLabelText("Reason")).toHaveAccessibleDescription(
      "What you need it for; the approver sees this. Required",
    );
    expect(api.writes).toEqual([]);
  });

  it("sends the chosen database, level and reason, confirms and lists the new request", async () => {
    const { api, events } = await openPage(member, []);
    api
      .on("POST", "/v1/access-requests", created({ accessRequest: accessRequest({ level: "read_write" }) }))
      .on("GET", "/v1/access-requests", ok({ accessRequests: [accessRequest({ level: "read_write" })] }));
    const form = within(requestForm());
    expect(form.getByLabelText("Database")).toHaveDisplayValue("orders (pair shop-eu)");
    await events.selectOptions(form.getByLabelText("Access level"), "read_write");
    await events.type(form.getByLabelText("Reason"), "  fix the invoice export  ");
    await events.click(form.getByRole("button", { name: "Request access" }));

    expect(await form.findByRole("status")).toHaveTextContent(
      "Request sent. The database owner or an admin will approve or deny it.",
    );
    expect(form.getByLabelText("Reason")).toHaveValue("");
    expect(await screen.findByRole("row", { name: /^orders you read-write / })).toBeVisible();
    expect(api.writes).toEqual([
      {
        method: "POST",
        path: "/v1/access-requests",
        body: { databaseId: IDS.database, level: "read_write", reason: "fix the invoice export" },
      },
    ]);
    expect(api.requests.at(-1)).toEqual({ method: "GET", path: "/v1/access-requests" });
  });

  it("offers a database shared by link by its name, though the user cannot list it", async () => {
    const linked = "b5f6a718-293a-4b4c-8d5e-6f708192a3b4";
    window.history.replaceState(null, "", `/access?databaseId=${linked}`);
    const api = fakeApi()
      .on("GET", "/v1/databases", ok({ databases: [] }))
      .on("GET", "/v1/access-requests", ok({ accessRequests: [] }))
      .on(
        "GET",
        `/v1/access-requests/targets/${linked}`,
        ok({ database: { id: linked, name: "billing", pairName: "shop-us" } }),
      )
      .on(
        "POST",
        "/v1/access-requests",
        failure(409, "request_exists", "an open request for this database exists"),
      );
    render(<AccessPage user={member} />);
    const form = within(requestForm());
    await waitFor(() => expect(form.getByLabelText("Database")).toHaveDisplayValue("billing (pair shop-us)"));
    const events = userEvent.setup();
    await events.type(form.getByLabelText("Reason"), "nightly export");
    await events.click(form.getByRole("button", { name: "Request access" }));
    expect(await form.findByRole("alert")).toHaveTextContent(
      "You already have an open request or a grant for this database.",
    );
    expect(
      api.requests
        .filter((request) => request.method === "GET")
        .map((request) => request.path)
        .sort(),
    ).toEqual(["/v1/access-requests", `/v1/access-requests/targets/${linked}`, "/v1/databases"]);
    expect(api.writes).toEqual([
      {
        method: "POST",
        path: "/v1/access-requests",
        body: { databaseId: linked, level: "read_only", reason: "nightly export" },
      },
    ]);
  });

  it("says when the database behind a link is gone", async () => {
    const linked = "b5f6a718-293a-4b4c-8d5e-6f708192a3b4";
    window.history.replaceState(null, "", `/access?databaseId=${linked}`);
    fakeApi()
      .on("GET", "/v1/databases", ok({ databases: [] }))
      .on("GET", "/v1/access-requests", ok({ accessRequests: [] }))
      .on(
        "GET",
        `/v1/access-requests/targets/${linked}`,
        failure(404, "database_not_found", "database not found"),
      );
    render(<AccessPage user={member} />);
    const form = within(requestForm());
    expect(
      await form.findByText("The linked database does not exist (any more). Ask its owner for a new link."),
    ).toBeVisible();
    expect(form.getByLabelText("Database")).toHaveDisplayValue("Database shared by link (b5f6a718…)");
  });

  it("explains where the link comes from when there is no database to choose", async () => {
    await openPage(member, [], [database({ state: "deleted", deletedAt: "2026-11-28T10:00:00.000Z" })]);
    const form = within(requestForm());
    expect(
      form.getByText("No database to choose: ask its owner for the request link on the database page."),
    ).toBeVisible();
    expect(form.getByRole("button", { name: "Request access" })).toBeDisabled();
  });

  it("reloads the list every 10 seconds", async () => {
    const { api } = await openPage(member, []);
    await act(() => vi.advanceTimersByTimeAsync(9_999));
    expect(api.requests).toHaveLength(2);
    await act(() => vi.advanceTimersByTimeAsync(1));
    expect(api.requests).toHaveLength(3);
    expect(api.requests.at(-1)).toEqual({ method: "GET", path: "/v1/access-requests" });
  });
});

describe("decide on a request", () => {
  it("approves until a date and time read as UTC (not the browser's zone), with the note", async () => {
    const { api, events } = await openPage();
    api
      .on("POST", `${REQUEST_PATH}/approve`, ok({ accessRequest: approved }))
      .on("GET", "/v1/access-requests", ok({ accessRequests: [approved] }));
    await events.click(within(row()).getByRole("button", { name: "Approve" }));

    const dialog = screen.getByRole("dialog", { name: "Approve read-only access?" });
    expect(dialog).toHaveTextContent(
      "max@example.com asks for read-only access to orders: “monthly revenue report”",
    );
    const expires = within(dialog).getByLabelText("Expires (UTC, optional)");
    expect(expires).toHaveFocus();
    await events.type(expires, "2026-12-31T18:00");
    await events.type(within(dialog).getByLabelText("Note to the requester (optional)"), "until year end");
    await events.click(within(dialog).getByRole("button", { name: "Approve" }));

    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(await within(row()).findByRole("button", { name: "Revoke" })).toBeVisible();
    expect(api.writes).toEqual([
      {
        method: "POST",
        path: `${REQUEST_PATH}/approve`,
        body: { expiresAt: "2026-12-31T18:00:00.000Z", note: "until year end" },
      },
    ]);
  });

  it("refuses an expiry in the past and approves without one", async () => {
    const { api, events } = await openPage();
    api.on("POST", `${REQUEST_PATH}/approve`, ok({ accessRequest: approved }));
    await events.click(within(row()).getByRole("button", { name: "Approve" }));
    const dialog = screen.getByRole("dialog");
    const expires = within(dialog).getByLabelText("Expires (UTC, optional)");
    await events.type(expires, "2026-11-29T12:00");
    await events.click(within(dialog).getByRole("button", { name: "Approve" }));
    expect(expires).toHaveAccessibleDescription(
      "A date and time in UTC, like every time in the portal. Leave empty for access without an end date. a date and time in the future",
    );
    expect(api.writes).toEqual([]);

    await events.clear(expires);
    await events.click(within(dialog).getByRole("button", { name: "Approve" }));
    expect(api.writes).toEqual([{ method: "POST", path: `${REQUEST_PATH}/approve`, body: {} }]);
  });

  it("denies with a note", async () => {
    const denied = accessRequest({ state: "denied", decisionNote: "use the replica export" });
    const { api, events } = await openPage();
    api
      .on("POST", `${REQUEST_PATH}/deny`, ok({ accessRequest: denied }))
      .on("GET", "/v1/access-requests", ok({ accessRequests: [denied] }));
    await events.click(within(row()).getByRole("button", { name: "Deny" }));
    const dialog = screen.getByRole("dialog", { name: "Deny this request?" });
    expect(within(dialog).queryByLabelText("Expires (UTC, optional)")).toBeNull();
    expect(within(dialog).getByLabelText("Note to the requester (optional)")).toHaveFocus();
    await events.keyboard("use the replica export");
    await events.click(within(dialog).getByRole("button", { name: "Deny" }));

    expect(await within(row()).findByText("“use the replica export”")).toBeVisible();
    expect(api.writes).toEqual([
      { method: "POST", path: `${REQUEST_PATH}/deny`, body: { note: "use the replica export" } },
    ]);
  });

  it("shows why a decision failed, and Escape leaves the request as it was", async () => {
    const { api, events } = await openPage();
    api.on("POST", `${REQUEST_PATH}/deny`, failure(409, "invalid_state", "the request is already approved"));
    await events.click(within(row()).getByRole("button", { name: "Deny" }));
    const dialog = screen.getByRole("dialog");
    await events.click(within(dialog).getByRole("button", { name: "Deny" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent(
      "This request was already decided or changed. Reload to see its state.",
    );
    await events.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(within(row()).getByText("pending")).toBeVisible();
    expect(api.writes).toEqual([{ method: "POST", path: `${REQUEST_PATH}/deny`, body: {} }]);
  });

  it("offers no decision on one's own request", async () => {
    await openPage(member);
    expect(within(row()).getByText("you")).toBeVisible();
    expect(within(row()).queryByRole("button")).toBeNull();
  });
});

describe("revoke and credentials", () => {
  it("revokes approved access after confirmation", async () => {
    const revoked = { ...approved, state: "revoked" as const, credentialsAvailable: false };
    const { api, events } = await openPage(admin, [approved]);
    api
      .on("POST", `${REQUEST_PATH}/revoke`, ok({ accessRequest: revoked }))
      .on("GET", "/v1/access-requests", ok({ accessRequests: [revoked] }));
    await events.click(within(row()).getByRole("button", { name: "Revoke" }));
    const dialog = screen.getByRole("dialog", { name: "Revoke this access?" });
    expect(dialog).toHaveTextContent(
      "The login role orders_ro_max and its grants on orders are removed; open sessions are ended.",
    );
    await events.click(within(dialog).getByRole("button", { name: "Revoke" }));

    expect(await within(row()).findByText("revoked")).toBeVisible();
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(api.writes).toEqual([{ method: "POST", path: `${REQUEST_PATH}/revoke` }]);
  });

  it("lets the requester collect the credentials once", async () => {
    const collected = { ...approved, credentialsAvailable: false };
    const { api, events } = await openPage(member, [approved]);
    api
      .on(
        "POST",
        `${REQUEST_PATH}/credentials`,
        ok({
          credentials: { username: "orders_ro_max", password: "Hn4w8ZtQ1cVb6yPe" },
          connectionUri: "postgresql://orders_ro_max:Hn4w8ZtQ1cVb6yPe@10.231.4.10:5432/orders",
          caCertificate: null,
        }),
      )
      .on("GET", "/v1/access-requests", ok({ accessRequests: [collected] }));
    await events.click(within(row()).getByRole("button", { name: "Collect credentials" }));

    const shown = await screen.findByRole("region", { name: "Credentials for orders" });
    expect(within(shown).getByText("Hn4w8ZtQ1cVb6yPe")).toBeVisible();
    expect(
      within(shown).getByText("postgresql://orders_ro_max:Hn4w8ZtQ1cVb6yPe@10.231.4.10:5432/orders"),
    ).toBeVisible();
    await waitFor(() =>
      expect(within(row()).queryByRole("button", { name: "Collect credentials" })).toBeNull(),
    );
    expect(api.writes).toEqual([{ method: "POST", path: `${REQUEST_PATH}/credentials` }]);
  });

  it("says so when the credentials were already collected", async () => {
    const { api, events } = await openPage(member, [approved]);
    api.on(
      "POST",
      `${REQUEST_PATH}/credentials`,
      failure(409, "credentials_unavailable", "credentials were already collected"),
    );
    await events.click(within(row()).getByRole("button", { name: "Collect credentials" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "The credentials were already collected once and cannot be shown again.",
    );
    expect(screen.queryByRole("region", { name: /^Credentials for/ })).toBeNull();
  });
});

describe("rotate a grant's password", () => {
  const rotated = { ...approved, credentialsAvailable: false };
  const afterRotation = {
    ...approved,
    roleName: "orders_ro_max_b",
    previousRoleName: "orders_ro_max",
    previousValidUntil: "2026-11-29T23:00:00.000Z",
  };

  it("lets the requester rotate with the default hour of overlap and shows the new password once", async () => {
    const { api, events } = await openPage(member, [rotated]);
    api
      .on("POST", `${REQUEST_PATH}/rotate`, ok({ accessRequest: afterRotation }))
      .on(
        "POST",
        `${REQUEST_PATH}/credentials`,
        ok({
          credentials: { username: "orders_ro_max_b", password: "Zr8pQ2mW5xKc7vNb" },
          connectionUri: "postgresql://orders_ro_max_b:Zr8pQ2mW5xKc7vNb@10.231.4.10:5432/orders",
          caCertificate: null,
        }),
      )
      .on(
        "GET",
        "/v1/access-requests",
        ok({ accessRequests: [{ ...afterRotation, credentialsAvailable: false }] }),
      );
    await events.click(within(row()).getByRole("button", { name: "Rotate password" }));
    const dialog = screen.getByRole("dialog", { name: "Rotate this password?" });
    expect(dialog).toHaveTextContent(
      "A new login role with a new random password replaces orders_ro_max, with the same access. The new password is shown once here.",
    );
    const overlap = within(dialog).getByLabelText("The old password keeps working for");
    expect(overlap).toHaveValue("60");
    expect(overlap).toHaveAccessibleDescription("Sessions already open stay connected either way.");
    expect(api.writes).toEqual([]);
    await events.click(within(dialog).getByRole("button", { name: "Rotate password" }));

    const shown = await screen.findByRole("region", { name: "Credentials for orders" });
    expect(within(shown).getByText("Zr8pQ2mW5xKc7vNb")).toBeVisible();
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(
      await within(row()).findByText(
        (_, element) =>
          element?.textContent ===
          `Rotated: orders_ro_max still logs in until ${formatDateTime("2026-11-29T23:00:00.000Z")}`,
      ),
    ).toBeVisible();
    expect(api.writes).toEqual([
      { method: "POST", path: `${REQUEST_PATH}/rotate`, body: { overlapMinutes: 60 } },
      { method: "POST", path: `${REQUEST_PATH}/credentials` },
    ]);
  });

  it("lets the owner or an admin end the old password at once without seeing the new one", async () => {
    const { api, events } = await openPage(admin, [rotated]);
    api
      .on("POST", `${REQUEST_PATH}/rotate`, ok({ accessRequest: { ...rotated, credentialsAvailable: true } }))
      .on("GET", "/v1/access-requests", ok({ accessRequests: [{ ...rotated, credentialsAvailable: true }] }));
    await events.click(within(row()).getByRole("button", { name: "Rotate password" }));
    const dialog = screen.getByRole("dialog", { name: "Rotate this password?" });
    expect(dialog).toHaveTextContent(
      "The requester collects the new password once on this page; you will not see it.",
    );
    await events.selectOptions(
      within(dialog).getByLabelText("The old password keeps working for"),
      "Not at all: stop it now (after a leak)",
    );
    await events.click(within(dialog).getByRole("button", { name: "Rotate password" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(screen.queryByRole("region", { name: /^Credentials for/ })).toBeNull();
    expect(api.writes).toEqual([
      { method: "POST", path: `${REQUEST_PATH}/rotate`, body: { overlapMinutes: 0 } },
    ]);
  });

  it("keeps the dialog open with the reason when the rotation fails", async () => {
    const { api, events } = await openPage(member, [rotated]);
    api.on(
      "POST",
      `${REQUEST_PATH}/rotate`,
      failure(409, "invalid_state", "the request is expired, not approved"),
    );
    await events.click(within(row()).getByRole("button", { name: "Rotate password" }));
    const dialog = screen.getByRole("dialog");
    await events.click(within(dialog).getByRole("button", { name: "Rotate password" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent(
      "Server said: the request is expired, not approved",
    );
    expect(screen.queryByRole("region", { name: /^Credentials for/ })).toBeNull();
  });

  it("names the rotated-out role too when revoking", async () => {
    const { events } = await openPage(admin, [afterRotation]);
    await events.click(within(row()).getByRole("button", { name: "Revoke" }));
    expect(screen.getByRole("dialog", { name: "Revoke this access?" })).toHaveTextContent(
      "The login role orders_ro_max_b (and the rotated-out orders_ro_max) and its grants on orders are removed; open sessions are ended.",
    );
  });
});
