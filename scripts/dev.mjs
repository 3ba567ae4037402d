#!/usr/bin/env node
// `npm run dev`: the console rebuilt on every change (vite build --watch) and the server restarted
// on every change (tsx watch), on one origin, so sign-in works exactly as in production: the
// console's OAuth client only redirects to {PUBLIC_URL}/callback.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

const bin = (name) => path.resolve('node_modules/.bin', name);
// A first build before the server starts, so it finds dist/console and serves it.
const first = spawnSync(bin('vite'), ['build', '--logLevel', 'warn'], { stdio: 'inherit' });
if (first.status !== 0) process.exit(first.status ?? 1);

const children = [
  spawn(bin('vite'), ['build', '--watch', '--logLevel', 'warn'], { stdio: 'inherit' }),
  // The server lists the console's files and makes its page once, at start: it restarts when a
  // rebuild of the console writes a new index.html, as it does when its own code changes.
  spawn(bin('tsx'), ['watch', '--clear-screen=false', '--include', 'dist/console/index.html', 'src/server/main.ts'], { stdio: 'inherit' }),
];

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exitCode = code;
}
for (const child of children) child.on('exit', (code) => stop(code ?? 0));
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
