import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { UsersPanel } from "../src/features/admin/UsersPanel.js";
import { created, failure, fakeApi, noContent, ok } from "./support/fake-api.js";
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
  it("asks before a role change, applies it on confirmation and says it is done", async () => {
    const { api, events } = await openPanel();
    await events.selectOptions(memberRow().getByLabelText("Role of max@example.com"), "admin");
    const dialog = screen.getByRole("dialog", { name: "Make max@example.com an admin?" });
    expect(dialog).toHaveTextContent(
      "Admins manage pairs, users and settings, see every database and read the audit log.",
    );
    // Nothing changed yet: the select still shows the current role.
    expect(memberRow().getByLabelText("Role of max@example.com")).toHaveValue("member");
    expect(api.writes).toEqual([]);

    const saving = api.hold("PATCH", MEMBER_PATH);
    api.on("GET", "/v1/users", ok({ users: [admin, { ...member, role: "admin" }] }));
    await events.click(within(dialog).getByRole("button", { name: "Make admin" }));
    expect(within(dialog).getByRole("button", { name: "Make admin" })).toBeDisabled();
    await saving.release(ok({ user: { ...member, role: "admin" } }));

    expect(await screen.findByRole("status")).toHaveTextContent("max@example.com is now an admin.");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(memberRow().getByLabelText("Role of max@example.com")).toHaveValue("admin");
    expect(api.writes).toEqual([{ method: "PATCH", path: MEMBER_PATH, body: { role: "admin" } }]);
    expect(api.requests.at(-1)).toEqual({ method: "GET", path: "/v1/users" });
  });

  it("changes nothing when the role change is cancelled", async () => {
    const { api, events } = await openPanel();
    await events.selectOptions(memberRow().getByLabelText("Role of max@example.com"), "admin");
    await events.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(memberRow().getByLabelText("Role of max@example.com")).toHaveValue("member");
    expect(api.writes).toEqual([]);
  });

  it("shows why the last admin cannot be demoted, in the dialog", async () => {
    const { api, events } = await openPanel();
    const ADMIN_PATH = `/v1/users/${IDS.admin}`;
    api.on(
      "PATCH",
      ADMIN_PATH,
      failure(409, "last_admin", "the last enabled admin cannot be demoted, disabled or deleted"),
    );
    const adminRow = within(screen.getByRole("row", { name: /^ada@example\.com/ }));
    await events.selectOptions(adminRow.getByLabelText("Role of ada@example.com"), "member");
    const dialog = screen.getByRole("dialog", { name: "Make ada@example.com a member?" });
    await events.click(within(dialog).getByRole("button", { name: "Make member" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent(
      "This is the last enabled admin: make someone else an admin first.",
    );
    expect(adminRow.getByLabelText("Role of ada@example.com")).toHaveValue("admin");
    expect(api.writes).toEqual([{ method: "PATCH", path: ADMIN_PATH, body: { role: "member" } }]);
  });

  it("disables and enables a user, saying what that does", async () => {
    const disabled = { ...member, disabled: true };
    const { api, events } = await openPanel();
    api
      .on("PATCH", MEMBER_PATH, ok({ user: disabled }), ok({ user: member }))
      .on("GET", "/v1/users", ok({ users: [admin, disabled] }));
    await events.click(memberRow().getByRole("button", { name: "Disable" }));
    expect(await memberRow().findByText("disabled")).toBeVisible();
    expect(screen.getByRole("status")).toHaveTextContent(
      "max@example.com is disabled: their sessions have ended and their API tokens are refused.",
    );

    api.on("GET", "/v1/users", ok({ users: [admin, member] }));
    await events.click(memberRow().getByRole("button", { name: "Enable" }));
    expect(await memberRow().findByText("active")).toBeVisible();
    expect(screen.getByRole("status")).toHaveTextContent("max@example.com is enabled again and can sign in.");
    expect(api.writes).toEqual([
      { method: "PATCH", path: MEMBER_PATH, body: { disabled: true } },
      { method: "PATCH", path: MEMBER_PATH, body: { disabled: false } },
    ]);
  });

  it("shows a refused change in the user's row", async () => {
    const { api, events } = await openPanel();
    api.on("PATCH", MEMBER_PATH, failure(403, "forbidden", "admins only"));
    await events.click(memberRow().getByRole("button", { name: "Disable" }));
    expect(await memberRow().findByRole("alert")).toHaveTextContent(
      "You are not allowed to do this. Ask an admin or the database owner.Server said: admins only",
    );
    expect(memberRow().getByText("active")).toBeVisible();
  });
});

describe("deleting a user", () => {
  const disabled = { ...member, disabled: true };
  async function openWithDisabled() {
    const api = fakeApi().on("GET", "/v1/users", ok({ users: [admin, disabled] }));
    render(<UsersPanel />);
    await screen.findByRole("table", { name: "Users" });
    return { api, events: userEvent.setup() };
  }

  it("is offered for disabled users only", async () => {
    await openPanel();
    expect(memberRow().queryByRole("button", { name: "Delete" })).toBeNull();
  });

  it("needs the email typed, deletes and says so", async () => {
    const { api, events } = await openWithDisabled();
    await events.click(memberRow().getByRole("button", { name: "Delete" }));
    const dialog = screen.getByRole("dialog", { name: "Delete max@example.com?" });
    expect(dialog).toHaveTextContent(
      "Their API tokens and pending access requests are deleted with them. It is refused while they own live databases or hold access grants: delete or revoke those first. The audit log keeps their entries, shown as “deleted user”.",
    );
    const confirm = within(dialog).getByRole("button", { name: "Delete user" });
    expect(confirm).toBeDisabled();
    await events.type(within(dialog).getByLabelText("Type max@example.com to confirm"), "max@example.com");
    api.on("DELETE", MEMBER_PATH, noContent).on("GET", "/v1/users", ok({ users: [admin] }));
    await events.click(confirm);

    expect(await screen.findByRole("status")).toHaveTextContent("max@example.com was deleted.");
    expect(screen.queryByRole("row", { name: /^max@example\.com/ })).toBeNull();
    expect(api.writes).toEqual([{ method: "DELETE", path: MEMBER_PATH }]);
  });

  it("names the databases that are in the way", async () => {
    const { api, events } = await openWithDisabled();
    api.on(
      "DELETE",
      MEMBER_PATH,
      failure(409, "database_owner_exists", "the user owns live databases: delete them first", {
        databases: ["orders", "billing"],
      }),
    );
    await events.click(memberRow().getByRole("button", { name: "Delete" }));
    const dialog = screen.getByRole("dialog", { name: "Delete max@example.com?" });
    await events.type(within(dialog).getByLabelText("Type max@example.com to confirm"), "max@example.com");
    await events.click(within(dialog).getByRole("button", { name: "Delete user" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent(
      "The user still owns live databases. Delete them first.",
    );
    expect(dialog).toHaveTextContent("Still in the way: orders, billing.");
    expect(memberRow().getByText("disabled")).toBeVisible();
  });
});
