import { useEffect, useState } from 'react';
import { z } from 'zod';

// The landing page of the reference server: where its APIs live. The full console (sign-in,
// client list and editor) is built on this shell.

const ConsoleConfigSchema = z.object({ fhirBaseUrl: z.url() });
type ConsoleConfig = z.infer<typeof ConsoleConfigSchema>;

type State = { status: 'loading' } | { status: 'ready'; config: ConsoleConfig } | { status: 'error'; message: string };

export function ServerHome() {
  const [state, setState] = useState<State>({ status: 'loading' });

  useEffect(() => {
    const controller = new AbortController();
    fetch('/config.json', { signal: controller.signal })
      .then(async (response) => {
        if (!response.ok) throw new Error(`the server answered ${response.status}`);
        const parsed = ConsoleConfigSchema.safeParse(await response.json());
        if (!parsed.success) throw new Error('config.json does not name a valid FHIR base URL');
        setState({ status: 'ready', config: parsed.data });
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', message: (error as Error).message });
      });
    return () => controller.abort();
  }, []);

  return (
    <main className="home">
      <h1>Client Admin</h1>
      <p className="lead">
        OAuth 2.0 and OpenID Connect clients, stored as FHIR <code>ClientApplication</code> resources.
      </p>
      {state.status === 'loading' && <p aria-live="polite">Loading the server configuration…</p>}
      {state.status === 'error' && (
        <p role="alert">The console configuration could not be loaded: {state.message}.</p>
      )}
      {state.status === 'ready' && (
        <dl className="endpoints">
          <dt>FHIR R4 API</dt>
          <dd>
            <code>{state.config.fhirBaseUrl}</code>
          </dd>
          <dt>Capability statement</dt>
          <dd>
            <code>{`${state.config.fhirBaseUrl}/metadata`}</code>
          </dd>
        </dl>
      )}
    </main>
  );
}
