import { PageHeader } from "../../components/PageHeader.js";
import { Link, useLocation } from "../../lib/router.js";
import { AlertsPanel } from "./AlertsPanel.js";
import { AuditLog } from "./AuditLog.js";
import { EventsPanel } from "./EventsPanel.js";
import { PairSettingsPanel } from "./PairSettingsPanel.js";
import { UsersPanel } from "./UsersPanel.js";

const TABS = [
  { to: "/admin/events", label: "Events and switchover" },
  { to: "/admin/settings", label: "Pair settings" },
  { to: "/admin/audit", label: "Audit log" },
  { to: "/admin/users", label: "Users" },
  { to: "/admin/alerts", label: "Alerts" },
] as const;

export function AdminPage() {
  const { pathname } = useLocation();
  const current = TABS.find((tab) => pathname === tab.to) ?? TABS[0];
  return (
    <>
      <PageHeader
        title="Admin"
        subtitle="What happened to the pairs, who changed what, who may sign in, and who is alerted."
      />
      <nav className="subnav" aria-label="Admin sections">
        {TABS.map((tab) => (
          <Link key={tab.to} to={tab.to} aria-current={tab === current ? "page" : undefined}>
            {tab.label}
          </Link>
        ))}
      </nav>
      {current.to === "/admin/events" ? <EventsPanel /> : null}
      {current.to === "/admin/settings" ? <PairSettingsPanel /> : null}
      {current.to === "/admin/audit" ? <AuditLog /> : null}
      {current.to === "/admin/users" ? <UsersPanel /> : null}
      {current.to === "/admin/alerts" ? <AlertsPanel /> : null}
    </>
  );
}
