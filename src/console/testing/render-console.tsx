import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { ConsoleProviders, createQueryClient } from '../app/app.tsx';
import { parseConsoleConfig, type ConsoleConfig } from '../app/config.ts';
import { setFhirConnection } from '../app/fhir-connection.ts';
import { createSession } from '../auth/session.ts';
import { createUserManager } from '../auth/user-manager.ts';

// Console component tests render through the real providers at a URL (STYLE.md), talking to the
// real reference server the Vitest global setup started, when they talk to one at all.

// jsdom has no modal <dialog> yet; this is the behaviour the browser gives (open + close event).
if (typeof HTMLDialogElement !== 'undefined' && !HTMLDialogElement.prototype.showModal) {
  HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
    this.removeAttribute('open');
    this.dispatchEvent(new Event('close'));
  };
}

export function testConfig(fhirBaseUrl = 'http://127.0.0.1:9/w/default/default/api/v1/fhir/r4'): ConsoleConfig {
  const result = parseConsoleConfig({ fhirBaseUrl }, 'http://localhost');
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.config;
}

export function renderConsole(
  element: ReactElement,
  options: { path?: string; url?: string; config?: ConsoleConfig; fetch?: typeof fetch } = {},
) {
  const config = options.config ?? testConfig();
  const session = createSession(createUserManager(config, 'http://localhost'), options.fetch);
  setFhirConnection({ baseUrl: config.fhirBaseUrl, fetch: session.fetchWithAuth });
  const queryClient = createQueryClient();
  const router = createMemoryRouter([{ path: options.path ?? '/', element }, { path: '*', element: <p>Elsewhere</p> }], {
    initialEntries: [options.url ?? '/'],
  });
  const view = render(
    <ConsoleProviders config={config} session={session} queryClient={queryClient}>
      <RouterProvider router={router} />
    </ConsoleProviders>,
  );
  return { ...view, router, queryClient, session };
}
