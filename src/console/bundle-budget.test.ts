import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { build, type Manifest } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';

// Issue 4 §9: the initial JS stays small. Builds the console into a temporary directory (so it
// never depends on a stale dist/) and measures what the browser must load before the first
// paint: the entry chunk, its static imports and index.html's own script and styles (the build
// puts the stylesheet inline), gzipped. Route chunks are not counted.

const JS_BUDGET_BYTES = 130_000;
const CSS_BUDGET_BYTES = 10_000;

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-admin-budget-'));
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

function gzipSize(file: string): number {
  return zlib.gzipSync(fs.readFileSync(path.join(outDir, file)), { level: 9 }).length;
}

function initialScripts(manifest: Manifest): string[] {
  // The console's own page; silent-callback.html is the other entry, loaded in an iframe (an OP
  // on another origin) after the console has painted.
  const entry = manifest['index.html'];
  if (!entry?.isEntry) throw new Error('The build has no index.html entry chunk.');
  const js = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || js.has(chunk.file)) return;
    js.add(chunk.file);
    chunk.imports?.forEach(visit);
  };
  visit(Object.keys(manifest).find((key) => manifest[key] === entry) as string);
  return [...js];
}

/** The text of every `<tag>…</tag>` without attributes in index.html: its inline script and styles. */
const inlineElements = (html: string, tag: 'script' | 'style') =>
  [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((match) => match[1] ?? '');

describe('console bundle budget', () => {
  it(`keeps the initial JS within ${JS_BUDGET_BYTES / 1000} kB and CSS within ${CSS_BUDGET_BYTES / 1000} kB gzip`, async () => {
    // Vitest sets NODE_ENV=test, which Vite would bake in (React's development build).
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({
        configFile: path.resolve('vite.config.ts'),
        mode: 'production',
        logLevel: 'silent',
        build: { outDir, emptyOutDir: true, manifest: true, sourcemap: false },
      });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(outDir, '.vite/manifest.json'), 'utf8')) as Manifest;
    const js = initialScripts(manifest);
    // index.html's own inline script (the silent sign-in's start) is initial JS too, and its
    // styles are all the CSS there is: a page load asks for no stylesheet.
    const html = fs.readFileSync(path.join(outDir, 'index.html'), 'utf8');
    const gzip = (text: string) => zlib.gzipSync(text, { level: 9 }).length;
    const inlineScripts = inlineElements(html, 'script');
    const inlineStyles = inlineElements(html, 'style');
    expect(inlineScripts.length, 'inline scripts in index.html').toBe(1);
    expect(inlineStyles.length, 'style elements in index.html').toBe(1);
    expect(html, 'index.html links no stylesheet').not.toMatch(/<link[^>]*rel="stylesheet"/);
    const jsBytes = js.reduce((sum, file) => sum + gzipSize(file), 0) + inlineScripts.reduce((sum, text) => sum + gzip(text), 0);
    const cssBytes = inlineStyles.reduce((sum, text) => sum + gzip(text), 0);
    console.info(`initial JS ${(jsBytes / 1000).toFixed(1)} kB gzip (${js.join(', ')}, and ${inlineScripts.length} inline script); CSS ${(cssBytes / 1000).toFixed(1)} kB gzip, inline`);

    // Route pages are split out, loaded on navigation: none of them may be in the initial load.
    const entry = Object.values(manifest).find((chunk) => chunk.isEntry && chunk.src === 'index.html');
    const routes = (entry?.dynamicImports ?? []).map((key) => manifest[key]);
    expect(routes.map((chunk) => chunk?.name)).toEqual(expect.arrayContaining(['list-page', 'new-page', 'detail-page']));
    for (const chunk of routes) expect(js, `${chunk?.name} is loaded on navigation`).not.toContain(chunk?.file);
    // Where a page load usually lands, the list, is one chunk beyond the entry (vite.config.ts
    // listPageChunk): each further chunk would be one more request before the rows.
    const listPage = routes.find((chunk) => chunk?.name === 'list-page');
    expect(listPage?.imports, 'chunks the list page imports').toEqual(['index.html']);
    expect(jsBytes, 'initial JS, gzip bytes').toBeLessThanOrEqual(JS_BUDGET_BYTES);
    expect(cssBytes, 'initial CSS, gzip bytes').toBeLessThanOrEqual(CSS_BUDGET_BYTES);
  }, 120_000);
});
