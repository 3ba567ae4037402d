import { SERVER_NODE_ARGS } from '../../scripts/build-server.mjs';
import { startBundledChild } from '../lib/bundle.ts';
import { startChild, type Child } from '../lib/child.ts';

// Idle RSS of the same server through tsx and bundled for plain node as `npm start` runs it
// (scripts/build-server.mjs): what the TypeScript loader would cost if production still used it.
// Both run with npm start's node flags, so the difference is the loader's alone.

export type LoaderMemory = { tsxRssMb: number; bundledRssMb: number };

type Memory = { rssMb: number };

async function idleRss(start: Promise<Child<Record<string, never>>>): Promise<number> {
  const child = await start;
  try {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return (await child.call<Memory>('memory')).rssMb;
  } finally {
    await child.stop();
  }
}

export async function benchLoaderMemory(): Promise<LoaderMemory> {
  return {
    tsxRssMb: await idleRss(startChild('servers/rss-probe.ts', { nodeArgs: SERVER_NODE_ARGS })),
    bundledRssMb: await idleRss(startBundledChild('servers/rss-probe.ts')),
  };
}
