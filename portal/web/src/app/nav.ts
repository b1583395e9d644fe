import type { UserRole } from "@pgaas/api";

export interface NavItem {
  to: string;
  label: string;
  /** A count waiting for the user (pending access requests to decide); absent when nothing waits. */
  badge?: { count: number; label: string };
}

/**
 * Sections of the portal; admin-only sections are left out for members. `pendingAccess` requests
 * wait for this user's decision and badge the access section.
 */
export function navItems(role: UserRole, pendingAccess = 0): NavItem[] {
  const access: NavItem = { to: "/access", label: "Access requests" };
  if (pendingAccess > 0) {
    access.badge = {
      count: pendingAccess,
      label: `${pendingAccess} pending ${pendingAccess === 1 ? "request" : "requests"} to decide`,
    };
  }
  const items: NavItem[] = [
    { to: "/pairs", label: "Pairs" },
    { to: "/databases", label: "Databases" },
    { to: "/backups", label: "Backups" },
    access,
    { to: "/reports", label: "Reports" },
    { to: "/tokens", label: "API tokens" },
  ];
  if (role === "admin") items.push({ to: "/admin", label: "Admin" });
  return items;
}
