import { startTestServer } from '../../src/test-support/test-server.ts';
import { memory, serveCommands } from '../lib/child.ts';
import { benchServerLogging } from './logging.ts';

// How much of the server's resident memory the TypeScript loader would cost: the same server
// started idle, once through tsx and once bundled for plain node as `npm start` runs it
// (bench/sections/memory.ts starts both). Nothing else differs.

const logging = benchServerLogging();
const server = await startTestServer(logging.env, { logger: logging.logger });
process.on('disconnect', () => void server.close().then(() => process.exit(0)));
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
serveCommands({}, { memory: () => memory() });
