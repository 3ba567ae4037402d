// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import importX from 'eslint-plugin-import-x';

// One-way imports (STYLE.md): model ← fhir ← console, cli; model ← server.
// The console never imports the server and the server never imports the console.
// Zones are resolved paths, so src/server/fhir (the server's routes) is not src/fhir (the client).
const LAYERS = {
  model: ['fhir', 'server', 'console', 'cli', 'test-support'],
  fhir: ['server', 'console', 'cli', 'test-support'],
  server: ['fhir', 'console', 'cli', 'test-support'],
  console: ['server', 'cli', 'test-support'],
  cli: ['server', 'console', 'test-support'],
};
const zones = Object.entries(LAYERS).flatMap(([target, forbidden]) =>
  forbidden.map((from) => ({
    target: `./src/${target}`,
    from: `./src/${from}`,
    message: `src/${target} must not import from src/${from} (STYLE.md: imports flow one way).`,
  })),
);

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'test-results/', 'playwright-report/', 'bench/results/', 'bench/.bundle.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/console/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    // Tests beside the code may start a real server (src/test-support) to talk to.
    ignores: ['src/**/*.test.{ts,tsx}'],
    plugins: { 'import-x': importX },
    rules: { 'import-x/no-restricted-paths': ['error', { zones }] },
  },
  {
    files: ['src/model/**/*.ts'],
    ignores: ['src/model/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!zod$|\\./).*', message: 'src/model is pure: it imports only zod and its own files.' }] },
      ],
    },
  },
);
