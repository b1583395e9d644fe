import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { DatabaseDetailPage } from "../src/features/databases/DatabaseDetailPage.js";
import { freezeClock } from "./support/clock.js";
import { DATABASE_PATH, databasePageApi, RANGE } from "./support/database-page.js";
import { failure, ok } from "./support/fake-api.js";
import { connection, database, IDS, pair, user } from "./support/fixtures.js";

freezeClock();

const stored = database({ settings: { statement_timeout: 30_000, jit: false } });

const LOAD = [
  { method: "GET", path: DATABASE_PATH },
  { method: "GET", path: "/v1/settings/parameters" },
  { method: "GET", path: `/v1/pairs/${IDS.pair}` },
  { method: "GET", path: `${DATABASE_PATH}/connection` },
];

async function openPage(viewer = user(), own = connection(), shown = { database: stored, pair: pair() }) {
  const api = databasePageApi({ database: shown.database, pair: shown.pair, connection: own });
  render(<DatabaseDetailPage id={IDS.database} user={viewer} />);
  await screen.findByRole("heading", { name: "orders", level: 1 });
  await screen.findByText("Only the owner has access");
  return { api, events: userEvent.setup() };
}

const settingsForm = () => screen.getByRole("form", { name: "Database settings" });
const field = (label: string) => within(settingsForm()).getByLabelText(label);
const save = () => screen.getByRole("button", { name: "Save settings" });

