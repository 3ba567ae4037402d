import { describe, expect, it } from 'vitest';
import { FhirError, FhirInvalidResponseError, FhirNetworkError } from '../fhir/fhir-error.ts';
import { operationOutcome, issue } from '../model/operation-outcome.ts';
import { AuthServerNetworkError, CliError, describeFailure, exitCodeForStatus, OAuthError, oneLine } from './errors.ts';
import { EXIT } from './exit-codes.ts';

describe('exit code per HTTP status', () => {
  it.each([
    [401, EXIT.auth],
    [403, EXIT.auth],
    [404, EXIT.notFound],
    [410, EXIT.notFound],
    [409, EXIT.conflict],
    [412, EXIT.conflict],
    [400, EXIT.invalid],
    [422, EXIT.invalid],
    [405, EXIT.invalid],
    [415, EXIT.invalid],
    [429, EXIT.server],
    [500, EXIT.server],
    [503, EXIT.server],
  ])('%i → %i', (status, code) => {
    expect(exitCodeForStatus(status)).toBe(code);
  });

  it('gives every class its own code', () => {
    expect(new Set(Object.values(EXIT)).size).toBe(Object.keys(EXIT).length);
  });
});

describe('describeFailure', () => {
  it('says an OperationOutcome in plain words, with the class and status', () => {
    const outcome = operationOutcome([
      issue('invariant', 'The authorization code grant needs at least one redirect URI.', 'ClientApplication.redirectUri'),
    ]);
    expect(describeFailure(new FhirError(422, { outcome }))).toEqual({
      exitCode: EXIT.invalid,
      message:
        'invalid (HTTP 422): ClientApplication.redirectUri: The authorization code grant needs at least one redirect URI.',
    });
  });

  it('says a server failure without an OperationOutcome by its status', () => {
    expect(describeFailure(new FhirError(502, { statusText: 'Bad Gateway' }))).toEqual({
      exitCode: EXIT.server,
      message: 'server error (HTTP 502): FHIR server responded 502 Bad Gateway',
    });
    expect(describeFailure(new FhirInvalidResponseError('FHIR server sent no body', { status: 200 })).exitCode).toBe(EXIT.server);
  });

  it('gives an OAuth error its code and description, with a hint', () => {
    const failure = describeFailure(new OAuthError(401, 'invalid_client', 'client authentication failed', 'https://as/token'));
    expect(failure).toEqual({
      exitCode: EXIT.auth,
      message:
        'authentication failed (HTTP 401): the token endpoint https://as/token refused the client credentials: invalid_client: client authentication failed (check the client ID and secret)',
    });
    expect(describeFailure(new OAuthError(503, undefined, undefined, 'https://as/token')).exitCode).toBe(EXIT.server);
  });

  it('classes unreachable servers as network errors', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });
    expect(describeFailure(new FhirNetworkError(refused, { url: 'http://127.0.0.1:9/fhir/ClientApplication' }))).toEqual({
      exitCode: EXIT.network,
      message: 'network error: Could not reach the FHIR server at http://127.0.0.1:9: connect ECONNREFUSED 127.0.0.1:9',
    });
    expect(describeFailure(new AuthServerNetworkError('http://127.0.0.1:9/oidc/token', 'token endpoint', refused))).toEqual({
      exitCode: EXIT.network,
      message: 'network error: could not reach http://127.0.0.1:9 (token endpoint): connect ECONNREFUSED 127.0.0.1:9',
    });
  });

  it('passes CliErrors through and calls anything else a bug', () => {
    expect(describeFailure(new CliError(EXIT.usage, 'no FHIR URL is configured'))).toEqual({
      exitCode: EXIT.usage,
      message: 'usage error: no FHIR URL is configured',
    });
    expect(describeFailure(new RangeError('boom'))).toEqual({
      exitCode: EXIT.internal,
      message: 'internal error: boom (this is a bug in client-admin)',
    });
  });

  it('prints server text as one line without terminal control characters', () => {
    expect(oneLine('line one\r\n  line two\u001b[2J\u0007')).toBe('line one line two[2J');
    const outcome = operationOutcome([issue('invalid', 'first\nsecond'), issue('invalid', 'third')]);
    expect(describeFailure(new FhirError(400, { outcome })).message).toBe('invalid (HTTP 400): first second; third');
  });
});
