import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "../src/app/App.js";
import { failure, fakeApi, noContent, ok } from "./support/fake-api.js";
import { user } from "./support/fixtures.js";

const signedOut = failure(401, "unauthenticated", "sign in first");

async function openSignIn() {
  const api = fakeApi().on("GET", "/v1/auth/me", signedOut);
  render(<App />);
  const email = await screen.findByLabelText("Email");
  return { api, email, password: screen.getByLabelText("Password"), events: userEvent.setup() };
}

describe("sign-in", () => {
  it("marks blank fields Required and sends nothing", async () => {
    const { api, email, password, events } = await openSignIn();
    await events.click(screen.getByRole("button", { name: "Sign in" }));
    expect(email).toHaveAccessibleDescription("Required");
    expect(password).toHaveAccessibleDescription("Required");
    expect(email).toBeInvalid();
    expect(email).toHaveFocus();
    expect(document.title).toBe("Sign in · pgaas");
    expect(api.writes).toEqual([]);
  });

  it("refuses an address that is not an email", async () => {
    const { api, email, password, events } = await openSignIn();
    await events.type(email, "ada.example.com");
    await events.type(password, "correct horse battery");
    await events.click(screen.getByRole("button", { name: "Sign in" }));
    expect(email).toHaveAccessibleDescription("Invalid email address");
    expect(password).not.toHaveAccessibleDescription();
    expect(api.writes).toEqual([]);
  });

  it("signs in with the keyboard and opens the pairs overview", async () => {
    const { api, email, events } = await openSignIn();
    api
      .on("POST", "/v1/auth/login", ok({ user: user() }))
      .on("GET", "/v1/auth/me", ok({ user: user() }))
      .on("GET", "/v1/access-requests/pending-count", ok({ pending: 0 }))
      .on("GET", "/v1/pairs", ok({ pairs: [] }));
    await events.click(email);
    await events.keyboard("Ada@Example.com{Tab}correct horse battery{Enter}");

    expect(await screen.findByRole("heading", { name: "Pairs", level: 1 })).toBeVisible();
    expect(await screen.findByText("No pairs registered yet")).toBeVisible();
    expect(screen.getByText("ada@example.com")).toBeVisible();
    expect(window.location.pathname).toBe("/pairs");
    expect(document.title).toBe("Pairs · pgaas");
    expect(api.requests).toEqual([
      { method: "GET", path: "/v1/auth/me" },
      {
        method: "POST",
        path: "/v1/auth/login",
        // The schema lower-cases the address before it leaves the page.
        body: { email: "ada@example.com", password: "correct horse battery" },
      },
      { method: "GET", path: "/v1/auth/me" },
      { method: "GET", path: "/v1/access-requests/pending-count" },
      { method: "GET", path: "/v1/pairs" },
    ]);
  });

  it("says the credentials are wrong, keeps the form and frees the button again", async () => {
    const { api, email, password, events } = await openSignIn();
    const login = api.hold("POST", "/v1/auth/login");
    await events.type(email, "ada@example.com");
    await events.type(password, "not the password");
    await events.click(screen.getByRole("button", { name: "Sign in" }));

    const button = screen.getByRole("button", { name: "Sign in" });
    expect(button).toBeDisabled();
    expect(button).toHaveAttribute("aria-busy", "true");

    await login.release(failure(401, "invalid_credentials", "email or password is wrong"));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "The email or password is wrong.Server said: email or password is wrongRequest id: req-7f3a",
    );
    expect(screen.getByRole("button", { name: "Sign in" })).toBeEnabled();
    expect(password).toHaveValue("not the password");
    expect(api.writes).toEqual([
      {
        method: "POST",
        path: "/v1/auth/login",
        body: { email: "ada@example.com", password: "not the password" },
      },
    ]);
  });

  it("signs out back to the form", async () => {
    const api = fakeApi()
      .on("GET", "/v1/auth/me", ok({ user: user() }))
      .on("GET", "/v1/pairs", ok({ pairs: [] }))
      .on("GET", "/v1/access-requests/pending-count", ok({ pending: 0 }))
      .on("POST", "/v1/auth/logout", noContent);
    render(<App />);
    await userEvent.setup().click(await screen.findByRole("button", { name: "Sign out" }));
    expect(await screen.findByRole("heading", { name: "Sign in to pgaas" })).toBeVisible();
    expect(api.writes).toEqual([{ method: "POST", path: "/v1/auth/logout" }]);
  });
});
