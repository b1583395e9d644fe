import type { AlertDelivery, AlertEndpoint } from "@pgaas/api";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { AlertsPanel } from "../src/features/admin/AlertsPanel.js";
import { created, failure, fakeApi, noContent, ok } from "./support/fake-api.js";
import { CREATED_AT, IDS, pair } from "./support/fixtures.js";

const ENDPOINT_ID = "83e1b294-05a6-41c2-b3d4-9cadbecfd0e8";
const DELIVERY_ID = "94f2c3a5-16b7-42d3-84e5-adbecfd0e1f9";
const SECRET = "whsec_Q2nL5tW9yB4cX7mD1fH6jP0sGk3Zr8vQ2nL5tW9yB4c";
const URL = "https://hooks.example.com/pgaas";
const DELIVERIES_PATH = "/v1/alerts/deliveries?limit=100";

const endpoint: AlertEndpoint = {
  id: ENDPOINT_ID,
  url: URL,
  kinds: ["failover", "disk_usage"],
  pairId: IDS.pair,
  previousSecretValidUntil: null,
  createdAt: CREATED_AT,
};

function delivery(overrides: Partial<AlertDelivery> = {}): AlertDelivery {
  return {
    id: DELIVERY_ID,
    endpointId: ENDPOINT_ID,
    eventId: IDS.request,
    kind: "failover",
    message: "node_b became the writable primary",
    state: "pending",
    attempts: 2,
    maxAttempts: 5,
    lastStatus: 500,
    lastError: "HTTP 500",
    nextAttemptAt: "2026-11-20T09:16:00.000Z",
    deliveredAt: null,
    createdAt: CREATED_AT,
    ...overrides,
  };
}

async function openPanel(endpoints: AlertEndpoint[] = [endpoint], deliveries: AlertDelivery[] = []) {
  const api = fakeApi()
    .on("GET", "/v1/alerts/endpoints", ok({ endpoints }))
    .on("GET", "/v1/pairs", ok({ pairs: [pair()] }))
    .on("GET", DELIVERIES_PATH, ok({ deliveries }));
  render(<AlertsPanel />);
  await screen.findByRole("heading", { name: "Webhooks" });
  const form = within(screen.getByRole("form", { name: "New webhook" }));
  return { api, form, events: userEvent.setup() };
}

