import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app.tsx';
import { loadConsoleConfig } from './app/config.ts';
import { ConfigErrorPage } from './app/config-error-page.tsx';
import { setFhirConnection } from './app/fhir-connection.ts';
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
  reactRoot.render(
    <StrictMode>
      <App config={result.config} session={session} />
    </StrictMode>,
  );
}

const root = document.getElementById('root');
if (root) void start(root);
