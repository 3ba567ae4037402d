// One exit code per failure class, so scripts can branch on `$?` without parsing stderr. Small
// integers, stable across versions: they are part of the CLI's interface (README "CLI").

export const EXIT = {
  ok: 0,
  /** A bug in the CLI: anything not classified below. */
  internal: 1,
  /** Wrong arguments or options, missing or unusable configuration, unreadable --file. */
  usage: 2,
  /** The client could not authenticate (token endpoint refused it) or the API said 401/403. */
  auth: 3,
  /** 404 or 410: no such resource (or it was deleted). */
  notFound: 4,
  /** 409 or 412: the id is taken, or the version changed (If-Match / If-None-Match). */
  conflict: 5,
  /** Malformed JSON or a resource the server refused as invalid (400, 422, other 4xx). */
  invalid: 6,
  /** The server failed: 5xx, 429, or a response that is not what FHIR/OAuth promise. */
  server: 7,
  /** No HTTP answer at all: connection refused, DNS, TLS, reset. */
  network: 8,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Short label printed before the message, e.g. `client-admin: not found (HTTP 404): …`. */
export const EXIT_LABEL: Record<ExitCode, string> = {
  [EXIT.ok]: 'ok',
  [EXIT.internal]: 'internal error',
  [EXIT.usage]: 'usage error',
  [EXIT.auth]: 'authentication failed',
  [EXIT.notFound]: 'not found',
  [EXIT.conflict]: 'conflict',
  [EXIT.invalid]: 'invalid',
  [EXIT.server]: 'server error',
  [EXIT.network]: 'network error',
};

/** The table shown by `client-admin --help` and in the README. */
export const EXIT_CODE_HELP = `Exit codes:
  0  success
  1  internal error (a bug in client-admin)
  2  usage: bad arguments or options, missing configuration, unreadable --file
  3  auth: wrong client id or secret, token refused, or the API answered 401/403
  4  not found: the resource does not exist or was deleted (404/410)
  5  conflict: the id is taken or the version changed (409/412)
  6  invalid: malformed JSON, or the server refused the resource (400/422)
  7  server: the server failed (5xx, 429) or answered something unreadable
  8  network: the server could not be reached`;
