import type { FastifyReply } from 'fastify';
import { ADMIN_APP_SILENT_CALLBACK_PATH } from './oidc/client-metadata.ts';

// The headers every response of ours carries (OWASP Secure Headers Project). Responses that need
// a narrower or wider policy (the sign-in pages) set their own Content-Security-Policy first.

const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

// The console's silent sign-in page runs in a hidden iframe of the console itself (same origin),
// so it alone may be framed, and only by this origin. Every other page, the OP's login and
// consent pages above all, stays `frame-ancestors 'none'` (SPEC §7).
const SILENT_CALLBACK_CSP = PAGE_CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'");

// Not a document (JSON, CSS, images): nothing may run or frame it, should a browser render it
// (OWASP REST Security Cheat Sheet, "Security headers").
const RESOURCE_CSP = "default-src 'none'; frame-ancestors 'none'";

export function applySecurityHeaders(reply: FastifyReply): void {
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
  if (!reply.hasHeader('content-security-policy')) {
    const isHtml = String(reply.getHeader('content-type') ?? '').startsWith('text/html');
    if (!isHtml) reply.header('content-security-policy', RESOURCE_CSP);
    else reply.header('content-security-policy', reply.request.url.split('?')[0] === ADMIN_APP_SILENT_CALLBACK_PATH ? SILENT_CALLBACK_CSP : PAGE_CSP);
  }
}
