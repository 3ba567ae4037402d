import { describe, expect, it } from 'vitest';
import { FhirError, fhirErrorFromResponse, isFhirError, isGoneError } from './fhir-error.ts';

// Error bodies that our server never sends but proxies and other servers do.

describe('fhirErrorFromResponse', () => {
  it('uses the OperationOutcome for the message and issues', async () => {
    const outcome = {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'value', diagnostics: 'must be https', expression: ['ClientApplication.logoUri'] }],
    };
    const error = await fhirErrorFromResponse(new Response(JSON.stringify(outcome), { status: 422 }));
    expect(error).toBeInstanceOf(FhirError);
    expect(error.status).toBe(422);
    expect(error.message).toBe('ClientApplication.logoUri: must be https');
    expect(error.issues[0]?.expression).toEqual(['ClientApplication.logoUri']);
  });

  it('falls back to the status for an HTML error page', async () => {
    const error = await fhirErrorFromResponse(
      new Response('<html><body>Bad gateway</body></html>', { status: 502, headers: { 'Content-Type': 'text/html' } }),
    );
    expect(isFhirError(error)).toBe(true);
    expect(error.message).toBe('FHIR server responded 502 Bad Gateway');
    expect(error.outcome).toBeUndefined();
    expect(error.issues).toEqual([]);
  });

  it('keeps an OAuth error description from a JSON body that is not an OperationOutcome', async () => {
    const body = JSON.stringify({ error: 'invalid_token', error_description: 'jwt expired' });
    const error = await fhirErrorFromResponse(new Response(body, { status: 401 }));
    expect(error.message).toBe('FHIR server responded 401 Unauthorized: jwt expired');
  });

  it('handles an empty body', async () => {
    const error = await fhirErrorFromResponse(new Response(null, { status: 404, statusText: 'Not Found' }));
    expect(error.message).toBe('FHIR server responded 404 Not Found');
    expect(isGoneError(error)).toBe(true);
  });
});
