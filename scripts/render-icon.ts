// `npx tsx scripts/render-icon.ts`: renders public/favicon.svg, the product icon, into
// public/favicon.png at 32 × 32 (a browser tab's 16 px at 2×), with Debian's Chromium. The console
// page carries the PNG inline (vite.config.ts): a browser decodes an SVG icon by building a whole
// SVG document on the page's main thread (5–7 ms per page load here), a PNG in about 1 ms.
// Run it after changing the SVG; e2e/quality.spec.ts fails while the two differ.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from './chromium.ts';

const ICON_SIZE = 32;

const svg = fs.readFileSync(path.resolve('public/favicon.svg'), 'utf8');
const browser = await chromium.launch(chromiumLaunchOptions);
try {
  const page = await browser.newPage({ viewport: { width: ICON_SIZE, height: ICON_SIZE }, deviceScaleFactor: 1 });
  await page.setContent(`<body style="margin:0"><img src="data:image/svg+xml,${encodeURIComponent(svg)}" width="${ICON_SIZE}" height="${ICON_SIZE}"></body>`);
  await page.locator('img').evaluate((img: HTMLImageElement) => img.decode());
  fs.writeFileSync(path.resolve('public/favicon.png'), await page.screenshot({ omitBackground: true, type: 'png' }));
} finally {
  await browser.close();
}
