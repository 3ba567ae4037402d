import type { FastifyServerOptions } from 'fastify';
import type { Config } from './config.ts';

// Query parameters that carry credentials when a client misplaces them (RFC 6749 §2.3.1 forbids
// client_secret in the URL, RFC 6750 §2.3 discourages access_token there; id_token_hint is a JWT).
const SENSITIVE_QUERY = /^(client_secret|client_assertion|secret|password|code|code_verifier|refresh_token|access_token|token|id_token_hint|logout_hint)$/i;

/** The URL with the values of credential-bearing query parameters replaced, for the log. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  let isRedacted = false;
  for (const key of new Set(params.keys())) {
    if (SENSITIVE_QUERY.test(key)) {
      params.set(key, '[redacted]');
      isRedacted = true;
    }
  }
  return isRedacted ? `${url.slice(0, q)}?${params.toString()}` : url;
}

/**
 * The server's log configuration: method, URL and status per request, never bodies or headers
 * (they carry secrets, passwords and tokens), and no credentials a client put in the query.
 */
export function loggerOptions(
  level: Config['logLevel'],
  stream?: { write: (line: string) => void },
): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: redactUrl(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}
