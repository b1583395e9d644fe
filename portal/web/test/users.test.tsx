import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { UsersPanel } from "../src/features/admin/UsersPanel.js";
import { created, failure, fakeApi, ok } from "./support/fake-api.js";
import { IDS, user } from "./support/fixtures.js";

const admin = user();
const member = user({ id: IDS.member, email: "max@example.com", role: "member" });
const MEMBER_PATH = `/v1/users/${IDS.member}`;

async function openPanel() {
  const api = fakeApi().on("GET", "/v1/users", ok({ users: [admin, member] }));
  render(<UsersPanel />);
  await screen.findByRole("table", { name: "Users" });
  expect(api.requests).toEqual([{ method: "GET", path: "/v1/users" }]);
  const form = within(screen.getByRole("form", { name: "New user" }));
  return { api, form, events: userEvent.setup() };
}

const memberRow = () => within(screen.getByRole("row", { name: /^max@example\.com/ }));

describe("new user", () => {
  it("checks the email and the password length before sending", async () => {
    const { api, form, events } = await openPanel();
    await events.click(form.getByRole("button", { name: "Create user" }));
    expect(form.getByLabelText("Email")).toHaveAccessibleDescription("Required");
    expect(form.getByLabelText("Initial password")).toHaveAccessibleDescription(
      "At least 12 characters. Required",
    );

    await events.type(form.getByLabelText("Email"), "lin@");
    await events.type(form.getByLabelText("Initial password"), "short pass");
    await events.click(form.getByRole("button", { name: "Create user" }));
    expect(form.getByLabelText("Email")).toHaveAccessibleDescription("Invalid email address");
    expect(form.getByLabelText("Initial password")).toHaveAccessibleDescription(
      "At least 12 characters. at least 12 characters",
    );
    expect(api.writes).toEqual([]);
  });

  it("creates the user with the chosen role, empties the form and lists them", async () => {
    const lin = user({ id: "d7b8c93a-4b5c-4d6e-8f70-8192a3b4c5d6", email: "lin@example.com", role: "admin" });
    const { api, form, events } = await openPanel();
    api
      .on("POST", "/v1/users", created({ user: lin }))
      .on("GET", "/v1/users", ok({ users: [admin, member, lin] }));
    await events.type(form.getByLabelText("Email"), "Lin@Example.com");
    await events.type(form.getByLabelText("Initial password"), "a long enough secret");
    await events.selectOptions(form.getByLabelText("Role"), "admin");
    await events.click(form.getByRole("button", { name: "Create user" }));

    expect(await form.findByRole("status")).toHaveTextContent(
      "User lin@example.com created. Give them their password over a safe channel.",
    );
    expect(await screen.findByRole("row", { name: /^lin@example\.com/ })).toBeVisible();
    expect(form.getByLabelText("Email")).toHaveValue("");
    expect(form.getByLabelText("Initial password")).toHaveValue("");
    expect(form.getByLabelText("Role")).toHaveValue("member");
    expect(api.writes).toEqual([
      {
        method: "POST",
        path: "/v1/users",
        body: { email: "lin@example.com", password: "a long enough secret", role: "admin" },
      },
    ]);
  });

  it("shows a taken email as an error and keeps what was typed", async () => {
    const { api, form, events } = await openPanel();
    api.on("POST", "/v1/users", failure(409, "user_exists", "a user with this email exists"));
    await events.type(form.getByLabelText("Email"), "max@example.com");
    await events.type(form.getByLabelText("Initial password"), "a long enough secret{Enter}");
    expect(await form.findByRole("alert")).toHaveTextContent("A user with that email already exists.");
    expect(form.getByLabelText("Email")).toHaveValue("max@example.com");
  });
});

describe("users table", () => {
  it("changes a role at once, with the select locked while it is saved", async () => {
    const { api, events } = await openPanel();
    const saving = api.hold("PATCH", MEMBER_PATH);
    api.on("GET", "/v1/users", ok({ users: [admin, { ...member, role: "admin" }] }));
    await events.selectOptions(memberRow().getByLabelText("Role of max@example.com"), "admin");
    expect(memberRow().getByLabelText("Role of max@example.com")).toBeDisabled();
    expect(memberRow().getByRole("button", { name: "Disable" })).toBeDisabled();

    await saving.release(ok({ user: { ...member, role: "admin" } }));
    expect(memberRow().getByLabelText("Role of max@example.com")).toHaveValue("admin");
    expect(memberRow().getByLabelText("Role of max@example.com")).toBeEnabled();
    expect(api.writes).toEqual([{ method: "PATCH", path: MEMBER_PATH, body: { role: "admin" } }]);
    expect(api.requests.at(-1)).toEqual({ method: "GET", path: "/v1/users" });
  });

  it("disables and enables a user", async () => {
    const disabled = { ...member, disabled: true };
    const { api, events } = await openPanel();
    api
      .on("PATCH", MEMBER_PATH, ok({ user: disabled }), ok({ user: member }))
      .on("GET", "/v1/users", ok({ users: [admin, disabled] }));
    await events.click(memberRow().getByRole("button", { name: "Disable" }));
    expect(await memberRow().findByText("disabled")).toBeVisible();

    api.on("GET", "/v1/users", ok({ users: [admin, member] }));
    await events.click(memberRow().getByRole("button", { name: "Enable" }));
    expect(await memberRow().findByText("active")).toBeVisible();
    expect(api.writes).toEqual([
      { method: "PATCH", path: MEMBER_PATH, body: { disabled: true } },
      { method: "PATCH", path: MEMBER_PATH, body: { disabled: false } },
    ]);
  });

  it("shows a refused change in the user's row", async () => {
    const { api, events } = await openPanel();
    api.on("PATCH", MEMBER_PATH, failure(403, "forbidden", "the last admin cannot be demoted"));
    await events.click(memberRow().getByRole("button", { name: "Disable" }));
    expect(await memberRow().findByRole("alert")).toHaveTextContent(
      "You are not allowed to do this. Ask an admin or the database owner.Server said: the last admin cannot be demoted",
    );
    expect(memberRow().getByText("active")).toBeVisible();
  });
});
