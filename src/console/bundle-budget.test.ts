import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { consoleInitialLoad } from '../../scripts/console-initial-load.ts';

// Issue 4 §9: the initial JS stays small. Builds the console into a temporary directory (so it
// never depends on a stale dist/) and measures what the browser must load before the first
// paint, gzipped, as the bench does (scripts/console-initial-load.ts): the entry chunk, its
// static imports and index.html's own script and styles. Route chunks are not counted.

const JS_BUDGET_BYTES = 130_000;
const CSS_BUDGET_BYTES = 10_000;

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-admin-budget-'));
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

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
    const load = consoleInitialLoad(outDir);
    // index.html's own inline script (the silent sign-in's start) is initial JS too, and its
    // styles are all the CSS there is: a page load asks for no stylesheet.
    expect(load.inline, 'inline scripts and style elements in index.html').toEqual({ scripts: 1, styles: 1 });
    expect(load.css.map((part) => part.file), 'index.html links no stylesheet').toEqual(['index.html (inline style)']);
    const jsBytes = load.js.reduce((sum, part) => sum + part.gzipBytes, 0);
    const cssBytes = load.css.reduce((sum, part) => sum + part.gzipBytes, 0);
    console.info(`initial JS ${(jsBytes / 1000).toFixed(1)} kB gzip (${load.js.map((part) => part.file).join(', ')}); CSS ${(cssBytes / 1000).toFixed(1)} kB gzip, inline`);

    // Route pages are split out, loaded on navigation: none of them may be in the initial load.
    expect(load.routes.map((route) => route.name)).toEqual(expect.arrayContaining(['list-page', 'new-page', 'detail-page']));
    for (const route of load.routes) expect(load.js.map((part) => part.file), `${route.name} is loaded on navigation`).not.toContain(route.file);
    // Where a page load usually lands, the list, is one chunk beyond the entry (vite.config.ts
    // listPageChunk): each further chunk would be one more request before the rows.
    const listPage = load.routes.find((route) => route.name === 'list-page');
    expect(listPage?.imports, 'chunks the list page imports').toEqual(['index.html']);
    // React Router's package exports name its development build even for production builds; the
    // build takes its production one (vite.config.ts), which logs no development warnings, such as
    // this one, in an admin's console.
    const chunks = load.js.filter((part) => part.file.endsWith('.js')).map((part) => fs.readFileSync(path.join(outDir, part.file), 'utf8'));
    expect(chunks.join('\n'), 'initial JS').toContain('useNavigate');
    expect(chunks.join('\n'), 'initial JS').not.toContain('No routes matched location');
    expect(jsBytes, 'initial JS, gzip bytes').toBeLessThanOrEqual(JS_BUDGET_BYTES);
    expect(cssBytes, 'initial CSS, gzip bytes').toBeLessThanOrEqual(CSS_BUDGET_BYTES);
  }, 120_000);
});
