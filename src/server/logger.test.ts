import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';
import { fastifyLogging, loggerOptions } from './logger.ts';

// What an operator reads at each LOG_LEVEL: at warn and quieter levels Fastify is given no logger
// of its own (fastifyLogging), and these hold that nothing an operator needs was lost with it.

type Line = { level: number; msg?: string; reqId?: string; req?: { url: string }; res?: { statusCode: number } };

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serverLoggingAt(level: 'info' | 'warn') {
  const lines: Line[] = [];
  server = await startTestServer({}, { logger: loggerOptions(level, { write: (line) => void lines.push(JSON.parse(line) as Line) }) });
  const api = async (path: string) =>
    fetch(`${server?.fhirBaseUrl}${path}`, { headers: { authorization: `Bearer ${await server?.getAccessToken()}` } });
  return { server, lines, api };
}

describe('server logging', () => {
  it('at warn, writes warnings and errors, each request’s with its id, and no line per request', async () => {
    const { server, lines, api } = await serverLoggingAt('warn');
    expect((await api('/metadata')).status).toBe(200);
    expect(lines).toEqual([]);

    server.app.log.warn('a warning of the app');
    expect(lines).toEqual([expect.objectContaining({ level: 40, msg: 'a warning of the app' })]);

    // The database gone under a running server: the request fails, and says so in the log.
    server.app.store.close();
    server.app.db.close();
    const failed = await api('/ClientApplication/anything');
    expect(failed.status).toBe(500);
    const error = lines.find((line) => line.msg === 'request failed');
    expect(error).toMatchObject({ level: 50, reqId: expect.stringMatching(/\S/) });
    expect(lines.filter((line) => line.level < 40)).toEqual([]);
  });

  it('at info, writes a line as each request comes in and one as it completes, under one request id', async () => {
    const { lines, api } = await serverLoggingAt('info');
    expect((await api('/metadata?_format=json')).status).toBe(200);
    const incoming = lines.find((line) => line.msg === 'incoming request' && line.req?.url.includes('/metadata'));
    expect(incoming).toMatchObject({ level: 30, reqId: expect.stringMatching(/\S/) });
    const completed = lines.find((line) => line.msg === 'request completed' && line.reqId === incoming?.reqId);
    expect(completed).toMatchObject({ level: 30, res: { statusCode: 200 } });
  });

  it('at warn, gives each request a logger that writes its warnings and errors with its id, and its children’s too', () => {
    const lines: Line[] = [];
    const { fastify, appLog } = fastifyLogging(loggerOptions('warn', { write: (line) => void lines.push(JSON.parse(line) as Line) }));
    const factory = fastify.childLoggerFactory;
    if (!factory || !appLog) throw new Error('at warn, requests log through our own logger');
    const log = factory.call(undefined as never, appLog, { reqId: 'req-7' }, {}, {} as IncomingMessage);

    log.info('incoming request');
    log.debug('detail');
    expect(lines).toEqual([]);
    expect(log.level).toBe('warn');

    log.warn('slow');
    log.child({ step: 'auth' }).error({ code: 'E1' }, 'failed');
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, reqId: 'req-7', msg: 'slow' }),
      expect.objectContaining({ level: 50, reqId: 'req-7', step: 'auth', code: 'E1', msg: 'failed' }),
    ]);

    // A level set on one request's logger applies to it alone.
    log.level = 'info';
    log.info('now written');
    factory.call(undefined as never, appLog, { reqId: 'req-8' }, {}, {} as IncomingMessage).info('not written');
    expect(lines.at(-1)).toMatchObject({ level: 30, reqId: 'req-7', msg: 'now written' });
    expect(lines).toHaveLength(3);
  });
});
