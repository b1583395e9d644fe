import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { TokensPage } from "../src/features/tokens/TokensPage.js";
import { created, fakeApi, noContent, ok } from "./support/fake-api.js";
import { apiToken, IDS } from "./support/fixtures.js";

const SECRET = "pgaas_k3Zr8vQ2nL5tW9yB4cX7mD1fH6jP0sG";
const token = apiToken({ expiresAt: "2027-01-31T23:59:59.000Z" });

async function openPage(tokens = [token]) {
  const api = fakeApi().on("GET", "/v1/tokens", ok({ tokens }));
  render(<TokensPage />);
  await screen.findByText(tokens.length === 0 ? "No API tokens" : "ci-deploy");
  expect(api.requests).toEqual([{ method: "GET", path: "/v1/tokens" }]);
  return { api, events: userEvent.setup() };
}

describe("API tokens", () => {
  it("needs a name", async () => {
    const { api, events } = await openPage([]);
    await events.click(screen.getByRole("button", { name: "Create token" }));
    expect(screen.getByLabelText("Name")).toHaveAccessibleDescription(
      "Where it is used, e.g. “ci-deploy”. Required",
    );
    expect(api.writes).toEqual([]);
  });

  it("creates a token until the end of a day in UTC and shows its secret once", async () => {
    const { api, events } = await openPage([]);
    api
      .on("POST", "/v1/tokens", created({ token, secret: SECRET }))
      .on("GET", "/v1/tokens", ok({ tokens: [token] }));
    await events.type(screen.getByLabelText("Name"), "ci-deploy");
    await events.type(screen.getByLabelText("Expires (optional)"), "2027-01-31");
    await events.click(screen.getByRole("button", { name: "Create token" }));

    const shown = await screen.findByRole("region", { name: "Token ci-deploy" });
    expect(within(shown).getByText(SECRET)).toBeVisible();
    expect(
      within(shown).getByText("Copy these now: they are shown only this once and cannot be retrieved later."),
    ).toBeVisible();
    expect(screen.getByLabelText("Name")).toHaveValue("");
    expect(screen.getByLabelText("Expires (optional)")).toHaveValue("");
    const row = await screen.findByRole("row", { name: /^ci-deploy/ });
    expect(row).toHaveTextContent("ci-deploypgaas_k3…2026-11-20 09:15:00 UTC2027-01-31 23:59:59 UTCnever");
    expect(api.writes).toEqual([
      { method: "POST", path: "/v1/tokens", body: { name: "ci-deploy", expiresAt: "2027-01-31T23:59:59Z" } },
    ]);
  });

  it("never shows the secret again once the page is left", async () => {
    const api = fakeApi().on("GET", "/v1/tokens", ok({ tokens: [] }));
    const first = render(<TokensPage />);
    api
      .on("POST", "/v1/tokens", created({ token, secret: SECRET }))
      .on("GET", "/v1/tokens", ok({ tokens: [token] }));
    await userEvent.setup().type(await screen.findByLabelText("Name"), "ci-deploy{Enter}");
    expect(await screen.findByText(SECRET)).toBeVisible();
    first.unmount();

    render(<TokensPage />);
    expect(await screen.findByRole("row", { name: /^ci-deploy/ })).toHaveTextContent("pgaas_k3…");
    expect(screen.queryByText(SECRET)).toBeNull();
    expect(screen.queryByRole("region", { name: "Token ci-deploy" })).toBeNull();
    expect(api.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "GET /v1/tokens",
      "POST /v1/tokens",
      "GET /v1/tokens",
      "GET /v1/tokens",
    ]);
  });

  it("revokes a token after confirmation", async () => {
    const { api, events } = await openPage();
    api.on("DELETE", `/v1/tokens/${IDS.token}`, noContent).on("GET", "/v1/tokens", ok({ tokens: [] }));
    await events.click(screen.getByRole("button", { name: "Revoke" }));
    const dialog = screen.getByRole("dialog", { name: "Revoke token ci-deploy?" });
    expect(dialog).toHaveTextContent("Programs using it get “unauthenticated” from now on.");
    expect(within(dialog).getByRole("button", { name: "Cancel" })).toHaveFocus();
    await events.click(within(dialog).getByRole("button", { name: "Revoke token" }));

    expect(await screen.findByText("No API tokens")).toBeVisible();
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(api.writes).toEqual([{ method: "DELETE", path: `/v1/tokens/${IDS.token}` }]);
  });

  it("keeps the token when the dialog is cancelled", async () => {
    const { api, events } = await openPage();
    await events.click(screen.getByRole("button", { name: "Revoke" }));
    await events.keyboard("{Enter}");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(screen.getByRole("row", { name: /^ci-deploy/ })).toBeVisible();
    expect(api.writes).toEqual([]);
  });
});
