import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { PairSettingsPanel } from "../src/features/admin/PairSettingsPanel.js";
import { failure, fakeApi, ok } from "./support/fake-api.js";
import { catalog, IDS, pair } from "./support/fixtures.js";

const SETTINGS_PATH = `/v1/pairs/${IDS.pair}/settings`;
const LOAD = [
  { method: "GET", path: "/v1/pairs" },
  { method: "GET", path: "/v1/settings/parameters" },
];
const stored = pair({ settings: { max_connections: 100, log_connections: true } });

async function openPanel() {
  const api = fakeApi()
    .on("GET", "/v1/pairs", ok({ pairs: [stored] }))
    .on("GET", "/v1/settings/parameters", ok(catalog()));
  render(<PairSettingsPanel />);
  const form = await screen.findByRole("form", { name: "Settings of pair shop-eu" });
  expect(api.requests).toEqual(LOAD);
  return { api, form: within(form), events: userEvent.setup() };
}

describe("pair settings", () => {
  it("shows the pair's values with their range and whether a restart is needed", async () => {
    const { form } = await openPanel();
    expect(form.getByLabelText("max_connections")).toHaveValue("100");
    expect(form.getByLabelText("max_connections")).toHaveAccessibleDescription(
      "Connection slots. Allowed: 10 – 5000. Currently 100. Takes effect after a restart.",
    );
    expect(form.getByLabelText("work_mem (kB)")).toHaveValue("");
    expect(form.getByLabelText("work_mem (kB)")).toHaveAccessibleDescription(
      "Memory per sort/hash. Allowed: 64 – 4194304 kB. Currently the server default (sized from the server's memory). Applied by a reload.",
    );
    expect(form.getByLabelText("log_connections")).toHaveValue("on");
  });

  it("saves only what changed and names the nodes that need a restart", async () => {
    const { api, form, events } = await openPanel();
    const saving = api.hold("PUT", SETTINGS_PATH);
    await events.clear(form.getByLabelText("max_connections"));
    await events.type(form.getByLabelText("max_connections"), "200");
    await events.type(form.getByLabelText("work_mem (kB)"), "8192");
    await events.click(form.getByRole("button", { name: "Save pair settings" }));
    expect(form.getByRole("button", { name: "Save pair settings" })).toBeDisabled();

    await saving.release(
      ok({
        settings: { max_connections: 200, work_mem: 8192, log_connections: true },
        nodes: [
          { node: "node_a", pendingRestart: ["max_connections"] },
          { node: "node_b", pendingRestart: ["max_connections"] },
        ],
        pendingRestart: true,
      }),
    );
    expect(form.getByRole("status")).toHaveTextContent(
      "Saved on both nodes. Restart needed: node_a (max_connections); node_b (max_connections).",
    );
    expect(api.writes).toEqual([
      { method: "PUT", path: SETTINGS_PATH, body: { settings: { max_connections: 200, work_mem: 8192 } } },
    ]);
    expect(api.requests.slice(-2)).toEqual(LOAD);
  });

  it("says everything is in effect when no node waits for a restart", async () => {
    const { api, form, events } = await openPanel();
    api.on(
      "PUT",
      SETTINGS_PATH,
      ok({
        settings: { max_connections: 100, log_connections: false },
        nodes: [
          { node: "node_a", pendingRestart: [] },
          { node: "node_b", pendingRestart: [] },
        ],
        pendingRestart: false,
      }),
    );
    await events.selectOptions(form.getByLabelText("log_connections"), "off");
    await events.click(form.getByRole("button", { name: "Save pair settings" }));
    expect(await form.findByRole("status")).toHaveTextContent(
      "Saved on both nodes. Everything is in effect.",
    );
    expect(api.writes).toEqual([
      { method: "PUT", path: SETTINGS_PATH, body: { settings: { log_connections: false } } },
    ]);
  });

  it("refuses a cleared value, a value out of range and an unchanged form", async () => {
    const { api, form, events } = await openPanel();
    await events.click(form.getByRole("button", { name: "Save pair settings" }));
    expect(form.getByText("Nothing changed.")).toBeVisible();

    await events.selectOptions(form.getByLabelText("log_connections"), "Server default (off)");
    await events.clear(form.getByLabelText("max_connections"));
    await events.type(form.getByLabelText("max_connections"), "5");
    await events.click(form.getByRole("button", { name: "Save pair settings" }));
    expect(form.queryByText("Nothing changed.")).toBeNull();
    // Range errors come first; a cleared value is reported once the other values are valid.
    expect(form.getByLabelText("max_connections")).toHaveAccessibleDescription(
      /Takes effect after a restart\. must be between 10 and 5000$/,
    );
    expect(form.getByLabelText("log_connections")).toBeValid();

    await events.type(form.getByLabelText("max_connections"), "0");
    await events.click(form.getByRole("button", { name: "Save pair settings" }));
    expect(form.getByLabelText("max_connections")).toBeValid();
    expect(form.getByLabelText("log_connections")).toHaveAccessibleDescription(
      "Log each connection. Allowed: on or off. Currently on. Applied by a reload. cannot be cleared here; enter the value you want",
    );
    expect(api.writes).toEqual([]);
  });

  it("puts the server's reason on the field it refused", async () => {
    const { api, form, events } = await openPanel();
    api.on(
      "PUT",
      SETTINGS_PATH,
      failure(400, "invalid_settings", "work_mem is too large for this pair", {
        settings: { work_mem: "must leave room for 200 connections" },
      }),
    );
    await events.type(form.getByLabelText("work_mem (kB)"), "4000000{Enter}");
    expect(await form.findByRole("alert")).toHaveTextContent(
      "Some settings are not allowed. Check the values marked below.",
    );
    expect(form.getByLabelText("work_mem (kB)")).toHaveAccessibleDescription(
      / must leave room for 200 connections$/,
    );
  });

  it("says so when no pair is registered", async () => {
    fakeApi()
      .on("GET", "/v1/pairs", ok({ pairs: [] }))
      .on("GET", "/v1/settings/parameters", ok(catalog()));
    render(<PairSettingsPanel />);
    expect(await screen.findByText("No pairs registered")).toBeVisible();
  });
});
