#!/usr/bin/env node
// npm run bench [-- --quick]: runs bench/run.ts (TypeScript, through tsx) and stops it if it
// ever runs past 10 minutes, the bound issue 6 sets. Results: bench/results/latest.json.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const LIMIT_MS = 10 * 60_000;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/run.ts'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
const timer = setTimeout(() => {
  console.error(`\nbench: stopped after ${LIMIT_MS / 60_000} minutes`);
  child.kill('SIGINT');
  setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
}, LIMIT_MS);
child.on('exit', (code, signal) => {
  clearTimeout(timer);
  process.exit(code ?? (signal ? 1 : 0));
});
