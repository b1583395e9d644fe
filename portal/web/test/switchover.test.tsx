import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { EventsPanel } from "../src/features/admin/EventsPanel.js";
import { freezeClock } from "./support/clock.js";
import { accepted, failure, fakeApi, ok } from "./support/fake-api.js";
import { IDS, node, pair, pairEvent } from "./support/fixtures.js";

freezeClock();

const EVENTS_PATH = `/v1/pairs/${IDS.pair}/events?limit=200`;
const SWITCHOVER_PATH = `/v1/pairs/${IDS.pair}/switchover`;
const LOAD = [
  { method: "GET", path: "/v1/pairs" },
  { method: "GET", path: EVENTS_PATH },
];
const command = {
  id: "c6a7b829-3a4b-4c5d-9e6f-708192a3b4c5",
  pairId: IDS.pair,
  nodeName: "node_b",
  type: "switchover",
  state: "pending",
  requestedAt: "2026-11-29T22:00:00.000Z",
  finishedAt: null,
  message: null,
};

async function openPanel(pairs = [pair()]) {
  const api = fakeApi()
    .on("GET", "/v1/pairs", ok({ pairs }))
    .on("GET", EVENTS_PATH, ok({ events: [pairEvent()] }));
  render(<EventsPanel />);
  await screen.findByRole("heading", { name: "Events" });
  expect(api.requests).toEqual(LOAD);
  return { api, events: userEvent.setup() };
}

describe("switchover", () => {
  it("names the primary and the standby, and lists the pair's events", async () => {
    await openPanel();
    expect(screen.getByText(/^Primary/)).toHaveTextContent("Primary node_a, standby node_b.");
    const [event] = screen.getAllByRole("listitem");
    expect(event).toHaveTextContent(
      "failovershop-eu / node_b2026-11-29 21:40:05 UTCtook 3.4 snode_b promoted after node_a stopped answering",
    );
  });

  it("asks for the pair's name, then requests the switchover", async () => {
    const { api, events } = await openPanel();
    const requesting = api.hold("POST", SWITCHOVER_PATH);
    await events.click(screen.getByRole("button", { name: "Switch over…" }));
    const dialog = screen.getByRole("dialog", { name: "Switch over pair shop-eu?" });
    expect(dialog).toHaveTextContent(
      "node_b becomes the primary and node_a rejoins as its standby. Writes pause for a few seconds while the endpoint moves; connected clients must reconnect.",
    );
    const confirm = within(dialog).getByRole("button", { name: "Switch over" });
    expect(within(dialog).getByLabelText("Type shop-eu to confirm")).toHaveFocus();
    await events.keyboard("shop_eu");
    expect(confirm).toBeDisabled();
    await events.clear(within(dialog).getByLabelText("Type shop-eu to confirm"));
    await events.keyboard("shop-eu");
    expect(confirm).toBeEnabled();
    await events.keyboard("{Enter}");
    expect(confirm).toBeDisabled();
    expect(within(dialog).getByRole("button", { name: "Cancel" })).toBeDisabled();

    api.on(
      "GET",
      EVENTS_PATH,
      ok({
        events: [
          pairEvent({
            id: "d8b9ca3b-4c5d-4e6f-8071-8293a4b5c6d7",
            type: "switchover_requested",
            message: "switchover to node_b requested by ada@example.com",
            occurredAt: "2026-11-29T22:00:00.000Z",
            durationMs: null,
          }),
          pairEvent(),
        ],
      }),
    );
    await requesting.release(accepted({ command }));
    expect(await screen.findByText("switchover to node_b requested by ada@example.com")).toBeVisible();
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(screen.getByRole("status")).toHaveTextContent(
      "Switchover requested: node_b takes over (pending). Watch the timeline below.",
    );
    expect(api.writes).toEqual([{ method: "POST", path: SWITCHOVER_PATH, body: { confirm: "shop-eu" } }]);
    expect(api.requests.slice(-2)).toEqual(LOAD);
  });

  it("keeps the dialog open with the reason when the pair cannot switch over", async () => {
    const { api, events } = await openPanel();
    api.on(
      "POST",
      SWITCHOVER_PATH,
      failure(409, "switchover_target_unreachable", "node_b is unreachable since 2026-11-29T21:59:53Z"),
    );
    await events.click(screen.getByRole("button", { name: "Switch over…" }));
    await events.keyboard("shop-eu{Enter}");
    const dialog = screen.getByRole("dialog");
    expect(await within(dialog).findByRole("alert")).toHaveTextContent(
      "The standby is not reporting, so it cannot take over.Server said: node_b is unreachable since 2026-11-29T21:59:53Z",
    );
    expect(screen.queryByRole("status")).toBeNull();
    await events.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("offers the switchover with no refusal note while the standby is healthy and synchronous", async () => {
    await openPanel();
    const button = screen.getByRole("button", { name: "Switch over…" });
    expect(button).toBeEnabled();
    expect(button).not.toHaveAttribute("aria-describedby");
    expect(screen.queryByText(/^Switchover unavailable/)).toBeNull();
  });

  it("disables the switchover and says why while the pair has no primary", async () => {
    await openPanel([
      pair({
        primary: null,
        health: "no_primary",
        switchover: {
          target: null,
          refusal: {
            code: "switchover_no_primary",
            message: "the pair has no writable primary to hand over from",
          },
        },
        nodes: [
          node({ role: "unknown", writable: false }),
          node({ id: IDS.nodeB, name: "node_b", role: "standby", writable: false }),
        ],
      }),
    ]);
    const button = screen.getByRole("button", { name: "Switch over…" });
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription(
      "Switchover unavailable: the pair has no writable primary to hand over from",
    );
  });

  it("disables the switchover towards a superseded old primary and says why, without calling the API", async () => {
    const { api, events } = await openPanel([
      pair({
        health: "degraded",
        switchover: {
          target: "node_b",
          refusal: {
            code: "switchover_target_superseded",
            message: "node_b is a superseded primary, not a standby: it must be rejoined first",
          },
        },
        nodes: [
          node(),
          node({ id: IDS.nodeB, name: "node_b", role: "primary", writable: false, state: "superseded" }),
        ],
      }),
    ]);
    const button = screen.getByRole("button", { name: "Switch over…" });
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription(
      "Switchover unavailable: node_b is a superseded primary, not a standby: it must be rejoined first",
    );
    await events.click(button);
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(api.writes).toEqual([]);
  });

  it("reloads pairs and events every 5 seconds", async () => {
    const { api } = await openPanel();
    await act(() => vi.advanceTimersByTimeAsync(5000));
    expect(api.requests).toEqual([...LOAD, ...LOAD]);
  });
});
