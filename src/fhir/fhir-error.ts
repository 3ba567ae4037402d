import {
  OperationOutcomeSchema,
  describeOutcome,
  type OperationOutcome,
  type OutcomeIssue,
} from '../model/operation-outcome.ts';

// Three failure shapes, so callers (toasts, form field mapping, CLI exit codes) can tell them apart:
// - FhirError: the server answered with a non-2xx status (usually with an OperationOutcome).
// - FhirNetworkError: no HTTP answer at all (server unreachable, DNS, CORS, connection reset).
// - FhirInvalidResponseError: a 2xx answer whose body is not what FHIR promises.
// An aborted request (AbortSignal) is none of these: the fetch AbortError is rethrown untouched.

interface RequestInfo {
  method?: string | undefined;
  url?: string | undefined;
}

export interface FhirErrorInit extends RequestInfo {
  outcome?: OperationOutcome | undefined;
  statusText?: string | undefined;
  /** Extra text for bodies that are not an OperationOutcome (e.g. an OAuth `error_description`). */
  detail?: string | undefined;
}

export class FhirError extends Error {
  override readonly name = 'FhirError';
  readonly status: number;
  readonly outcome: OperationOutcome | undefined;
  /** `outcome.issue`, or `[]`: map onto form fields via `issue.expression`. */
  readonly issues: OutcomeIssue[];
  readonly method: string | undefined;
  readonly url: string | undefined;

  constructor(status: number, init: FhirErrorInit = {}) {
    super(errorMessage(status, init));
    this.status = status;
    this.outcome = init.outcome;
    this.issues = init.outcome?.issue ?? [];
    this.method = init.method;
    this.url = init.url;
  }
}

export function isFhirError(e: unknown): e is FhirError {
  return e instanceof FhirError;
}

/** 404 or 410: the resource is not there (Haste Health answers 404 after delete, we answer 410). */
export function isGoneError(e: unknown): e is FhirError {
  return isFhirError(e) && (e.status === 404 || e.status === 410);
}

export class FhirNetworkError extends Error {
  override readonly name = 'FhirNetworkError';
  readonly method: string | undefined;
  readonly url: string | undefined;

  constructor(cause: unknown, info: RequestInfo = {}) {
    const reason = describeCause(cause);
    super(
      `Could not reach the FHIR server${info.url ? ` at ${originOf(info.url)}` : ''}${reason ? `: ${reason}` : ''}`,
      { cause },
    );
    this.method = info.method;
    this.url = info.url;
  }
}

export function isFhirNetworkError(e: unknown): e is FhirNetworkError {
  return e instanceof FhirNetworkError;
}

export class FhirInvalidResponseError extends Error {
  override readonly name = 'FhirInvalidResponseError';
  readonly status: number | undefined;
  readonly method: string | undefined;
  readonly url: string | undefined;

  constructor(message: string, info: RequestInfo & { status?: number | undefined; cause?: unknown } = {}) {
    super(message, info.cause === undefined ? undefined : { cause: info.cause });
    this.status = info.status;
    this.method = info.method;
    this.url = info.url;
  }
}

export function isFhirInvalidResponseError(e: unknown): e is FhirInvalidResponseError {
  return e instanceof FhirInvalidResponseError;
}

/**
 * Builds the FhirError for a non-2xx response. Never throws: bodies that are empty, not JSON, or
 * JSON but not an OperationOutcome still give a FhirError whose message is based on the status.
 */
export async function fhirErrorFromResponse(response: Response, info: RequestInfo = {}): Promise<FhirError> {
  let text = '';
  try {
    text = await response.text();
  } catch {
    // The status line is all we have; that is enough for an error.
  }
  const base = { ...info, statusText: response.statusText };
  const json = parseJson(text);
  const outcome = OperationOutcomeSchema.safeParse(json);
  if (outcome.success) return new FhirError(response.status, { ...base, outcome: outcome.data });
  return new FhirError(response.status, { ...base, detail: detailOf(json, text, response.headers) });
}

// Used when a server sends no reason phrase (HTTP/2 never does).
const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function errorMessage(status: number, init: FhirErrorInit): string {
  if (init.outcome) return describeOutcome(init.outcome);
  const statusText = init.statusText || STATUS_TEXT[status] || 'Error';
  const line = `FHIR server responded ${status} ${statusText}`;
  return init.detail ? `${line}: ${init.detail}` : line;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const MAX_DETAIL = 200;

function detailOf(json: unknown, text: string, headers: Headers): string | undefined {
  if (json !== null && typeof json === 'object') {
    // OAuth-style ({ error, error_description }) and generic ({ message }) error bodies.
    const record = json as Record<string, unknown>;
    for (const key of ['error_description', 'message', 'error']) {
      const value = record[key];
      if (typeof value === 'string' && value.trim() !== '') return truncate(value.trim());
    }
    return undefined;
  }
  // Short plain-text bodies are worth showing; HTML error pages are not.
  if ((headers.get('content-type') ?? '').startsWith('text/plain') && text.trim() !== '') {
    return truncate(text.trim());
  }
  return undefined;
}

function truncate(s: string): string {
  return s.length > MAX_DETAIL ? `${s.slice(0, MAX_DETAIL)}…` : s;
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return '';
  // Node's fetch (undici) says only "fetch failed"; the useful part (ECONNREFUSED…) is in `cause`.
  const inner = cause.cause;
  if (inner instanceof Error) {
    const code = (inner as Error & { code?: unknown }).code;
    return typeof code === 'string' && !inner.message.includes(code) ? `${code}: ${inner.message}` : inner.message;
  }
  return cause.message;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
