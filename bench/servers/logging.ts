import { loggerOptions } from '../../src/server/logger.ts';

// The servers under test log as `npm start` does with LOG_LEVEL=warn (src/server/main.ts builds
// its logger with loggerOptions): warnings and errors to stdout, no line per request. The
// default, LOG_LEVEL=info, writes two lines per request: 24 % fewer reads and 20 % fewer searches
// a second here (docs/performance.md, "Request logging").
export const BENCH_LOG_LEVEL = 'warn';

export const benchServerLogging = () => ({ env: { LOG_LEVEL: BENCH_LOG_LEVEL }, logger: loggerOptions(BENCH_LOG_LEVEL) });
