import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { FastifyReply } from 'fastify';
import { pageCspWithInline } from './security-headers.ts';

// The console's page as this server sends it: index.html with the console's settings inline,
// and a Content-Security-Policy that lets its own inline script run and its own style element
// apply (by hash), and nothing else inline.
//
// A static host serves index.html, which preloads config.json, and config.json beside it. This
// server knows the settings, so it puts them in the page itself, in a JSON data block where the
// preload was: a page load then asks for one thing fewer before it can sign in. A data block is
// not a script (no CSP exception needed); `<` is escaped so nothing in it can end the element.

/** The id of the data block: src/console/app/config.ts INLINE_CONFIG_ELEMENT_ID, which reads it. */
export const CONSOLE_CONFIG_ELEMENT_ID = 'console-config';

const CONFIG_PRELOAD = /<link rel="preload" href="[^"]*config\.json"[^>]*>/;

/** index.html with `settings` in place of its config.json preload; unchanged without one. */
export function withInlineSettings(indexHtml: string, settings: unknown): string {
  const json = JSON.stringify(settings).replace(/</g, '\\u003c');
  return indexHtml.replace(CONFIG_PRELOAD, () => `<script type="application/json" id="${CONSOLE_CONFIG_ELEMENT_ID}">${json}</script>`);
}

// A classic inline script: no src, no type (the settings' JSON data block is not a script).
const INLINE_SCRIPT = /<script>([\s\S]*?)<\/script>/g;
const INLINE_STYLE = /<style>([\s\S]*?)<\/style>/g;

const hashesOf = (html: string, element: RegExp) =>
  [...html.matchAll(element)].map((match) => `'sha256-${createHash('sha256').update(match[1] ?? '').digest('base64')}'`);

/**
 * CSP source expressions (`'sha256-…'`) of the page's inline scripts — the silent sign-in's start
 * (src/console/auth/early-sign-in.ts) — and style elements — the console's stylesheet — both put
 * there by the build (vite.config.ts), so exactly these may run and apply.
 */
export function inlineHashes(html: string): { scripts: string[]; styles: string[] } {
  return { scripts: hashesOf(html, INLINE_SCRIPT), styles: hashesOf(html, INLINE_STYLE) };
}

/**
 * Sends the console page: `indexFile` with `settings()` inline and the CSP of its inline scripts
 * and styles, made on first use and kept (a failure to make it is not kept: the next request
 * tries again).
 */
export function consolePageSender(indexFile: string, settings: () => Promise<unknown>): (reply: FastifyReply) => Promise<FastifyReply> {
  let page: Promise<{ html: string; csp: string }> | undefined;
  return async (reply) => {
    page ??= settings().then((values) => {
      const html = withInlineSettings(fs.readFileSync(indexFile, 'utf8'), values);
      return { html, csp: pageCspWithInline(inlineHashes(html)) };
    });
    const { html, csp } = await page.catch((error: unknown) => {
      page = undefined;
      throw error;
    });
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('content-security-policy', csp).send(html);
  };
}
