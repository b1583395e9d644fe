// Who is signed in. Loaded once at boot from GET /v1/auth/me; every page reads it from context.
import { logout as logoutRoute, me, type User } from "@pgaas/api";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { callRoute, SESSION_ENDED_EVENT } from "./api-client.js";
import { ApiError } from "./api-error.js";

export type SessionState =
  | { status: "loading" }
  | { status: "signed-out" }
  | { status: "error"; error: unknown }
  | { status: "signed-in"; user: User };

interface SessionContextValue {
  session: SessionState;
  /** Re-reads /v1/auth/me (after sign-in). */
  refresh: () => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

async function loadSession(): Promise<SessionState> {
  try {
    const { user } = await callRoute(me);
    return { status: "signed-in", user };
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return { status: "signed-out" };
    return { status: "error", error };
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionState>({ status: "loading" });
  const refresh = useCallback(async () => setSession(await loadSession()), []);
  const signOut = useCallback(async () => {
    await callRoute(logoutRoute).catch(() => undefined);
    setSession({ status: "signed-out" });
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  useEffect(() => {
    const ended = () =>
      setSession((current) => (current.status === "signed-in" ? { status: "signed-out" } : current));
    window.addEventListener(SESSION_ENDED_EVENT, ended);
    return () => window.removeEventListener(SESSION_ENDED_EVENT, ended);
  }, []);
  const value = useMemo(() => ({ session, refresh, signOut }), [session, refresh, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}
