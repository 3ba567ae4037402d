import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import { pino, type Bindings, type ChildLoggerOptions, type Level, type Logger } from 'pino';
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
export function loggerOptions(level: Config['logLevel'], stream?: { write: (line: string) => void }) {
  return {
    level,
    ...(stream ? { stream } : {}),
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: redactUrl(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}

export type LoggerOptions = ReturnType<typeof loggerOptions>;

type LogArgs = Parameters<Logger['info']>;

/**
 * A request's logger where Fastify has none of its own: the pino child that carries the request's
 * bindings (its reqId) is made the first time the request writes a line, and most never do.
 * Fastify asks for a logger per request; making the child for each was 1.2 % of the server's time
 * under a search load (`perf`; the A/B is in docs/performance.md).
 */
class RequestLogger implements FastifyBaseLogger {
  readonly #parent: Logger;
  readonly #bindings: Bindings;
  #child: Logger | undefined;

  constructor(parent: Logger, bindings: Bindings) {
    this.#parent = parent;
    this.#bindings = bindings;
  }

  #logger(): Logger {
    return (this.#child ??= this.#parent.child(this.#bindings));
  }

  #write(level: Level, args: unknown[]): void {
    // A line below the level is dropped without making the child (Fastify writes "incoming
    // request" at info for every request).
    if (!(this.#child ?? this.#parent).isLevelEnabled(level)) return;
    const logger = this.#logger();
    Reflect.apply(logger[level], logger, args);
  }

  get level(): string {
    return (this.#child ?? this.#parent).level;
  }

  set level(level: string) {
    this.#logger().level = level;
  }

  fatal(...args: LogArgs): void {
    this.#write('fatal', args);
  }

  error(...args: LogArgs): void {
    this.#write('error', args);
  }

  warn(...args: LogArgs): void {
    this.#write('warn', args);
  }

  info(...args: LogArgs): void {
    this.#write('info', args);
  }

  debug(...args: LogArgs): void {
    this.#write('debug', args);
  }

  trace(...args: LogArgs): void {
    this.#write('trace', args);
  }

  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#logger().child(bindings, options);
  }
}

/** Does `level` write Fastify's lines per request ("incoming request", "request completed", at info)? */
const writesRequestLines = (level: Config['logLevel']) => ['info', 'debug', 'trace'].includes(level);

/**
 * How Fastify logs with `options`: the options for Fastify, and the logger to make the app's
 * `log` when Fastify does not build it.
 *
 * At levels that write Fastify's lines per request (info and more verbose), Fastify builds the
 * logger from `options`. At the others (warn, error, fatal, silent) it gets none of its own: with
 * one, it listens on every response for its end to log "request completed", a cost paid even when
 * the level drops the line (4 % of API reads and 2-4 % of searches a second at LOG_LEVEL=warn, in
 * A/Bs of the server at 100,000 clients; 11 % of a bare route). Each request still logs through a child of
 * the one logger, with its reqId (`childLoggerFactory`), and the app through the logger itself, so
 * every warning and error is written as before, save one: Fastify's "request errored", which that
 * listener wrote when a response failed after it began. A request's child logger is made when it
 * first writes (RequestLogger).
 */
export function fastifyLogging(options: LoggerOptions | undefined): {
  fastify: Pick<FastifyServerOptions, 'logger' | 'childLoggerFactory'>;
  appLog?: FastifyBaseLogger;
} {
  if (!options) return { fastify: { logger: false } };
  if (writesRequestLines(options.level)) return { fastify: { logger: options } };
  // As Fastify would build it: to the stream given, else pino's own synchronous destination on stdout.
  const pinoOptions = { level: options.level, serializers: options.serializers };
  const logger = options.stream ? pino(pinoOptions, options.stream) : pino(pinoOptions);
  return {
    fastify: { logger: false, childLoggerFactory: (_noLogger, bindings) => new RequestLogger(logger, bindings) },
    appLog: logger,
  };
}
