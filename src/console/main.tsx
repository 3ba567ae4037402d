// First: before any chunk that carries zod loads (see the module).
import './app/zod-settings.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, createQueryClient } from './app/app.tsx';
import { loadConsoleConfig } from './app/config.ts';
import { ConfigErrorPage } from './app/config-error-page.tsx';
import { setFhirConnection } from './app/fhir-connection.ts';
import { isReturnFromOp } from './app/paths.ts';
import { createRouter, firstPageReady } from './app/router.tsx';
import { takeEarlySignIn } from './auth/early-sign-in-handoff.ts';
import { createSession } from './auth/session.ts';
import { createUserManager } from './auth/user-manager.ts';
import './app/global.css';

// Start: read the runtime configuration, then build the session and render. An invalid or
// missing config.json gives a readable page, never a blank screen (issue 4 §1).

async function start(root: HTMLElement) {
  const result = await loadConsoleConfig();
  if (!result.ok) {
    createRoot(root).render(<ConfigErrorPage problems={result.problems} />);
    return;
  }
  const { config } = result;
  const session = createSession(createUserManager(config));
  setFhirConnection({ baseUrl: config.fhirBaseUrl, fetch: session.fetchWithAuth });
  // Tokens live in memory only, so every page load starts without one: sign in silently on the
  // OP's session first (with the answer to the request index.html's own script already sent, if
  // it did: early-sign-in.ts); the page's chunk loads meanwhile, and the protected layout waits for
  // the outcome and falls back to the redirect.
  if (!isReturnFromOp(window.location)) void session.resume(takeEarlySignIn(config));
  const queryClient = createQueryClient();
  const router = createRouter(queryClient, session);
  // React renders once, when the first page is ready (the list with its rows on a page load),
  // instead of a loading page it replaces moments later: that render and its paint would take the
  // main thread the sign-in's round trips need. index.html shows the loading state until then.
  await firstPageReady(router);
  createRoot(root).render(
    <StrictMode>
      <App config={config} session={session} queryClient={queryClient} router={router} />
    </StrictMode>,
  );
}

const root = document.getElementById('root');
if (root) void start(root);