describe("database page", () => {
  it("loads the database, its pair, metrics and grants, and shows the connection without a password", async () => {
    const { api } = await openPage();
    expect(api.requests).toEqual([
      ...LOAD,
      { method: "GET", path: `/v1/reports/databases/${IDS.database}?${RANGE}` },
      { method: "GET", path: `/v1/reports/pairs/${IDS.pair}?${RANGE}` },
      { method: "GET", path: `${DATABASE_PATH}/insights?orderBy=total_time&limit=20` },
      { method: "GET", path: `${DATABASE_PATH}/slow-queries?limit=50` },
      { method: "GET", path: `/v1/access-requests?databaseId=${IDS.database}` },
    ]);
    expect(screen.getByText("postgresql://orders@10.231.4.10:5432/orders")).toBeVisible();
    expect(screen.getByText("(the owner role)")).toBeVisible();
    // The tab names the database, not just "Database".
    expect(document.title).toBe("orders · pgaas");
  });

  it("shows a member with a grant their own role's URI and no owner reset", async () => {
    const role = "orders_ro_61cf90";
    await openPage(
      user({ id: IDS.member, email: "max@example.com", role: "member" }),
      connection({
        username: role,
        role: "grant",
        connectionUri: `postgresql://${role}@10.231.4.10:5432/orders`,
      }),
    );
    expect(screen.getByText(`postgresql://${role}@10.231.4.10:5432/orders`)).toBeVisible();
    expect(screen.queryByText("postgresql://orders@10.231.4.10:5432/orders")).toBeNull();
    expect(screen.getByText("(your own role from your access grant)")).toBeVisible();
    expect(
      screen.getByText(
        "Your password was shown once when you collected it. Lost it? Rotate it on the Access page.",
      ),
    ).toBeVisible();
    expect(screen.queryByRole("button", { name: "Rotate owner password" })).toBeNull();
  });

  it("shows each parameter's stored value, range and when it applies", async () => {
    await openPage();
    expect(field("statement_timeout (ms)")).toHaveValue("30s");
    expect(field("statement_timeout (ms)")).toHaveAccessibleDescription(
      "Abort statements running longer than this (0 = off). Allowed: 0 – 86400000 ms. Currently 30s. Applies to new sessions.",
    );
    expect(field("jit")).toHaveValue("off");
    expect([...field("jit").querySelectorAll("option")].map((option) => option.textContent)).toEqual([
      "Server default (on)",
      "on",
      "off",
    ]);
    expect(field("default_transaction_isolation")).toHaveValue("");
    expect(field("default_transaction_isolation")).toHaveAccessibleDescription(
      "Isolation level of new transactions. Allowed: one of read uncommitted, read committed, repeatable read, serializable. Currently the server default (read committed). Applies to new sessions.",
    );
    expect(field("Connection limit")).toHaveValue("-1");
  });

  it("sets changed parameters, resets cleared ones and reloads the page", async () => {
    const { api, events } = await openPage();
    const saving = api.hold("PATCH", DATABASE_PATH);
    await events.clear(field("statement_timeout (ms)"));
    await events.type(field("statement_timeout (ms)"), "5s");
    await events.selectOptions(field("jit"), "Server default (on)");
    await events.selectOptions(field("default_transaction_isolation"), "serializable");
    await events.click(save());
    expect(save()).toBeDisabled();

    api.on(
      "GET",
      DATABASE_PATH,
      ok({
        database: database({
          settings: { statement_timeout: 5000, default_transaction_isolation: "serializable" },
        }),
      }),
    );
    await saving.release(
      ok({
        database: database({
          settings: { statement_timeout: 5000, default_transaction_isolation: "serializable" },
        }),
      }),
    );
    expect(await screen.findByRole("status")).toHaveTextContent(
      "Settings saved and applied with ALTER DATABASE. New sessions use them.",
    );
    await waitFor(() =>
      expect(field("statement_timeout (ms)")).toHaveAccessibleDescription(/ Currently 5s\. /),
    );
    expect(api.writes).toEqual([
      {
        method: "PATCH",
        path: DATABASE_PATH,
        body: {
          settings: { statement_timeout: 5000, jit: null, default_transaction_isolation: "serializable" },
        },
      },
    ]);
    expect(api.requests.slice(-LOAD.length)).toEqual(LOAD);
  });

  it("refuses values outside the parameter's range before sending", async () => {
    const { api, events } = await openPage();
    await events.clear(field("statement_timeout (ms)"));
    await events.type(field("statement_timeout (ms)"), "90000000");
    await events.click(save());
    expect(field("statement_timeout (ms)")).toBeInvalid();
    expect(field("statement_timeout (ms)")).toHaveAccessibleDescription(
      /Applies to new sessions\. must be between 0 and 86400000 \(ms\)$/,
    );
    await events.clear(field("statement_timeout (ms)"));
    await events.type(field("statement_timeout (ms)"), "30 sec");
    await events.click(save());
    expect(field("statement_timeout (ms)")).toHaveAccessibleDescription(
      / unknown unit "sec": use us, ms, s, min, h, d$/,
    );
    expect(api.writes).toEqual([]);
  });

  it("reads PostgreSQL's units and rounding and sends the value in the base unit", async () => {
    const { api, events } = await openPage();
    api.on("PATCH", DATABASE_PATH, ok({ database: stored }));
    await events.clear(field("statement_timeout (ms)"));
    await events.type(field("statement_timeout (ms)"), "1.5 min");
    await events.click(save());
    await events.clear(field("statement_timeout (ms)"));
    await events.type(field("statement_timeout (ms)"), "2500us");
    await events.click(save());
    expect(api.writes.map((write) => write.body)).toEqual([
      { settings: { statement_timeout: 90_000 } },
      { settings: { statement_timeout: 2 } },
    ]);
  });

  it("takes the same value in another unit as no change", async () => {
    const { api, events } = await openPage();
    await events.clear(field("statement_timeout (ms)"));
    await events.type(field("statement_timeout (ms)"), "30000");
    await events.click(save());
    expect(within(settingsForm()).getByText("Nothing changed.")).toBeVisible();
    expect(api.writes).toEqual([]);
  });

  it("shows the pair's value as the default of a parameter the database does not set", async () => {
    await openPage(user(), connection(), {
      database: database({ settings: {} }),
      pair: pair({ settings: { statement_timeout: 60_000 } }),
    });
    expect(field("statement_timeout (ms)")).toHaveValue("");
    expect(field("statement_timeout (ms)")).toHaveAccessibleDescription(
      "Abort statements running longer than this (0 = off). Allowed: 0 – 86400000 ms. Currently the server default (1min, set for the pair). Applies to new sessions.",
    );
  });

  it("says when nothing changed", async () => {
    const { api, events } = await openPage();
    await events.click(save());
    expect(within(settingsForm()).getByText("Nothing changed.")).toBeVisible();
    expect(api.writes).toEqual([]);
  });

  it("changes the connection limit alone and checks its range", async () => {
    const { api, events } = await openPage();
    await events.clear(field("Connection limit"));
    await events.type(field("Connection limit"), "ten");
    await events.click(save());
    expect(field("Connection limit")).toHaveAccessibleDescription("-1 for no limit. Must be a number.");
    expect(field("Connection limit")).toHaveFocus();
    await events.clear(field("Connection limit"));
    await events.type(field("Connection limit"), "1.5");
    await events.click(save());
    expect(field("Connection limit")).toHaveAccessibleDescription("-1 for no limit. Must be a whole number.");
    await events.clear(field("Connection limit"));
    await events.type(field("Connection limit"), "10001");
    await events.click(save());
    expect(field("Connection limit")).toHaveAccessibleDescription("-1 for no limit. Must be at most 10000.");
    await events.clear(field("Connection limit"));
    await events.type(field("Connection limit"), "-2");
    await events.click(save());
    expect(field("Connection limit")).toHaveAccessibleDescription(
      "-1 for no limit. Must be -1 (no limit) or more.",
    );
    expect(api.writes).toEqual([]);

    api.on("PATCH", DATABASE_PATH, ok({ database: database({ connectionLimit: 25 }) }));
    await events.clear(field("Connection limit"));
    await events.type(field("Connection limit"), "25{Enter}");
    expect(await screen.findByRole("status")).toBeVisible();
    expect(field("Connection limit")).toHaveAccessibleDescription("-1 for no limit.");
    expect(api.writes).toEqual([{ method: "PATCH", path: DATABASE_PATH, body: { connectionLimit: 25 } }]);
  });

  it("puts the server's refusal of the connection limit on that field and focuses it", async () => {
    const { api, events } = await openPage();
    api.on(
      "PATCH",
      DATABASE_PATH,
      failure(400, "invalid_input", "invalid body", {
        body: [{ path: "connectionLimit", message: "Must be at most 10000." }],
      }),
    );
    await events.clear(field("Connection limit"));
    await events.type(field("Connection limit"), "20");
    await events.click(save());
    await waitFor(() => expect(field("Connection limit")).toHaveFocus());
    expect(field("Connection limit")).toHaveAccessibleDescription("-1 for no limit. Must be at most 10000.");
    expect(within(settingsForm()).queryByRole("alert")).toBeNull();
  });

  it("puts the server's reason for a refused setting on that field", async () => {
    const { api, events } = await openPage();
    api.on(
      "PATCH",
      DATABASE_PATH,
      failure(400, "invalid_settings", "statement_timeout is not allowed here", {
        settings: { statement_timeout: "must be at most 3600000 on this pair" },
      }),
    );
    await events.clear(field("statement_timeout (ms)"));
    await events.type(field("statement_timeout (ms)"), "7200000");
    await events.click(save());
    expect(await within(settingsForm()).findByRole("alert")).toHaveTextContent(
      "Some settings are not allowed. Check the values marked below.Server said: statement_timeout is not allowed hereRequest id: req-7f3a",
    );
    expect(field("statement_timeout (ms)")).toHaveAccessibleDescription(
      / must be at most 3600000 on this pair$/,
    );
  });

  it("shows neither settings nor delete to a member who did not create it", async () => {
    await openPage(user({ id: IDS.member, email: "max@example.com", role: "member" }));
    expect(screen.queryByRole("form", { name: "Database settings" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Delete database" })).toBeNull();
  });
});

describe("delete placement", () => {
  it("keeps Delete out of the header, after everything else on the page", async () => {
    await openPage();
    const header = screen.getByRole("heading", { name: "orders", level: 1 }).closest("header");
    expect(header).not.toBeNull();
    expect(
      within(header as HTMLElement)
        .getAllByRole("button")
        .map((button) => button.textContent),
    ).toEqual(["Rotate owner password"]);
    const buttons = screen.getAllByRole("button");
    expect(buttons.at(-1)).toHaveTextContent("Delete database");
    expect(buttons.filter((button) => button.textContent === "Delete database")).toHaveLength(1);
    expect(
      settingsForm().compareDocumentPosition(screen.getByRole("button", { name: "Delete database" })) &
        Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBe(Node.DOCUMENT_POSITION_FOLLOWING);
  });
});

describe("delete dialog", () => {
  it("opens on the name to type, enables Delete only for the exact name and deletes", async () => {
    const { api, events } = await openPage();
    expect(screen.queryByRole("dialog")).toBeNull();
    await events.click(screen.getByRole("button", { name: "Delete database" }));

    const dialog = screen.getByRole("dialog", { name: "Delete orders?" });
    expect(dialog).toHaveTextContent(
      "This drops the database on pair shop-eu, terminates its sessions and removes its grants. A backup is requested at once (the delete does not wait for it); the database can be restored into a new one while the pair's backups reach back to the deletion.",
    );
    const typed = within(dialog).getByLabelText("Type orders to confirm");
    const confirm = within(dialog).getByRole("button", { name: "Delete database" });
    expect(typed).toHaveFocus();
    expect(confirm).toBeDisabled();
    await events.keyboard("order{Enter}");
    expect(confirm).toBeDisabled();
    expect(api.writes).toEqual([]);

    const deleting = api.hold("DELETE", DATABASE_PATH);
    await events.keyboard("s{Enter}");
    expect(window.location.pathname).toBe("/");
    await deleting.release(
      ok({
        database: database({ state: "deleted", deletedAt: "2026-11-29T21:59:59.000Z" }),
        backupRequestId: null,
        note: "no backup requested: the pair has reported no backup repository",
        restorableUntil: "2026-12-13T01:00:00.000Z",
        restorable: "restorable until 2026-12-13T01:00:00.000Z",
      }),
    );
    expect(`${window.location.pathname}${window.location.search}`).toBe(
      "/databases?deleted=orders&restorableUntil=2026-12-13T01%3A00%3A00.000Z",
    );
    expect(api.writes).toEqual([{ method: "DELETE", path: DATABASE_PATH, body: { confirm: "orders" } }]);
  });

  it("closes on Escape without deleting and gives focus back", async () => {
    const { api, events } = await openPage();
    const open = screen.getByRole("button", { name: "Delete database" });
    await events.click(open);
    await events.keyboard("orders{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(open).toHaveFocus();
    await events.click(open);
    expect(within(screen.getByRole("dialog")).getByLabelText("Type orders to confirm")).toHaveValue("");
    expect(api.writes).toEqual([]);
  });

  it("keeps the dialog open with the reason when the delete fails, and Cancel clears it", async () => {
    const { api, events } = await openPage();
    const deleting = api.hold("DELETE", DATABASE_PATH);
    await events.click(screen.getByRole("button", { name: "Delete database" }));
    const dialog = screen.getByRole("dialog");
    await events.keyboard("orders{Enter}");
    expect(within(dialog).getByRole("button", { name: "Cancel" })).toBeDisabled();
    expect(within(dialog).getByRole("button", { name: "Delete database" })).toBeDisabled();

    await deleting.release(failure(503, "no_primary", "pair shop-eu has no primary"));
    expect(within(dialog).getByRole("alert")).toHaveTextContent(
      "The pair has no writable primary right now (a failover may be in progress). Try again shortly.",
    );
    expect(window.location.pathname).toBe("/");
    await events.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    await events.click(screen.getByRole("button", { name: "Delete database" }));
    expect(within(screen.getByRole("dialog")).queryByRole("alert")).toBeNull();
  });
});

describe("owner password rotation", () => {
  const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  const issued = (username: string, previousUsername: string | null, previousValidUntil: string | null) =>
    ok({
      credentials: { username, password: "N3wSecretPassw0rd" },
      connectionUri: `postgresql://${username}:N3wSecretPassw0rd@10.231.4.10:5432/orders?sslmode=verify-full`,
      caCertificate: pem,
      previousUsername,
      previousValidUntil,
    });

  it("rotates with a one-hour overlap by default, then shows the new login once and until when the old one works", async () => {
    const { api, events } = await openPage();
    await events.click(screen.getByRole("button", { name: "Rotate owner password" }));
    const dialog = screen.getByRole("dialog", { name: "Rotate the password of orders?" });
    expect(dialog).toHaveTextContent(
      "A new random password is shown once. With an overlap it comes with a second login of the owner role (orders and orders_b take turns), and the old password keeps working until the overlap ends; without one the current login gets the new password and every other password is refused at once.",
    );
    expect(within(dialog).getByLabelText("The old password keeps working for")).toHaveValue("60");
    expect(api.writes).toEqual([]);
    api.on(
      "POST",
      `${DATABASE_PATH}/owner-password`,
      issued("orders_b", "orders", "2026-12-07T07:00:00.000Z"),
    );
    await events.click(within(dialog).getByRole("button", { name: "Rotate password" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    const shown = screen.getByRole("region", { name: "New password for orders_b" });
    const secret = (name: string) => shown.querySelector(`[data-secret="${name}"]`)?.textContent;
    expect([
      secret("username"),
      secret("password"),
      secret("connection-uri"),
      secret("ca-certificate"),
    ]).toEqual([
      "orders_b",
      "N3wSecretPassw0rd",
      "postgresql://orders_b:N3wSecretPassw0rd@10.231.4.10:5432/orders?sslmode=verify-full",
      pem,
    ]);
    expect(screen.getByText(/^The previous login/)).toHaveTextContent(
      "The previous login orders keeps working until 2026-12-07 07:00:00 UTC: switch your clients to the new one before then.",
    );
    expect(api.writes).toEqual([
      { method: "POST", path: `${DATABASE_PATH}/owner-password`, body: { overlapMinutes: 60 } },
    ]);
  });

  it("resets without overlap after a leak: no previous login to announce", async () => {
    const { api, events } = await openPage();
    await events.click(screen.getByRole("button", { name: "Rotate owner password" }));
    const dialog = screen.getByRole("dialog");
    await events.selectOptions(
      within(dialog).getByLabelText("The old password keeps working for"),
      "Not at all: stop it now (after a leak)",
    );
    api.on("POST", `${DATABASE_PATH}/owner-password`, issued("orders", null, null));
    await events.click(within(dialog).getByRole("button", { name: "Rotate password" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(screen.getByRole("region", { name: "New password for orders" })).toBeInTheDocument();
    expect(screen.queryByText(/^The previous login/)).toBeNull();
    expect(api.writes).toEqual([
      { method: "POST", path: `${DATABASE_PATH}/owner-password`, body: { overlapMinutes: 0 } },
    ]);
  });

  it("keeps the dialog open with the reason when the reset fails", async () => {
    const { api, events } = await openPage();
    api.on("POST", `${DATABASE_PATH}/owner-password`, failure(503, "no_primary", "no primary"));
    await events.click(screen.getByRole("button", { name: "Rotate owner password" }));
    const dialog = screen.getByRole("dialog");
    await events.click(within(dialog).getByRole("button", { name: "Rotate password" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent(
      "The pair has no writable primary right now (a failover may be in progress). Try again shortly.",
    );
    expect(screen.queryByRole("region", { name: "New password for orders" })).toBeNull();
  });
});

describe("connection snippets", () => {
  it("shows psql first and switches tabs by click and arrow keys, with the CA download", async () => {
    const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    const { events } = await openPage(
      user(),
      connection({
        connectionUri: "postgresql://orders@10.231.4.10:5432/orders?sslmode=verify-full",
        caCertificate: pem,
      }),
    );
    const tabs = screen.getAllByRole("tab");
    expect(tabs.map((tab) => tab.textContent)).toEqual([
      "psql",
      "node-postgres",
      "Python (psycopg)",
      "JDBC",
      "Go (pgx)",
    ]);
    const panel = () => screen.getByRole("tabpanel");
    expect(panel()).toHaveAccessibleName("psql");
    expect(panel().querySelector("code")?.textContent).toBe(
      "PGPASSWORD='<password>' psql 'postgresql://orders@10.231.4.10:5432/orders?sslmode=verify-full&sslrootcert=pgaas-ca.pem'",
    );
    await events.click(screen.getByRole("tab", { name: "JDBC" }));
    expect(screen.getByRole("tab", { name: "JDBC" })).toHaveAttribute("aria-selected", "true");
    expect(panel().querySelector("code")?.textContent).toContain(
      '"jdbc:postgresql://10.231.4.10:5432/orders?sslmode=verify-full&sslrootcert=pgaas-ca.pem"',
    );
    await events.keyboard("{ArrowRight}");
    expect(screen.getByRole("tab", { name: "Go (pgx)" })).toHaveFocus();
    expect(panel()).toHaveAccessibleName("Go (pgx)");
    const download = screen.getByRole("link", { name: "Download pgaas-ca.pem" });
    expect(download).toHaveAttribute("download", "pgaas-ca.pem");
    expect(download).toHaveAttribute(
      "href",
      `data:application/x-pem-file;charset=utf-8,${encodeURIComponent(pem)}`,
    );
  });

  it("shows the pooled URI beside the direct one and switches pooling with one PATCH", async () => {
    const pooled = database({ pooling: true });
    const { api, events } = await openPage(
      user(),
      connection({ pooledConnectionUri: "postgresql://orders@10.231.4.10:6432/orders" }),
      { database: pooled, pair: pair() },
    );
    expect(screen.getByText("postgresql://orders@10.231.4.10:5432/orders")).toBeVisible();
    expect(screen.getByText("postgresql://orders@10.231.4.10:6432/orders")).toBeVisible();
    api.on("PATCH", DATABASE_PATH, ok({ database: database({ pooling: false }) }));
    await events.click(screen.getByRole("button", { name: "Disable pooling" }));
    expect(await screen.findByText(/Both nodes reload PgBouncer/)).toBeVisible();
    expect(api.writes).toEqual([{ method: "PATCH", path: DATABASE_PATH, body: { pooling: false } }]);
  });

  it("says so when the pair runs no pooler, and offers no switch", async () => {
    await openPage(user(), connection(), { database: database({ poolerPort: null }), pair: pair() });
    expect(screen.getByText("This pair runs no connection pooler.")).toBeVisible();
    expect(screen.queryByRole("button", { name: "Enable pooling" })).toBeNull();
  });
});
