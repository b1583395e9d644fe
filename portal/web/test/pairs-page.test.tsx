import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { PairsPage } from "../src/features/pairs/PairsPage.js";
import { freezeClock } from "./support/clock.js";
import { fakeApi, ok } from "./support/fake-api.js";
import { IDS, node, pair } from "./support/fixtures.js";

freezeClock();

async function openPage(pairs = [pair()]) {
  fakeApi()
    .on("GET", "/v1/pairs", ok({ pairs }))
    .on("GET", `/v1/pairs/${IDS.pair}/events?limit=100`, ok({ events: [] }));
  render(<PairsPage />);
  return screen.findByRole("region", { name: "shop-eu" });
}

const nodeHealth = (card: HTMLElement) =>
  within(within(card).getByRole("table", { name: "Nodes" }))
    .getAllByRole("row")
    .slice(1)
    .map((row) => [row.getAttribute("data-node"), within(row).getAllByRole("cell")[2]?.textContent]);

describe("pair page", () => {
  it("shows a healthy pair without a reason", async () => {
    const card = await openPage();
    expect(within(card).getByText("Healthy")).toBeVisible();
    expect(card.querySelector("[data-reason]")).toBeNull();
    expect(nodeHealth(card)).toEqual([
      ["node_a", "Up"],
      ["node_b", "Up"],
    ]);
  });

  it("says why a pair is degraded and marks the unreachable node", async () => {
    const message =
      "node_a (primary) unreachable since 2026-11-29T21:59:53Z: writes may be failing; commits acknowledged until then are also on node_b (synchronous standby)";
    const card = await openPage([
      pair({
        health: "degraded",
        reason: {
          code: "primary_unreachable",
          node: "node_a",
          since: "2026-11-29T21:59:53.000Z",
          message,
        },
        nodes: [
          node({ writable: false, state: "unreachable" }),
          node({ id: IDS.nodeB, name: "node_b", role: "standby", writable: false }),
        ],
      }),
    ]);
    expect(within(card).getByText("Degraded")).toBeVisible();
    expect(card.querySelector("[data-reason]")).toHaveTextContent(message);
    expect(card.querySelector("[data-reason]")).toHaveAttribute("data-reason", "primary_unreachable");
    expect(nodeHealth(card)).toEqual([
      ["node_a", "Unreachable"],
      ["node_b", "Up"],
    ]);
  });

  it("shows a superseded old primary as superseded, not as a second primary", async () => {
    const card = await openPage([
      pair({
        primary: "node_b",
        health: "degraded",
        reason: {
          code: "standby_superseded",
          node: "node_a",
          since: "2026-11-29T21:59:56.000Z",
          message:
            "node_a superseded since 2026-11-29T21:59:56Z: it still reports itself primary on timeline 3 while node_b is primary on timeline 4; it must be fenced and rejoined as a standby; commits are not synchronously replicated, so they exist only on node_b",
        },
        nodes: [
          node({ writable: false, state: "superseded" }),
          node({ id: IDS.nodeB, name: "node_b", timeline: 4, syncState: "degraded" }),
        ],
      }),
    ]);
    expect(within(card).getByText("Primary").nextElementSibling).toHaveTextContent("node_b");
    expect(card.querySelector("[data-reason]")).toHaveTextContent(/^node_a superseded since/);
    expect(nodeHealth(card)).toEqual([
      ["node_a", "Superseded"],
      ["node_b", "Up"],
    ]);
  });
});
