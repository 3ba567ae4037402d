import { startTestServer } from '../../src/test-support/test-server.ts';
import { memory, serveCommands } from '../lib/child.ts';

// How much of the server's resident memory is the TypeScript loader: the same server started
// idle, once through tsx (as `npm start` runs it) and once from an esbuild bundle run by plain
// node (bench/sections/memory.ts builds it). Nothing else differs.

const server = await startTestServer({ LOG_LEVEL: 'silent' });
process.on('disconnect', () => void server.close().then(() => process.exit(0)));
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
serveCommands({}, { memory: () => memory() });
