import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { issue, operationOutcome, type IssueCode, type OutcomeIssue } from '../model/operation-outcome.ts';
import { FhirHttpError } from './fhir/fhir-http-error.ts';
import { FHIR_JSON } from './fhir/routes.ts';
import { applySecurityHeaders } from './security-headers.ts';

// The one error handler (STYLE.md): every failure becomes an OperationOutcome with a plain
// message; 5xx bodies never carry internals, and logs never carry stacks or request bodies.

const FASTIFY_MESSAGES: Record<string, { status: number; code: IssueCode; text: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'not-supported',
    text: 'Send the body as application/fhir+json (or application/json; JSON Patch as application/json-patch+json).',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'structure', text: 'The Content-Length header does not match the body.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'too-long', text: 'The body is too large.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'structure', text: 'The body is empty: send a JSON resource.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'structure', text: 'The body is not valid JSON.' },
  // Router errors (frameworkErrors below): the URL never reached a route.
  FST_ERR_BAD_URL: {
    status: 400,
    code: 'invalid',
    text: 'The URL is not valid: it has a malformed percent-encoding (%XX) or bytes that are not UTF-8.',
  },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'too-long', text: 'A path segment of the URL is too long: ids are at most 64 characters.' },
};

export function toOutcome(error: unknown): { status: number; issues: OutcomeIssue[]; headers: Record<string, string> } {
  if (error instanceof FhirHttpError) return { status: error.status, issues: error.issues, headers: error.headers };
  const e = error as Partial<FastifyError> & { name?: string };
  const known = e.code ? FASTIFY_MESSAGES[e.code] : undefined;
  if (known) return { status: known.status, issues: [issue(known.code, known.text)], headers: {} };
  if (e.name === 'SyntaxError' && e.statusCode === 400) {
    return { status: 400, issues: [issue('structure', 'The body is not valid JSON.')], headers: {} };
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, issues: [issue('invalid', e.message ?? 'Bad request.')], headers: {} };
  }
  return {
    status: 500,
    issues: [issue('exception', 'The server could not complete the request. Nothing was changed; try again.')],
    headers: {},
  };
}

function sendOutcome(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const { status, issues, headers } = toOutcome(error);
  if (status >= 500) {
    const e = error as { name?: string; code?: string; message?: string };
    // Name and code only: messages and stacks can carry data from the request.
    request.log.error({ error: { name: e.name, code: e.code } }, 'request failed');
  }
  return reply.code(status).headers(headers).type(FHIR_JSON).send(operationOutcome(issues));
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler(sendOutcome);
}

/**
 * Fastify's `frameworkErrors` option: errors the router raises before any route or error handler
 * runs (a malformed percent-encoding, an over-long path parameter). Without it they would be
 * Fastify's own JSON instead of an OperationOutcome.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  // These replies skip the onSend hooks, so the security headers are set here.
  reply.type(FHIR_JSON);
  applySecurityHeaders(reply);
  void sendOutcome(error, request, reply);
}
