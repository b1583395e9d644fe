import { act, render, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { App } from "../src/app/App.js";
import { announceAccessDecided } from "../src/features/access/api.js";
import { freezeClock } from "./support/clock.js";
import { fakeApi, ok } from "./support/fake-api.js";
import { user } from "./support/fixtures.js";

freezeClock();

const COUNT = "/v1/access-requests/pending-count";

async function openPortal(...pending: number[]) {
  const api = fakeApi()
    .on("GET", "/v1/auth/me", ok({ user: user() }))
    .on("GET", "/v1/pairs", ok({ pairs: [] }))
    .on("GET", COUNT, ...pending.map((count) => ok({ pending: count })));
  render(<App />);
  await screen.findByText("No pairs registered yet");
  return { api, nav: within(screen.getByRole("navigation", { name: "Main" })) };
}

describe("navigation", () => {
  it("badges the access section with the requests waiting for a decision", async () => {
    const { nav } = await openPortal(3);
    const link = await nav.findByRole("link", { name: "Access requests, 3 pending requests to decide" });
    expect(link).toHaveTextContent("Access requests3");
  });

  it("shows no badge when nothing waits, and picks up a new request within 30 seconds", async () => {
    const { api, nav } = await openPortal(0, 1);
    expect(nav.getByRole("link", { name: "Access requests" })).toHaveTextContent(/^Access requests$/);
    await act(() => vi.advanceTimersByTimeAsync(30_000));
    expect(nav.getByRole("link", { name: "Access requests, 1 pending request to decide" })).toBeVisible();
    expect(api.requests.filter((request) => request.path === COUNT)).toHaveLength(2);
  });

  it("updates the badge as soon as the user decided a request", async () => {
    const { api, nav } = await openPortal(2, 1);
    await nav.findByRole("link", { name: "Access requests, 2 pending requests to decide" });
    act(() => announceAccessDecided());
    expect(
      await nav.findByRole("link", { name: "Access requests, 1 pending request to decide" }),
    ).toBeVisible();
    expect(api.requests.filter((request) => request.path === COUNT)).toHaveLength(2);
  });

  it("states the one time zone every time is shown in", async () => {
    const { nav } = await openPortal(0);
    expect(nav.getByText("All times are UTC")).toBeVisible();
  });
});
