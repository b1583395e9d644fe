// Every route names the browser tab after its page, so tabs and history entries tell pages apart.
import { describe, expect, it } from "vitest";
import { resolveRoute } from "../src/app/Routes.js";
import { user } from "./support/fixtures.js";

describe("page titles", () => {
  it("gives each route its own title", () => {
    const admin = user();
    const paths = [
      "/",
      "/pairs",
      "/databases",
      "/databases/new",
      "/databases/8f0c1d2e-3f4a-4b5c-8d6e-7f8091a2b3c4",
      "/backups",
      "/access",
      "/reports",
      "/tokens",
      "/admin",
      "/admin/users",
      "/nowhere",
    ];
    expect(paths.map((path) => [path, resolveRoute(path, admin).title])).toEqual([
      ["/", "Pairs"],
      ["/pairs", "Pairs"],
      ["/databases", "Databases"],
      ["/databases/new", "New database"],
      ["/databases/8f0c1d2e-3f4a-4b5c-8d6e-7f8091a2b3c4", "Database"],
      ["/backups", "Backups"],
      ["/access", "Access requests"],
      ["/reports", "Reports"],
      ["/tokens", "API tokens"],
      ["/admin", "Admin"],
      ["/admin/users", "Admin"],
      ["/nowhere", "Page not found"],
    ]);
  });

  it("tells a member the admin pages are not theirs", () => {
    expect(resolveRoute("/admin", user({ role: "member" })).title).toBe("Admins only");
  });
});
