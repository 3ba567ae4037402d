import * as oauth from 'openid-client';
import type { TestServer } from './test-server.ts';

// Helpers for tests that act as a real OAuth client (openid-client) against the test server, and
// as the admin who registers clients through the FHIR API.

export async function putClientApplication(server: TestServer, resource: Record<string, unknown>): Promise<Response> {
  const response = await fetch(`${server.fhirBaseUrl}/ClientApplication/${String(resource.id)}`, {
    method: 'PUT',
    headers: { authorization: await server.bearer(), 'content-type': 'application/fhir+json' },
    body: JSON.stringify({ resourceType: 'ClientApplication', responseTypes: 'code', ...resource }),
  });
  if (response.status >= 300) throw new Error(`PUT ClientApplication failed: ${response.status} ${await response.text()}`);
  return response;
}

export async function deleteClientApplication(server: TestServer, id: string): Promise<Response> {
  return fetch(`${server.fhirBaseUrl}/ClientApplication/${id}`, { method: 'DELETE', headers: { authorization: await server.bearer() } });
}

/** openid-client configuration from the server's discovery document (plain http on 127.0.0.1). */
export async function discover(
  server: TestServer,
  clientId: string,
  auth: { secret?: string; method?: 'basic' | 'post' } = {},
): Promise<oauth.Configuration> {
  const clientAuth =
    auth.secret === undefined
      ? oauth.None()
      : auth.method === 'post'
        ? oauth.ClientSecretPost(auth.secret)
        : oauth.ClientSecretBasic(auth.secret);
  return oauth.discovery(new URL(server.issuer), clientId, undefined, clientAuth, { execute: [oauth.allowInsecureRequests] });
}

export function fhirGet(server: TestServer, path: string, authorization?: string): Promise<Response> {
  return fetch(`${server.fhirBaseUrl}${path}`, { headers: authorization ? { authorization } : {} });
}

export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header = '', payload = ''] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>,
  };
}

/**
 * The RFC 6749 §5.2 error code of a failed openid-client call: from the JSON body, or from the
 * WWW-Authenticate challenge that a 401 invalid_client carries (RFC 6749 §5.2, RFC 7235).
 */
export async function oauthError(promise: Promise<unknown>): Promise<{ error: string; status: number | undefined }> {
  try {
    await promise;
  } catch (e) {
    const error = e as { error?: string; status?: number; cause?: unknown };
    if (typeof error.error === 'string') return { error: error.error, status: error.status };
    const challenges = Array.isArray(error.cause) ? (error.cause as { parameters?: { error?: string } }[]) : [];
    const code = challenges.find((c) => c.parameters?.error)?.parameters?.error;
    if (code) return { error: code, status: error.status };
    throw e;
  }
  throw new Error('expected the OAuth request to fail');
}
