import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app.tsx';
import { loadConsoleConfig } from './app/config.ts';
import { ConfigErrorPage } from './app/config-error-page.tsx';
import { setFhirConnection } from './app/fhir-connection.ts';
import { isReturnFromOp } from './app/paths.ts';
import { createSession } from './auth/session.ts';
import { createUserManager } from './auth/user-manager.ts';
import './app/global.css';

// Start: read the runtime configuration, then build the session and render. An invalid or
// missing config.json gives a readable page, never a blank screen (issue 4 §1).

async function start(root: HTMLElement) {
  const reactRoot = createRoot(root);
  const result = await loadConsoleConfig();
  if (!result.ok) {
    reactRoot.render(<ConfigErrorPage problems={result.problems} />);
    return;
  }
  const session = createSession(createUserManager(result.config));
  setFhirConnection({ baseUrl: result.config.fhirBaseUrl, fetch: session.fetchWithAuth });
  // Tokens live in memory only, so every page load starts without one: sign in silently on the
  // OP's session first, before React renders, so the round trip overlaps the first render and the
  // route chunk's download; the protected layout waits for it and falls back to the redirect.
  if (!isReturnFromOp(window.location)) void session.resume();
  reactRoot.render(
    <StrictMode>
      <App config={result.config} session={session} />
    </StrictMode>,
  );
}

const root = document.getElementById('root');
if (root) void start(root);
