// The app: a session gate in front of the routed pages.

import { ErrorAlert } from "../components/ErrorAlert.js";
import { Loading } from "../components/Loading.js";
import { SignInPage } from "../features/auth/SignInPage.js";
import { SessionProvider, useSession } from "../lib/session.js";
import { CrashBoundary } from "./CrashBoundary.js";
import { Layout } from "./Layout.js";
import { Routes } from "./Routes.js";

function Gate() {
  const { session, refresh } = useSession();
  switch (session.status) {
    case "loading":
      return (
        <main>
          <Loading label="Checking your session…" />
        </main>
      );
    case "error":
      return (
        <main>
          <ErrorAlert error={session.error} title="The portal could not start" />
          <button type="button" className="button button-secondary" onClick={() => void refresh()}>
            Try again
          </button>
        </main>
      );
    case "signed-out":
      return <SignInPage />;
    case "signed-in":
      return (
        <Layout user={session.user}>
          <Routes user={session.user} />
        </Layout>
      );
    default: {
      const unreachable: never = session;
      return unreachable;
    }
  }
}

export function App() {
  return (
    <CrashBoundary>
      <SessionProvider>
        <Gate />
      </SessionProvider>
    </CrashBoundary>
  );
}
