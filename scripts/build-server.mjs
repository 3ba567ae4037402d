#!/usr/bin/env node
// The server bundle `npm start` runs with plain node: src/server/main.ts and everything of ours
// it imports, in one ESM file (dist/server/main.mjs), without the TypeScript loader (tsx costs
// ~40 MB of resident memory). Packages stay external: they load from node_modules as they are.
// The tests that spawn the server and the bench's product server use this same build.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SERVER_ENTRY = path.join(ROOT, 'src/server/main.ts');
export const SERVER_BUNDLE = path.join(ROOT, 'dist/server/main.mjs');

/**
 * The node flags of `npm start` (package.json):
 * - `--enable-source-maps`: a crash's stack trace points at the TypeScript sources. Responses and
 *   the request log never carry a stack (src/server/errors.ts).
 * - `--no-concurrent-recompilation`: V8 optimises hot functions on the main thread. On a
 *   background thread, each compilation's scratch memory comes from that thread's malloc arena,
 *   and glibc keeps those pages after the compilation: 7–10 MB of RSS that the server never uses
 *   again (docs/performance.md, Memory). V8 reads it only when it starts, so main.ts cannot set
 *   it as it sets the heap's growth (heap.ts).
 */
export const SERVER_NODE_ARGS = ['--enable-source-maps', '--no-concurrent-recompilation'];

/**
 * Bundles `entry` to `outfile`. The output must sit two directories below the repository root,
 * as src/server/app.ts does: it finds package.json, public/ and dist/console relative to its own
 * location (`import.meta.url`), which in a bundle is the bundle's.
 */
export async function bundleServer(entry = SERVER_ENTRY, outfile = SERVER_BUNDLE) {
  const depth = path.relative(ROOT, path.dirname(outfile)).split(path.sep);
  if (depth.length !== 2 || depth.includes('..')) {
    throw new Error(`${outfile}: a server bundle must sit two directories below ${ROOT}`);
  }
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    // The oldest Node the package supports (package.json engines).
    target: 'node20.19',
    packages: 'external',
    // Mappings only: the map points at the sources beside it, so it stays small in memory.
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'warning',
  });
  return outfile;
}

// `node scripts/build-server.mjs` builds; importing this file does not (and nothing may bundle it:
// import.meta.url would then be the bundle's).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await bundleServer();
}
