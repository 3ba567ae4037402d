import { useEffect, useState } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { useSession, useSessionApi } from '../auth/auth-context.tsx';
import { paths } from './paths.ts';
import { Spinner } from '../ui/states.tsx';

// `/`: the OP sends the admin back here after sign-out (post_logout_redirect_uri, with `state`);
// otherwise it is just the way in to the client list.

export function HomePage() {
  const [search] = useSearchParams();
  const session = useSession();
  const sessionApi = useSessionApi();
  const isSignOutReturn = search.has('state');
  const [isDone, setIsDone] = useState(false);

  useEffect(() => {
    if (!isSignOutReturn) return;
    void sessionApi
      .completeSignOut()
      .catch(() => undefined)
      .finally(() => {
        window.history.replaceState(null, '', paths.home());
        setIsDone(true);
      });
  }, [isSignOutReturn, sessionApi]);

  if (!isSignOutReturn && session.status !== 'signed-out') return <Navigate to={paths.clientApplications()} replace />;
  if (isSignOutReturn && !isDone) return <Spinner label="Signing out…" />;
  return <SignedOutPage onSignIn={() => void session.signIn(paths.clientApplications())} />;
}

export function SignedOutPage({ onSignIn }: { onSignIn: () => void }) {
  return (
    <main className="centered-page">
      <h1>You have signed out</h1>
      <p>Your tokens were revoked and your session ended.</p>
      <button type="button" className="button button-primary" onClick={onSignIn}>
        Sign in again
      </button>
    </main>
  );
}
