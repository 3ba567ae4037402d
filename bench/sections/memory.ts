import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { BENCH_DIR, startChild } from '../lib/child.ts';

// Idle RSS of the server with and without tsx. The bundle keeps packages external (the same
// node_modules) and sits two levels below the repository root, like src/server/app.ts, whose
// paths (package.json, dist/console) are relative to its own location.

export type LoaderMemory = { tsxRssMb: number; bundledRssMb: number };

type Memory = { rssMb: number };

export async function benchLoaderMemory(): Promise<LoaderMemory> {
  const dir = path.join(BENCH_DIR, '.rss-probe.tmp');
  try {
    await build({
      entryPoints: [path.join(BENCH_DIR, 'servers/rss-probe.ts')],
      outfile: path.join(dir, 'rss-probe.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'error',
    });
    const idle = async (script: string, options: { isBundle: boolean }) => {
      const child = await startChild<Record<string, never>>(script, { loader: options.isBundle ? 'none' : 'tsx' });
      try {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        return (await child.call<Memory>('memory')).rssMb;
      } finally {
        await child.stop();
      }
    };
    return {
      tsxRssMb: await idle('servers/rss-probe.ts', { isBundle: false }),
      bundledRssMb: await idle('.rss-probe.tmp/rss-probe.mjs', { isBundle: true }),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
