import fs from 'node:fs';
import path from 'node:path';
import { bundleServer, SERVER_NODE_ARGS } from '../../scripts/build-server.mjs';
import { BENCH_DIR, startChild, type Child, type ChildOptions } from './child.ts';

// The bench side only: children import child.ts, and must not pull esbuild into their bundle.

/**
 * Where startBundledChild puts its bundles: two directories below the repository root, like
 * dist/server/main.mjs, so the server finds package.json, public/ and dist/console as in production.
 */
const BUNDLE_DIR = path.join(BENCH_DIR, '.bundle.tmp');

/**
 * Starts `bench/<script>` exactly as `npm start` runs the server: bundled by
 * scripts/build-server.mjs (esbuild, packages external) and run by plain node with the same flags.
 */
export async function startBundledChild<Ready>(
  script: string,
  options: Omit<ChildOptions, 'loader'> = {},
): Promise<Child<Ready>> {
  const bundle = path.join(path.basename(BUNDLE_DIR), `${path.basename(script, '.ts')}.mjs`);
  await bundleServer(path.join(BENCH_DIR, script), path.join(BENCH_DIR, bundle));
  return startChild<Ready>(bundle, { ...options, loader: 'none', nodeArgs: [...SERVER_NODE_ARGS, ...(options.nodeArgs ?? [])] });
}

/** Deletes the bundles of startBundledChild (once their processes are gone). */
export function removeBundles(): void {
  fs.rmSync(BUNDLE_DIR, { recursive: true, force: true });
}
