import { FhirError, FhirInvalidResponseError, FhirNetworkError } from '../fhir/fhir-error.ts';
import { EXIT, EXIT_LABEL, type ExitCode } from './exit-codes.ts';

// Every failure ends as ONE line on stderr and one exit code (exit-codes.ts). The FHIR client's
// three error shapes, the token endpoint's RFC 6749 §5.2 errors and the CLI's own checks are all
// mapped here, in one place, so the classes cannot drift between commands.

/** A failure the CLI detected itself (bad input, configuration), with its exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: ExitCode;
  /** The HTTP status behind it, if a server's answer is what failed. */
  readonly status: number | undefined;

  constructor(exitCode: ExitCode, message: string, options: { status?: number } = {}) {
    super(message);
    this.exitCode = exitCode;
    this.status = options.status;
  }
}

/** An RFC 6749 §5.2 error from the token endpoint (`{"error":"invalid_client",…}`). */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  readonly status: number;
  readonly error: string | undefined;
  readonly errorDescription: string | undefined;

  constructor(status: number, error: string | undefined, errorDescription: string | undefined, endpoint: string) {
    const what = error ? `${error}${errorDescription ? `: ${errorDescription}` : ''}` : `HTTP ${status}`;
    super(`the token endpoint ${endpoint} refused the client credentials: ${what}${hintFor(error)}`);
    this.status = status;
    this.error = error;
    this.errorDescription = errorDescription;
  }
}

function hintFor(error: string | undefined): string {
  if (error === 'invalid_client') return ' (check the client ID and secret)';
  if (error === 'invalid_scope' || error === 'unauthorized_client') {
    return ' (the client needs the client_credentials grant and scope system/ClientApplication.* or system/*.*)';
  }
  return '';
}

/** No HTTP answer while authenticating (discovery or token endpoint). */
export class AuthServerNetworkError extends Error {
  override readonly name = 'AuthServerNetworkError';

  /** `purpose`: what the request was for, e.g. "OpenID discovery". */
  constructor(url: string, purpose: string, cause: unknown) {
    super(`could not reach ${originOf(url)} (${purpose})${describeCause(cause)}`, { cause });
  }
}

export interface Failure {
  exitCode: ExitCode;
  /** One line, without the `client-admin:` prefix. */
  message: string;
}

export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return EXIT.auth;
  if (status === 404 || status === 410) return EXIT.notFound;
  if (status === 409 || status === 412) return EXIT.conflict;
  if (status === 429 || status >= 500) return EXIT.server;
  if (status >= 400) return EXIT.invalid;
  return EXIT.server;
}

export function describeFailure(error: unknown): Failure {
  if (error instanceof CliError) return failure(error.exitCode, error.message, error.status);
  if (error instanceof FhirError) {
    const exitCode = exitCodeForStatus(error.status);
    // FhirError's message is describeOutcome(outcome) when the server sent an OperationOutcome.
    return failure(exitCode, error.message, error.status);
  }
  if (error instanceof OAuthError) {
    return failure(error.status >= 500 || error.status === 429 ? EXIT.server : EXIT.auth, error.message, error.status);
  }
  if (error instanceof FhirNetworkError || error instanceof AuthServerNetworkError) {
    return failure(EXIT.network, error.message);
  }
  if (error instanceof FhirInvalidResponseError) return failure(EXIT.server, error.message, error.status);
  if (error instanceof Error && error.name === 'AbortError') return failure(EXIT.network, 'the request was aborted');
  const message = error instanceof Error ? error.message : String(error);
  return failure(EXIT.internal, `${message} (this is a bug in client-admin)`);
}

function failure(exitCode: ExitCode, message: string, status?: number): Failure {
  const label = status === undefined ? EXIT_LABEL[exitCode] : `${EXIT_LABEL[exitCode]} (HTTP ${status})`;
  return { exitCode, message: `${label}: ${oneLine(message)}` };
}

/**
 * Server-supplied text goes to a terminal: strip control characters (ANSI escapes could rewrite
 * the screen) and fold line breaks, so every error is exactly one line.
 */
export function oneLine(text: string): string {
  return text
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/\p{Cc}/gu, '')
    .trim();
}

export function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return '';
  // Node's fetch (undici) says only "fetch failed"; the useful part (ECONNREFUSED…) is in `cause`.
  const inner = cause.cause instanceof Error ? cause.cause : cause;
  const code = (inner as Error & { code?: unknown }).code;
  const text = typeof code === 'string' && !inner.message.includes(code) ? `${code}: ${inner.message}` : inner.message;
  return text ? `: ${text}` : '';
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
