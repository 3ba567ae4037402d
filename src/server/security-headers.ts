import type { FastifyReply } from 'fastify';

// The headers every response of ours carries (OWASP Secure Headers Project). Responses that need
// a narrower or wider policy (the sign-in pages, the console page with the hashes of its inline
// script and style) set their own Content-Security-Policy first.

const pageCsp = (scriptSources: string, styleSources: string) =>
  `default-src 'self'; script-src ${scriptSources}; style-src ${styleSources}; img-src 'self' https: data:; connect-src 'self'; ` +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";
const PAGE_CSP = pageCsp("'self'", "'self'");

/**
 * The policy of a page of ours whose inline scripts and style elements, and only those, apply by
 * their hashes (style attributes stay refused: a hash never allows one).
 */
export function pageCspWithInline(hashes: { scripts: string[]; styles: string[] }): string {
  return pageCsp(["'self'", ...hashes.scripts].join(' '), ["'self'", ...hashes.styles].join(' '));
}

// No page of ours may be framed (SPEC §7), the console's silent sign-in page included: the console
// served here asks its same-origin OP by fetch, never from an iframe (fetch-navigator.ts).

// Not a document (JSON, CSS, images): nothing may run or frame it, should a browser render it
// (OWASP REST Security Cheat Sheet, "Security headers").
const RESOURCE_CSP = "default-src 'none'; frame-ancestors 'none'";

export function applySecurityHeaders(reply: FastifyReply): void {
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
  if (!reply.hasHeader('content-security-policy')) {
    const isHtml = String(reply.getHeader('content-type') ?? '').startsWith('text/html');
    reply.header('content-security-policy', isHtml ? PAGE_CSP : RESOURCE_CSP);
  }
}
