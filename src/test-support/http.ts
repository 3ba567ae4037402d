import type { TestServer } from './test-server.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
export type HttpResult = { status: number; headers: Headers; text: string; body: any };

/**
 * Plain HTTP against a test server's FHIR base: what any FHIR client would send, authorised as
 * the server's system client unless the request sets its own `authorization` header.
 */
export function fhirHttp(server: Pick<TestServer, 'fhirBaseUrl' | 'bearer'>) {
  return async (
    path: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<HttpResult> => {
    const headers: Record<string, string> = {
      accept: 'application/fhir+json',
      authorization: await server.bearer(),
      ...init.headers,
    };
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['content-type'] ??= 'application/fhir+json';
    }
    const response = await fetch(`${server.fhirBaseUrl}${path}`, { method: init.method ?? 'GET', headers, body });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, body: json };
  };
}
