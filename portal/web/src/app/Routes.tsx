// Path → page. Each page comes from its feature slice; only this file knows them all.
import type { User } from "@pgaas/api";
import { useEffect } from "react";
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
import { Link, matchPath, navigate, useLocation } from "../lib/router.js";

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

export function Routes({ user }: { user: User }) {
  const { pathname } = useLocation();
  if (pathname === "/" || pathname === "/login") return <Redirect to="/pairs" />;
  if (pathname === "/pairs") return <PairsPage />;
  if (pathname === "/backups") return <BackupsPage user={user} />;
  if (pathname === "/databases") return <DatabasesPage />;
  if (pathname === "/databases/new") return <CreateDatabasePage />;
  const database = matchPath("/databases/:id", pathname);
  if (database?.id) return <DatabaseDetailPage id={database.id} user={user} />;
  if (pathname === "/access") return <AccessPage user={user} />;
  if (pathname === "/reports") return <ReportsPage />;
  if (pathname === "/tokens") return <TokensPage />;
  if (pathname === "/admin" || pathname.startsWith("/admin/")) {
    return user.role === "admin" ? (
      <AdminPage />
    ) : (
      <EmptyState title="Admins only">Ask an admin for help.</EmptyState>
    );
  }
  return (
    <EmptyState title="Page not found">
      <Link to="/pairs">Go to the pairs overview</Link>
    </EmptyState>
  );
}
