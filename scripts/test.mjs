#!/usr/bin/env node
// `npm test`: every test. Vitest (model, FHIR client, server, CLI) and then the Playwright specs
// against the built console in Chromium. Ends with one line, `N passed, N failed`, summed over
// both runners; exits non-zero when anything failed or a runner could not report.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const results = path.resolve('test-results');
fs.mkdirSync(results, { recursive: true });
const bin = (name) => path.resolve('node_modules/.bin', name);

function run(label, command, args, env = {}) {
  console.log(`\n▶ ${label}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

let passed = 0;
let failed = 0;
let broken = false;

const vitestReport = path.join(results, 'vitest.json');
fs.rmSync(vitestReport, { force: true });
const vitestStatus = run('unit and server tests (vitest)', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestReport}`,
]);
const vitest = readJson(vitestReport);
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
  if (vitestStatus !== 0 && vitest.numFailedTests === 0) broken = true;
} else {
  broken = true;
}

if (run('console build (vite)', bin('vite'), ['build', '--logLevel', 'warn']) !== 0) {
  broken = true;
} else {
  const playwrightReport = path.join(results, 'playwright.json');
  fs.rmSync(playwrightReport, { force: true });
  const playwrightStatus = run('end-to-end specs (playwright, chromium)', bin('playwright'), ['test'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport,
  });
  const playwright = readJson(playwrightReport);
  if (playwright) {
    passed += playwright.stats.expected + playwright.stats.flaky;
    failed += playwright.stats.unexpected;
    if (playwrightStatus !== 0 && playwright.stats.unexpected === 0) broken = true;
  } else {
    broken = true;
  }
}

if (broken) console.log('\nA test runner failed without reporting every test (see its output above).');
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 || broken ? 1 : 0);
