import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { CreateDatabasePage } from "../src/features/databases/CreateDatabasePage.js";
import { created, failure, fakeApi, ok } from "./support/fake-api.js";
import { database, IDS, pair } from "./support/fixtures.js";

const CA = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n";
const SECOND_PAIR = "a4e5f607-1829-4a3b-9c4d-5e6f708192a3";

async function openForm() {
  const api = fakeApi().on(
    "GET",
    "/v1/pairs",
    ok({ pairs: [pair(), pair({ id: SECOND_PAIR, name: "shop-us", health: "degraded" })] }),
  );
  render(<CreateDatabasePage />);
  const name = await screen.findByLabelText("Name");
  return { api, name, events: userEvent.setup() };
}

const NAME_HINT = "Lower-case letters, digits and _, starting with a letter (at most 63).";

const submit = () => screen.getByRole("button", { name: "Create database" });

describe("create database", () => {
  it("offers every pair with its health, the first one chosen", async () => {
    await openForm();
    const select = screen.getByLabelText("Pair");
    expect(select).toHaveValue(IDS.pair);
    expect([...select.querySelectorAll("option")].map((option) => option.textContent)).toEqual([
      "shop-eu (healthy)",
      "shop-us (degraded)",
    ]);
  });

  it("shows each field's rule under it and sends nothing", async () => {
    const { api, name, events } = await openForm();
    await events.type(name, "Orders DB");
    await events.type(screen.getByLabelText("Owner role (optional)"), "postgres");
    await events.type(screen.getByLabelText("Connection limit (optional)"), "20000");
    await events.click(submit());

    expect(name).toHaveAccessibleDescription(
      `${NAME_HINT} Upper case is not allowed: use a–z. Spaces are not allowed.`,
    );
    expect(screen.getByLabelText("Owner role (optional)")).toHaveAccessibleDescription(
      'Defaults to the database name. "postgres" is reserved by PostgreSQL or pgaas.',
    );
    expect(screen.getByLabelText("Connection limit (optional)")).toHaveAccessibleDescription(
      "-1 for no limit (the default). Must be at most 10000.",
    );
    expect(api.writes).toEqual([]);
  });

  it.each([
    ["o'rders", "Quotes are not allowed."],
    ["a".repeat(66), "Too long by 3 characters (at most 63)."],
    ["9orders", "Must start with a letter."],
    ["orders-eu.v2", 'Not allowed: "-" ".". Use a–z, 0–9 and _.'],
    ["pg_orders", "Names starting with pg_ are reserved by PostgreSQL."],
  ])("says which rule %s breaks", async (typed, rule) => {
    const { api, name, events } = await openForm();
    await events.type(name, typed);
    await events.click(submit());
    expect(name).toHaveAccessibleDescription(`${NAME_HINT} ${rule}`);
    expect(api.writes).toEqual([]);
  });

  it("moves focus to the first invalid field on submit", async () => {
    const { name, events } = await openForm();
    await events.type(name, "orders");
    await events.type(screen.getByLabelText("Owner role (optional)"), "Orders");
    await events.type(screen.getByLabelText("Connection limit (optional)"), "-3");
    await events.click(submit());
    expect(screen.getByLabelText("Owner role (optional)")).toHaveFocus();
    expect(screen.getByLabelText("Owner role (optional)")).toBeInvalid();
    expect(screen.getByLabelText("Connection limit (optional)")).toHaveAccessibleDescription(
      "-1 for no limit (the default). Must be -1 (no limit) or more.",
    );
  });

  it("clears a field's error as soon as it is edited", async () => {
    const { name, events } = await openForm();
    await events.click(submit());
    expect(name).toHaveAccessibleDescription(`${NAME_HINT} Required`);
    expect(name).toHaveFocus();
    await events.type(name, "o");
    expect(name).toHaveAccessibleDescription(NAME_HINT);
    expect(name).toBeValid();
  });

  it("shows the pooled URI once beside the direct one when the database is pooled", async () => {
    const { api, name, events } = await openForm();
    api.on(
      "POST",
      "/v1/databases",
      created({
        database: database({ pooling: true }),
        credentials: { username: "orders", password: "Vq3t9LxR2mWp8sKd" },
        connectionUri: "postgresql://orders:Vq3t9LxR2mWp8sKd@10.231.4.10:5432/orders?sslmode=verify-full",
        pooledConnectionUri:
          "postgresql://orders:Vq3t9LxR2mWp8sKd@10.231.4.10:6432/orders?sslmode=verify-full",
        caCertificate: CA,
      }),
    );
    await events.type(name, "orders");
    await events.click(submit());
    await screen.findByRole("heading", { name: "Database orders created" });
    expect(document.querySelector('[data-secret="pooled-connection-uri"]')?.textContent).toBe(
      "postgresql://orders:Vq3t9LxR2mWp8sKd@10.231.4.10:6432/orders?sslmode=verify-full",
    );
  });

  it("creates on the chosen pair and shows the credentials once", async () => {
    const { api, name, events } = await openForm();
    const answer = {
      database: database({ pairId: SECOND_PAIR, pairName: "shop-us", connectionLimit: 50 }),
      credentials: { username: "orders", password: "Vq3t9LxR2mWp8sKd" },
      connectionUri: "postgresql://orders:Vq3t9LxR2mWp8sKd@10.231.4.10:5432/orders?sslmode=verify-full",
      pooledConnectionUri: null,
      caCertificate: CA,
    };
    const creation = api.hold("POST", "/v1/databases");
    await events.selectOptions(screen.getByLabelText("Pair"), "shop-us (degraded)");
    await events.type(name, "orders");
    await events.type(screen.getByLabelText("Connection limit (optional)"), "50");
    await events.click(submit());
    expect(submit()).toBeDisabled();

    await creation.release(created(answer));
    expect(screen.getByRole("heading", { name: "Database orders created" })).toBeVisible();
    expect(screen.getByText("On pair shop-us")).toBeVisible();
    const secrets = Object.fromEntries(
      [...document.querySelectorAll("[data-secret]")].map((element) => [
        element.getAttribute("data-secret"),
        element.textContent,
      ]),
    );
    expect(secrets).toEqual({
      "connection-uri": "postgresql://orders:Vq3t9LxR2mWp8sKd@10.231.4.10:5432/orders?sslmode=verify-full",
      username: "orders",
      password: "Vq3t9LxR2mWp8sKd",
      "ca-certificate": CA,
    });
    expect(
      screen.getByText("Copy these now: they are shown only this once and cannot be retrieved later."),
    ).toBeVisible();
    expect(screen.getByRole("link", { name: "Open orders" })).toHaveAttribute(
      "href",
      `/databases/${IDS.database}`,
    );
    expect(api.writes).toEqual([
      {
        method: "POST",
        path: "/v1/databases",
        body: { pairId: SECOND_PAIR, name: "orders", connectionLimit: 50 },
      },
    ]);
  });

  it("puts a taken name on the name field, not in a banner, and focuses it", async () => {
    const { api, name, events } = await openForm();
    api.on(
      "POST",
      "/v1/databases",
      failure(409, "database_exists", 'database "orders" already exists on pair shop-eu', undefined, "name"),
    );
    await events.type(name, "orders");
    await events.click(submit());

    await waitFor(() => expect(name).toHaveFocus());
    expect(name).toHaveAccessibleDescription(
      `${NAME_HINT} A database or owner role with that name already exists on the pair. Choose another name.`,
    );
    expect(name).toBeInvalid();
    expect(screen.queryByRole("alert")).toBeNull();
    expect(submit()).toBeEnabled();
    await events.type(name, "2");
    expect(name).toHaveAccessibleDescription(NAME_HINT);
  });

  it("puts a taken owner role on the owner field", async () => {
    const { api, name, events } = await openForm();
    api.on("POST", "/v1/databases", failure(409, "database_exists", "role exists", undefined, "owner"));
    await events.type(name, "orders");
    const owner = screen.getByLabelText("Owner role (optional)");
    await events.type(owner, "orders_app");
    await events.click(submit());

    await waitFor(() => expect(owner).toHaveFocus());
    expect(owner).toHaveAccessibleDescription(
      "Defaults to the database name. A database or owner role with that name already exists on the pair. Choose another name.",
    );
    expect(name).toBeValid();
    expect(api.writes).toEqual([
      {
        method: "POST",
        path: "/v1/databases",
        body: { pairId: IDS.pair, name: "orders", owner: "orders_app" },
      },
    ]);
  });

  it("puts the server's input issues on their fields", async () => {
    const { api, name, events } = await openForm();
    api.on(
      "POST",
      "/v1/databases",
      failure(400, "invalid_input", "invalid body", {
        body: [{ path: "owner", message: '"none" is reserved by PostgreSQL or pgaas.' }],
      }),
    );
    await events.type(name, "orders");
    await events.click(submit());

    const owner = screen.getByLabelText("Owner role (optional)");
    await waitFor(() => expect(owner).toHaveFocus());
    expect(owner).toHaveAccessibleDescription(
      'Defaults to the database name. "none" is reserved by PostgreSQL or pgaas.',
    );
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("shows a refusal that names no field above the form, with its request id", async () => {
    const { api, name, events } = await openForm();
    api.on("POST", "/v1/databases", failure(503, "no_primary", "pair shop-eu has no primary"));
    await events.type(name, "orders");
    await events.click(submit());

    expect(await screen.findByRole("alert")).toHaveTextContent(
      "The pair has no writable primary right now (a failover may be in progress). Try again shortly." +
        "Server said: pair shop-eu has no primaryRequest id: req-7f3a",
    );
    expect(name).toBeValid();
    expect(name).toHaveValue("orders");
  });

  it("says so when there is no pair to create on", async () => {
    fakeApi().on("GET", "/v1/pairs", ok({ pairs: [] }));
    render(<CreateDatabasePage />);
    expect(await screen.findByText("No pair to create a database on")).toBeVisible();
    expect(screen.queryByRole("button", { name: "Create database" })).toBeNull();
  });
});
