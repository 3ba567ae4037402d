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
 * The node flags of `npm start` (package.json), the one place for the server process's settings
 * of node and V8 (the tests' child servers and the bench's product server use them too):
 * - `--enable-source-maps`: a crash's stack trace points at the TypeScript sources. Responses and
 *   the request log never carry a stack (src/server/errors.ts).
 * - `--no-concurrent-recompilation`: V8 optimises hot functions on the main thread. On a
 *   background thread, each compilation's scratch memory comes from that thread's malloc arena,
 *   and glibc keeps those pages after the compilation: 7–10 MB of RSS that the server never uses
 *   again.
 * - `--heap-growing-percent=50`: V8 collects the old generation again once it has grown to 1.5×
 *   what the last full collection kept (~23 MB), not up to 4×. Without it the RSS after a burst of
 *   token requests read 133–191 MB, depending on where V8 was in its cycle, until its memory
 *   reducer ran, up to a minute later; with it, 132–136 MB. The cost is about one more full
 *   collection a minute under that load (4–11 ms each); A/B runs saw no change in token, read or
 *   search throughput.
 * - `--expose-gc`: V8's `gc()`, with which the server hands back what a burst of requests left
 *   resident once it has been quiet for 7 s (src/server/idle-collection.ts): V8 keeps its young
 *   generation at the 32 MB a load grew it to until a collection runs at a low allocation rate,
 *   and in a quiet server none comes. Nothing else in the server calls it.
 * - `--no-allocation-site-pretenuring`: V8 allocates every object young. With pretenuring on, a
 *   scavenge that finds most objects from one allocation site still alive marks that site to
 *   allocate in the old generation from then on, for the rest of the process. A burst of
 *   concurrent requests early in a server's life (300 token requests at once, all in flight
 *   across one scavenge) made that call for per-request objects in 14 of 16 servers: they then
 *   spent 5.7–8.1 % of their time in GC under token load instead of 2.8–3.4 %, and served
 *   1,153–1,505 token requests/s instead of 1,404–1,773. Without pretenuring, none of 10 did.
 * The memory settings: docs/performance.md, "Memory"; the pretenuring: "What would move".
 */
export const SERVER_NODE_ARGS = [
  '--enable-source-maps',
  '--no-concurrent-recompilation',
  '--heap-growing-percent=50',
  '--expose-gc',
  '--no-allocation-site-pretenuring',
];

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
