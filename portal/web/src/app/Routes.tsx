// Path → page and its title. Each page comes from its feature slice; only this file knows them all.
import type { User } from "@pgaas/api";
import { type ReactNode, useEffect } from "react";
import { EmptyState } from "../components/EmptyState.js";
import { AccessPage } from "../features/access/AccessPage.js";
import { AdminPage } from "../features/admin/AdminPage.js";
import { BackupsPage } from "../features/backups/BackupsPage.js";
import { CreateDatabasePage } from "../features/databases/CreateDatabasePage.js";
import { DatabaseDetailPage } from "../features/databases/DatabaseDetailPage.js";
import { DatabasesPage } from "../features/databases/DatabasesPage.js";
import { PairsPage } from "../features/pairs/PairsPage.js";
import { ReportsPage } from "../features/reports/ReportsPage.js";
import { TokensPage } from "../features/tokens/TokensPage.js";
import { Link, matchPath, navigate, useLocation, usePageTitle } from "../lib/router.js";

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

/** The page for a path and the title the browser tab shows for it. */
export function resolveRoute(pathname: string, user: User): { title: string; page: ReactNode } {
  if (pathname === "/" || pathname === "/login") return { title: "Pairs", page: <Redirect to="/pairs" /> };
  if (pathname === "/pairs") return { title: "Pairs", page: <PairsPage /> };
  if (pathname === "/backups") return { title: "Backups", page: <BackupsPage user={user} /> };
  if (pathname === "/databases") return { title: "Databases", page: <DatabasesPage /> };
  if (pathname === "/databases/new") return { title: "New database", page: <CreateDatabasePage /> };
  const database = matchPath("/databases/:id", pathname);
  if (database?.id) return { title: "Database", page: <DatabaseDetailPage id={database.id} user={user} /> };
  if (pathname === "/access") return { title: "Access requests", page: <AccessPage user={user} /> };
  if (pathname === "/reports") return { title: "Reports", page: <ReportsPage /> };
  if (pathname === "/tokens") return { title: "API tokens", page: <TokensPage /> };
  if (pathname === "/admin" || pathname.startsWith("/admin/")) {
    return user.role === "admin"
      ? { title: "Admin", page: <AdminPage /> }
      : {
          title: "Admins only",
          page: <EmptyState title="Admins only">Ask an admin for help.</EmptyState>,
        };
  }
  return {
    title: "Page not found",
    page: (
      <EmptyState title="Page not found">
        <Link to="/pairs">Go to the pairs overview</Link>
      </EmptyState>
    ),
  };
}

export function Routes({ user }: { user: User }) {
  const { pathname } = useLocation();
  const { title, page } = resolveRoute(pathname, user);
  usePageTitle(title);
  return page;
}
