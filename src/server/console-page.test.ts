import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';
import { createHash } from 'node:crypto';
import { inlineHashes, withInlineSettings } from './console-page.ts';

// The console page this server sends: index.html with the settings of /config.json inline, so a
// page load need not ask for them. (The console's side of it: src/console/app/inline-config.test.ts.)

const VITE_INDEX = `<!doctype html>
<html lang="en">
  <head>
    <link rel="preload" href="/config.json" as="fetch" crossorigin="anonymous" />
    <script>window.early = 1;</script>
    <script type="module" crossorigin src="/assets/main-abc.js"></script>
    <style>main{color:red}</style>
  </head>
  <body><div id="root"></div></body>
</html>`;

const DATA_BLOCK = /<script type="application\/json" id="console-config">([^<]*)<\/script>/;

const consoleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-admin-console-page-'));
let server: TestServer;

beforeAll(async () => {
  fs.writeFileSync(path.join(consoleDir, 'index.html'), VITE_INDEX);
  fs.writeFileSync(path.join(consoleDir, 'silent-callback.html'), '<!doctype html><title>silent</title>');
  server = await startTestServer({}, { consoleDir });
});
afterAll(async () => {
  await server.close();
  fs.rmSync(consoleDir, { recursive: true, force: true });
});

describe('the console page', () => {
  it('carries the settings of /config.json inline instead of preloading it, on every console URL', async () => {
    const settings = await (await fetch(`${server.origin}/config.json`)).json();
    for (const url of ['/', '/index.html', '/resources/ClientApplication?name=a']) {
      const response = await fetch(`${server.origin}${url}`, { headers: { accept: 'text/html' } });
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type'), url).toMatch(/^text\/html/);
      expect(response.headers.get('cache-control'), url).toBe('no-cache');
      const html = await response.text();
      expect(html, url).not.toContain('href="/config.json"');
      expect(html, url).toContain('<script type="module" crossorigin src="/assets/main-abc.js"></script>');
      expect(JSON.parse(DATA_BLOCK.exec(html)?.[1] ?? 'null'), url).toEqual(settings);
    }
  });
});

describe('the console page\'s Content-Security-Policy', () => {
  it('lets its own inline script run by its hash, and no other inline script', async () => {
    const response = await fetch(`${server.origin}/resources/ClientApplication`, { headers: { accept: 'text/html' } });
    const scriptSrc = /script-src ([^;]*)/.exec(response.headers.get('content-security-policy') ?? '')?.[1]?.split(' ');
    const hash = `'sha256-${createHash('sha256').update('window.early = 1;').digest('base64')}'`;
    expect(scriptSrc).toEqual(["'self'", hash]);
    await response.arrayBuffer();
    // Other pages keep the plain policy.
    const silent = await fetch(`${server.origin}/silent-callback.html`);
    expect(silent.status).toBe(200);
    expect(/script-src ([^;]*)/.exec(silent.headers.get('content-security-policy') ?? '')?.[1]).toBe("'self'");
    await silent.arrayBuffer();
  });

  it('lets its own style element apply by its hash, and no other inline style', async () => {
    const response = await fetch(`${server.origin}/resources/ClientApplication`, { headers: { accept: 'text/html' } });
    const styleSrc = /style-src ([^;]*)/.exec(response.headers.get('content-security-policy') ?? '')?.[1]?.split(' ');
    expect(styleSrc).toEqual(["'self'", `'sha256-${createHash('sha256').update('main{color:red}').digest('base64')}'`]);
    await response.arrayBuffer();
    // Other pages keep the plain policy.
    const silent = await fetch(`${server.origin}/silent-callback.html`);
    expect(/style-src ([^;]*)/.exec(silent.headers.get('content-security-policy') ?? '')?.[1]).toBe("'self'");
    await silent.arrayBuffer();
  });

  it('hashes classic inline scripts and style elements only, not the settings\' data block or scripts with a src', () => {
    const page = withInlineSettings(VITE_INDEX, { issuer: 'https://op.example' });
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    expect(inlineHashes(page)).toEqual({ scripts: [hash('window.early = 1;')], styles: [hash('main{color:red}')] });
  });
});

describe('withInlineSettings', () => {
  it('escapes "<", so no value can close the data block or open a script', () => {
    const hostile = { issuer: '</script><script>alert(1)</script><!--' };
    const html = withInlineSettings(VITE_INDEX, hostile);
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(JSON.parse(DATA_BLOCK.exec(html)?.[1] ?? 'null')).toEqual(hostile);
  });

  it('leaves a page without the config.json preload as it is', () => {
    const page = VITE_INDEX.replace(/\s*<link rel="preload"[^>]*>/, '');
    expect(withInlineSettings(page, { issuer: 'https://op.example' })).toBe(page);
  });
});
