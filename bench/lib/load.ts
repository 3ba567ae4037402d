import autocannon from 'autocannon';
import { percentile } from './stats.ts';

// One bounded load run with autocannon (the load generator runs in the bench's own process,
// pinned to the other core than the servers). Latencies are collected from autocannon's
// per-response event as floats: its own histogram keeps whole milliseconds only, too coarse for
// a 5 ms budget.

export type LoadOptions = {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  /** Seconds. */
  duration: number;
  /** Called for every request, to vary the path (random ids, search terms). */
  path?: () => string;
  /** Called for every request, to vary the body. */
  makeBody?: () => string;
};

export type LoadResult = {
  /** Successful (2xx) responses per second. */
  rps: number;
  /** Milliseconds, over 2xx responses. */
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  /** CPU the load generator (this process) used, in cores: near 1 means it, not the server, was the limit. */
  generatorCores: number;
};

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  const vary = options.path || options.makeBody;
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  let instance: autocannon.Instance | undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: options.url,
        method: options.method ?? 'GET',
        headers: options.headers,
        body: options.body,
        connections: options.connections,
        pipelining: 1,
        duration: options.duration,
        timeout: 10,
        ...(vary
          ? {
              requests: [
                {
                  setupRequest: (request: autocannon.Request) => ({
                    ...request,
                    ...(options.path ? { path: options.path() } : {}),
                    ...(options.makeBody ? { body: options.makeBody() } : {}),
                  }),
                },
              ],
            }
          : {}),
      },
      (error: unknown, result: autocannon.Result) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result)),
    );
  });
  instance?.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
  });
  const result = await done;
  const cpu = process.cpuUsage(cpuBefore);
  const generatorCores = (cpu.user + cpu.system) / 1000 / (performance.now() - startedAt);
  const non2xx = Object.entries(statusCodes)
    .filter(([code]) => !code.startsWith('2'))
    .reduce((sum, [, n]) => sum + n, 0);
  return {
    rps: latencies.length / result.duration,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    requests: latencies.length + non2xx,
    non2xx,
    errors: result.errors + result.timeouts,
    statusCodes,
    generatorCores,
  };
}
