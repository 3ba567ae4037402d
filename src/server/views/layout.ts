// Server-rendered pages of the authorization server (login, consent, sign-out, errors).
// Plain HTML with one same-origin stylesheet: no scripts, no third-party assets, so the CSP
// (`default-src 'self'; frame-ancestors 'none'`) holds without exceptions.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

export type PageOptions = { title: string; stylesheet: string; main: string };

export function renderPage({ title, stylesheet, main }: PageOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · Client Admin</title>
<link rel="stylesheet" href="${escapeHtml(stylesheet)}">
</head>
<body>
<main class="card">
${main}
</main>
</body>
</html>
`;
}

export const PAGES_CSS = `
:root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: Canvas; color: CanvasText; }
.card { width: min(26rem, calc(100vw - 2rem)); padding: 2rem; border: 1px solid GrayText; border-radius: 0.5rem; box-sizing: border-box; }
h1 { font-size: 1.5rem; margin: 0 0 1rem; }
label { display: block; font-weight: 600; margin-top: 1rem; }
input[type=email], input[type=password] { display: block; width: 100%; box-sizing: border-box; font: inherit; padding: 0.5rem; margin-top: 0.25rem; border: 1px solid GrayText; border-radius: 0.25rem; }
input[aria-invalid=true] { border-color: #b3261e; border-width: 2px; }
button { font: inherit; font-weight: 600; padding: 0.5rem 1rem; margin-top: 1.5rem; margin-right: 0.5rem; border-radius: 0.25rem; border: 1px solid #1a56db; background: #1a56db; color: #fff; cursor: pointer; }
button.secondary { background: transparent; color: inherit; border-color: GrayText; }
:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
.error { border-left: 4px solid #b3261e; padding: 0.5rem 0.75rem; background: color-mix(in srgb, #b3261e 10%, Canvas); }
.scopes li { margin: 0.25rem 0; }
.scopes code, .meta { color: GrayText; font-size: 0.875rem; }
`;
