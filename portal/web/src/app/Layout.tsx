import type { User } from "@pgaas/api";
import type { ReactNode } from "react";
import { Button } from "../components/Button.js";
import { Logo } from "../components/Logo.js";
import { usePendingAccessCount } from "../features/access/api.js";
import { Link, useLocation } from "../lib/router.js";
import { useSession } from "../lib/session.js";
import { navItems } from "./nav.js";

export function Layout({ user, children }: { user: User; children: ReactNode }) {
  const { pathname } = useLocation();
  const { signOut } = useSession();
  const pending = usePendingAccessCount();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <Link to="/" className="brand">
          <Logo />
          pgaas
        </Link>
        <ul className="nav">
          {navItems(user.role, pending.state.status === "success" ? pending.state.data.pending : 0).map(
            (item) => (
              <li key={item.to}>
                <Link to={item.to} aria-current={pathname.startsWith(item.to) ? "page" : undefined}>
                  {item.label}
                  {item.badge ? (
                    <>
                      <span className="nav-badge" aria-hidden="true">
                        {item.badge.count}
                      </span>
                      <span className="visually-hidden">, {item.badge.label}</span>
                    </>
                  ) : null}
                </Link>
              </li>
            ),
          )}
        </ul>
        <div className="sidebar-footer">
          <span className="sidebar-user">
            <span>{user.email}</span>
            <span className="sidebar-role">{user.role === "admin" ? "Administrator" : "Member"}</span>
            <span className="sidebar-role">All times are UTC</span>
          </span>
          <Button className="button-small" onClick={() => void signOut()}>
            Sign out
          </Button>
        </div>
      </nav>
      <main id="main">{children}</main>
    </div>
  );
}
