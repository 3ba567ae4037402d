import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { Session, SessionState } from './session.ts';

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ session, children }: { session: Session; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** The session object itself: stable for the page's lifetime, safe as an effect dependency. */
export function useSessionApi(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession must be used inside <SessionProvider>.');
  return session;
}

/** The session and its current state (re-renders on every change). */
export function useSession(): Session & SessionState {
  const session = useSessionApi();
  const state = useSyncExternalStore(session.subscribe, session.getState, session.getState);
  return { ...session, ...state };
}
