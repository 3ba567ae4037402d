import type { FastifyServerOptions } from 'fastify';
import type { Config } from './config.ts';

/**
 * The server's log configuration: method, URL and status per request, never bodies or headers
 * (they carry secrets, passwords and tokens).
 */
export function loggerOptions(
  level: Config['logLevel'],
  stream?: { write: (line: string) => void },
): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}