describe("webhooks", () => {
  it("lists endpoints with their alerts and pair, and the delivery log with attempts and the next retry", async () => {
    await openPanel([endpoint], [delivery()]);
    expect(screen.getByRole("row", { name: /^https:\/\/hooks/ })).toHaveTextContent(
      `${URL}Failover, Disk ≥ 80 %shop-eu2026-11-20 09:15:00 UTCSend test Rotate secret Delete`,
    );
    expect(screen.getByRole("row", { name: /^Failover: node_b/ })).toHaveTextContent(
      `Failover: node_b became the writable primary${URL}pending2 of 5HTTP 5002026-11-20 09:16:00 UTC—`,
    );
  });

  it("refuses plain HTTP off loopback and no alert kind before sending", async () => {
    const { api, form, events } = await openPanel([]);
    expect(screen.getByText("No webhooks")).toBeVisible();
    expect(screen.getByText("No alerts sent yet")).toBeVisible();
    await events.type(form.getByLabelText("URL"), "http://hooks.example.com/pgaas");
    for (const label of [
      "Failover",
      "Degraded",
      "Fenced or awaiting a decision",
      "Backup failed",
      "Restore check failed",
      "Disk ≥ 80 %",
    ])
      await events.click(form.getByLabelText(label));
    await events.click(form.getByRole("button", { name: "Add webhook" }));
    expect(form.getByLabelText("URL")).toHaveAccessibleDescription(
      "https:// (http:// only to a loopback address). Alerts are POSTed as signed JSON. https:// (http:// only to a loopback address)",
    );
    expect(form.getByText("Choose at least one.")).toBeVisible();
    expect(api.writes).toEqual([]);
  });

  it("adds a webhook for one pair and shows its signing secret once", async () => {
    const { api, form, events } = await openPanel([]);
    api
      .on("POST", "/v1/alerts/endpoints", created({ endpoint, secret: SECRET }))
      .on("GET", "/v1/alerts/endpoints", ok({ endpoints: [endpoint] }));
    await events.type(form.getByLabelText("URL"), URL);
    for (const label of [
      "Degraded",
      "Fenced or awaiting a decision",
      "Backup failed",
      "Restore check failed",
    ])
      await events.click(form.getByLabelText(label));
    await events.selectOptions(form.getByLabelText("Pair"), "shop-eu");
    await events.click(form.getByRole("button", { name: "Add webhook" }));

    const shown = await screen.findByRole("region", { name: `Webhook ${URL}` });
    expect(within(shown).getByText(SECRET)).toBeVisible();
    expect(await screen.findByRole("row", { name: /^https:\/\/hooks/ })).toBeVisible();
    expect(form.getByLabelText("URL")).toHaveValue("");
    expect(api.writes).toEqual([
      {
        method: "POST",
        path: "/v1/alerts/endpoints",
        body: { url: URL, kinds: ["failover", "disk_usage"], pairId: IDS.pair },
      },
    ]);
  });

  it("sends a test and says how it went", async () => {
    const { api, events } = await openPanel();
    api.on(
      "POST",
      `/v1/alerts/endpoints/${ENDPOINT_ID}/test`,
      ok({
        delivery: delivery({
          kind: "test",
          state: "failed",
          attempts: 1,
          maxAttempts: 1,
          lastError: "ECONNREFUSED",
          lastStatus: null,
        }),
      }),
      ok({
        delivery: delivery({
          kind: "test",
          state: "delivered",
          attempts: 1,
          maxAttempts: 1,
          lastError: null,
          lastStatus: 204,
        }),
      }),
    );
    await events.click(screen.getByRole("button", { name: "Send test" }));
    expect(await screen.findByRole("status")).toHaveTextContent("Test alert not delivered: ECONNREFUSED.");
    await events.click(screen.getByRole("button", { name: "Send test" }));
    expect(await screen.findByText("Test alert delivered (HTTP 204).")).toBeVisible();
    expect(api.writes).toEqual([
      { method: "POST", path: `/v1/alerts/endpoints/${ENDPOINT_ID}/test` },
      { method: "POST", path: `/v1/alerts/endpoints/${ENDPOINT_ID}/test` },
    ]);
  });

  it("rotates the secret after confirmation, with the overlap chosen, and shows the new one once", async () => {
    const { api, events } = await openPanel();
    const NEW_SECRET = "whsec_N3wS3cr3tN3wS3cr3tN3wS3cr3tN3wS3cr3tN3w";
    api.on(
      "POST",
      `/v1/alerts/endpoints/${ENDPOINT_ID}/rotate-secret`,
      ok({
        endpoint: { ...endpoint, previousSecretValidUntil: "2026-11-20T10:15:00.000Z" },
        secret: NEW_SECRET,
      }),
    );
    await events.click(screen.getByRole("button", { name: "Rotate secret" }));
    const dialog = within(await screen.findByRole("dialog"));
    await events.selectOptions(dialog.getByLabelText("The old secret"), "60");
    await events.click(dialog.getByRole("button", { name: "Rotate secret" }));
    expect(await screen.findByText(NEW_SECRET)).toBeVisible();
    expect(
      screen.getByText(
        "Until 2026-11-20 10:15:00 UTC every delivery carries both signatures: switch the receiver before then.",
      ),
    ).toBeVisible();
    expect(api.writes).toEqual([
      {
        method: "POST",
        path: `/v1/alerts/endpoints/${ENDPOINT_ID}/rotate-secret`,
        body: { overlapMinutes: 60 },
      },
    ]);
  });

  it("shows why a test could not be sent", async () => {
    const { api, events } = await openPanel();
    api.on(
      "POST",
      `/v1/alerts/endpoints/${ENDPOINT_ID}/test`,
      failure(404, "alert_endpoint_not_found", "alert endpoint not found"),
    );
    await events.click(screen.getByRole("button", { name: "Send test" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("alert endpoint not found");
  });

  it("deletes a webhook after confirmation", async () => {
    const { api, events } = await openPanel();
    api
      .on("DELETE", `/v1/alerts/endpoints/${ENDPOINT_ID}`, noContent)
      .on("GET", "/v1/alerts/endpoints", ok({ endpoints: [] }));
    await events.click(screen.getByRole("button", { name: "Delete" }));
    const dialog = screen.getByRole("dialog", { name: `Delete webhook ${URL}?` });
    expect(dialog).toHaveTextContent("It gets no more alerts, and its delivery log goes with it.");
    await events.click(within(dialog).getByRole("button", { name: "Delete webhook" }));
    expect(await screen.findByText("No webhooks")).toBeVisible();
    expect(api.writes).toEqual([{ method: "DELETE", path: `/v1/alerts/endpoints/${ENDPOINT_ID}` }]);
  });
});
