import type { UserRole } from "@pgaas/api";

export interface NavItem {
  to: string;
  label: string;
}

/** Sections of the portal; admin-only sections are left out for members. */
export function navItems(role: UserRole): NavItem[] {
  const items: NavItem[] = [
    { to: "/pairs", label: "Pairs" },
    { to: "/databases", label: "Databases" },
    { to: "/backups", label: "Backups" },
    { to: "/access", label: "Access requests" },
    { to: "/reports", label: "Reports" },
    { to: "/tokens", label: "API tokens" },
  ];
  if (role === "admin") items.push({ to: "/admin", label: "Admin" });
  return items;
}
